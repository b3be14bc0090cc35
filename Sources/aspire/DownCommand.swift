import AppHost
import AppState
import ArgumentParser
import Foundation

/// `aspire down`: stop the running app (its `up` stops everything in reverse order, leaving
/// `lifetime: persistent` servers running), with `--persistent` stop those too, and with
/// `--volumes` stop them and delete the data of well-known resources.
struct DownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "down", abstract: "Stop the running app; --volumes also deletes its data.")

    @OptionGroup var manifest: ManifestOptions
    @Flag(help: "Also stop the lifetime: persistent servers, which otherwise keep running for the next up.") var persistent = false
    @Flag(help: "Also delete the data of well-known servers (.aspire/data and the app's container volumes); stops persistent servers first.") var volumes = false
    @Option(help: "Seconds to wait for the app to stop.") var timeout: Double = 30

    func run() async throws {
        let folder = try RunningApp.folder(for: manifest)
        if let pid = RunLock.runningPID(folder: folder) {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(Clamped.duration(seconds: timeout) / .seconds(1))
            while RunLock.runningPID(folder: folder) != nil, Date() < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            if RunLock.runningPID(folder: folder) != nil {
                throw CommandFailure.invalid("aspire up (pid \(pid)) did not stop within \(Clamped.int(timeout)) s")
            }
            Console.out("stopped (aspire up, pid \(pid))\n")
        } else if !volumes, !persistent {
            // A killed `up` may have left containers; remove them even though nothing runs.
            if let app = try? manifest.load().manifest, !ContainerCleanup.removeLeftovers(of: app).isEmpty { return }
            throw CommandFailure.invalid("no app is running for \(manifest.file)")
        }
        if persistent || volumes {
            let stopped = PersistentServers.stopAll(state: folder.path, environment: ProcessInfo.processInfo.environment)
            if !stopped.isEmpty { Console.out("stopped persistent servers: \(stopped.joined(separator: ", "))\n") }
        }
        if let app = try? manifest.load().manifest {
            ContainerCleanup.removeLeftovers(of: app, volumes: volumes, persistent: persistent)
        }
        if volumes {
            let data = folder.dataDirectory
            PostgresDataFolder.deleteData(state: folder)
            try? FileManager.default.removeItem(atPath: folder.secretsFile)
            Console.out("deleted \(data) and the generated passwords\n")
        }
    }
}
