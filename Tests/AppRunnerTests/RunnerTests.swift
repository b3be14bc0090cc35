import AppModel
import AppRunner
import AppState
import Foundation
import Supervisor
import Synchronization
import Testing

/// `up` in-process: `AppRunner.run` on a small manifest with real children, stopped through
/// `stopWhen` (no signals: this is the test process). Serialized: each run spawns processes.
@Suite(.serialized) struct RunnerTests {
    /// What the runner printed, collected.
    final class Printed: Sendable {
        private let lines = Mutex<(out: String, error: String)>(("", ""))
        var out: String { lines.withLock { $0.out } }
        var error: String { lines.withLock { $0.error } }
        var output: RunnerOutput {
            RunnerOutput(
                out: { text in self.lines.withLock { $0.out += text } },
                error: { text in self.lines.withLock { $0.error += text.hasSuffix("\n") ? text : text + "\n" } })
        }
    }

    /// A fresh folder holding `apphost.yaml`, loaded and validated.
    static func app(_ yaml: String) throws -> Manifest {
        let directory = NSTemporaryDirectory() + "aspire-runner-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/apphost.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try ManifestLoader(environment: [:]).load(path)
        let manifest = try #require(result.manifest)
        #expect(!result.hasErrors, "\(result.diagnostics)")
        return manifest
    }

    /// Polls `condition` every 20 ms until it holds or `timeout` seconds pass.
    static func eventually(timeout: Double = 20, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// Each resource's `state` in `.aspire/status.json` (the documented JSON, read as JSON).
    static func states(in folder: StateFolder) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: folder.statusFile),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let resources = object["resources"] as? [[String: Any]]
        else { return [:] }
        var states: [String: String] = [:]
        for resource in resources {
            if let name = resource["name"] as? String, let state = resource["state"] as? String { states[name] = state }
        }
        return states
    }

    static func options(stopWhen: (@Sendable () async -> Void)? = nil) -> AppRunner.Options {
        var options = AppRunner.Options(hostEnvironment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
        options.gracePeriod = 2
        options.dashboard = false
        options.stopWhen = stopWhen
        return options
    }

    @Test("run reaches running, stops when asked, and leaves its env file, log, status file and no lock")
    func runAndStop() async throws {
        let app = try Self.app("""
            name: tiny
            resources:
              web:
                type: executable
                command: sh
                args: ["-c", "echo hello from web; exec sleep 300"]
                env:
                  GREETING: hello there
            """)
        let folder = StateFolder(manifestDirectory: app.directory)
        let printed = Printed()
        let options = Self.options(stopWhen: {
            // Running per the status file the runner keeps, with its first line in the log.
            _ = await Self.eventually {
                let log = (try? String(contentsOfFile: LogFiles.path(of: "web", in: folder), encoding: .utf8)) ?? ""
                return Self.states(in: folder) == ["web": "running"] && log.contains("hello from web")
            }
        })
        let outcome = try await AppRunner.run(app, options: options, output: printed.output)
        #expect(outcome.isSuccess, "\(outcome.failures) \(printed.error)")
        #expect(outcome.supervisor?.shutdownRequested == true)

        let envFile = folder.file("env/web.env")
        let attributes = try FileManager.default.attributesOfItem(atPath: envFile)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        #expect(try String(contentsOfFile: envFile, encoding: .utf8).contains("GREETING="))
        #expect(LogFiles.tail(LogFiles.path(of: "web", in: folder), lines: 10).lines.map(LogFiles.withoutTimestamp) == ["hello from web"])
        #expect(Self.states(in: folder)["web"] != nil)
        #expect(RunLock.runningPID(folder: folder) == nil)
    }

    @Test("a resource that fails is in the outcome; a second run while one holds the lock is refused")
    func failureAndLock() async throws {
        let app = try Self.app("""
            resources:
              broken:
                type: executable
                command: sh
                args: ["-c", "exit 3"]
            """)
        let outcome = try await AppRunner.run(app, options: Self.options(), output: Printed().output)
        #expect(!outcome.isSuccess)
        #expect(outcome.failures.map(\.service) == ["broken"])

        let folder = StateFolder(manifestDirectory: app.directory)
        let lock = try RunLock(folder: folder)
        await #expect(throws: AppRunner.Failure.self) {
            _ = try await AppRunner.run(app, options: Self.options(), output: Printed().output)
        }
        withExtendedLifetime(lock) {}
    }

    @Test("a resource that cannot be planned is reported by name before anything starts")
    func cannotPlan() async throws {
        let app = try Self.app("""
            resources:
              key:
                type: parameter
              api:
                type: executable
                command: sh
                args: ["-c", "exit 0"]
                env:
                  KEY: "{key.value}"
            """)
        do {
            _ = try await AppRunner.run(app, options: Self.options(), output: Printed().output)
            Issue.record("expected a planning failure")
        } catch {
            guard case .cannotPlan(let problems) = error else { Issue.record("\(error)"); return }
            #expect(!problems.isEmpty)
            #expect(error.lines.allSatisfy { $0.hasPrefix("key: ") || $0.hasPrefix("api: ") }, "\(error.lines)")
            #expect(error.isAppProblem)
        }
    }
}
