import AppHost
import AppState
import ArgumentParser
import Foundation

/// `aspire down`: stop the running app (its `up` stops everything in reverse order), and with
/// `--volumes` delete the data of well-known resources.
struct DownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "down", abstract: "Stop the running app; --volumes also deletes its data.")

    @OptionGroup var manifest: ManifestOptions
    @Flag(help: "Also delete the data of well-known servers (.aspire/data and the app's container volumes).") var volumes = false
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
        } else if !volumes {
            // A killed `up` may have left containers; remove them even though nothing runs.
            if let app = try? manifest.load().manifest, !ContainerCleanup.removeLeftovers(of: app).isEmpty { return }
            throw CommandFailure.invalid("no app is running for \(manifest.file)")
        }
        if let app = try? manifest.load().manifest {
            ContainerCleanup.removeLeftovers(of: app, volumes: volumes)
        }
        if volumes {
            let data = folder.dataDirectory
            PostgresDataFolder.deleteData(state: folder)
            try? FileManager.default.removeItem(atPath: folder.secretsFile)
            Console.out("deleted \(data) and the generated passwords\n")
        }
    }
}
