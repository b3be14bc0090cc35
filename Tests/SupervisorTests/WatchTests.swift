import AppStatus
import Foundation
import Testing

@testable import Supervisor

extension ProcessTests {
    /// `watch:` (restart on change) and `explicitStart`, with real `/bin/sh` children and real
    /// inotify events.
    @Suite struct Watch {
        /// A child that appends "<pid> <contents of src/msg.txt>" to `out` and sleeps.
        private static func watched(
            _ sandbox: Sandbox, debounce: Duration = .milliseconds(100), script: String? = nil, ignore: [String] = []
        ) -> ServiceSpec {
            var spec = shell(
                "web", script ?? "echo \"$$ $(cat src/msg.txt)\" >> out; exec sleep 30", directory: sandbox.directory)
            spec.watch = WatchSpec(roots: [sandbox.path("src")], ignore: ignore, debounce: debounce)
            return spec
        }

        private static func prepare(_ sandbox: Sandbox) throws {
            try FileManager.default.createDirectory(atPath: sandbox.path("src/node_modules"), withIntermediateDirectories: true)
            try "v1\n".write(toFile: sandbox.path("src/msg.txt"), atomically: false, encoding: .utf8)
        }

        private static func write(_ text: String, to path: String) throws {
            try text.write(toFile: path, atomically: false, encoding: .utf8)
        }

        @Test("an edit restarts the service: a new pid, which prints the change; its dependent is not restarted")
        func editRestarts() async throws {
            let sandbox = try Sandbox()
            try Self.prepare(sandbox)
            let dependent = shell("api", "echo $$ >> \(sandbox.path("api")); exec sleep 30", waitFor: ["web"])
            let plan = sandbox.plan([Self.watched(sandbox), dependent], gracePeriod: .seconds(2))
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { sandbox.lines("out").count == 1 && sandbox.lines("api").count == 1 }, "\(sink.text)")

            try Self.write("v2\n", to: sandbox.path("src/msg.txt"))
            #expect(await eventually { sandbox.lines("out").count == 2 }, "\(sink.text)")
            let lines = sandbox.lines("out")
            #expect(lines[1].hasSuffix(" v2"), "\(lines)")
            #expect(lines[0].split(separator: " ").first != lines[1].split(separator: " ").first, "a new pid")
            #expect(sink.lines.contains("aspire | web: restarting (changed: msg.txt)"), "\(sink.text)")
            #expect(await eventually { await supervisor.state(of: "web") == .running })
            #expect(sandbox.lines("api").count == 1, "the dependent is not restarted")

            await supervisor.requestShutdown()
            let result = try await outcome
            #expect(result.isSuccess, "\(result.failures)")
        }

        @Test("1,000 writes in a burst are one restart")
        func burstIsOneRestart() async throws {
            let sandbox = try Sandbox()
            try Self.prepare(sandbox)
            let plan = sandbox.plan([Self.watched(sandbox, debounce: .milliseconds(200))], gracePeriod: .seconds(2))
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { sandbox.lines("out").count == 1 }, "\(sink.text)")

            for index in 0..<1_000 {
                try Self.write("v\(index)\n", to: sandbox.path("src/file\(index % 10).txt"))
            }
            #expect(await eventually { sandbox.lines("out").count == 2 }, "\(sink.text)")
            #expect(await eventually { await supervisor.state(of: "web") == .running })
            // Longer than several debounce windows: no second restart comes.
            try await Task.sleep(for: .seconds(1))
            #expect(sandbox.lines("out").count == 2, "\(sink.text)")
            #expect(sink.lines.filter { $0.contains("restarting (changed:") }.count == 1, "\(sink.text)")
            #expect(await supervisor.replica("web")?.restarts == 1)

            await supervisor.requestShutdown()
            _ = try await outcome
        }

        @Test("changes to ignored paths (defaults, .gitignore, ignore:) restart nothing")
        func ignoredPaths() async throws {
            let sandbox = try Sandbox()
            try Self.prepare(sandbox)
            try Self.write("*.log\nbuild/\n", to: sandbox.path("src/.gitignore"))
            let plan = sandbox.plan([Self.watched(sandbox, ignore: ["*.tmp"])], gracePeriod: .seconds(2))
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { sandbox.lines("out").count == 1 }, "\(sink.text)")

            try Self.write("x", to: sandbox.path("src/node_modules/a.js"))
            try FileManager.default.createDirectory(atPath: sandbox.path("src/__pycache__"), withIntermediateDirectories: true)
            try Self.write("x", to: sandbox.path("src/__pycache__/m.pyc"))
            try Self.write("x", to: sandbox.path("src/m.pyc"))
            try Self.write("x", to: sandbox.path("src/debug.log"))
            try Self.write("x", to: sandbox.path("src/scratch.tmp"))
            try FileManager.default.createDirectory(atPath: sandbox.path("src/build/deep"), withIntermediateDirectories: true)
            try Self.write("x", to: sandbox.path("src/build/deep/o.o"))
            try await Task.sleep(for: .milliseconds(500))
            #expect(sandbox.lines("out").count == 1, "\(sink.text)")
            // A real change after them restarts once, and names only itself.
            try Self.write("v2\n", to: sandbox.path("src/msg.txt"))
            #expect(await eventually { sandbox.lines("out").count == 2 }, "\(sink.text)")
            #expect(sink.lines.contains("aspire | web: restarting (changed: msg.txt)"), "\(sink.text)")

            await supervisor.requestShutdown()
            _ = try await outcome
        }

        @Test("a change during a restart is not lost: it restarts again")
        func changeDuringRestart() async throws {
            let sandbox = try Sandbox()
            try Self.prepare(sandbox)
            // Takes a second to stop, so the second change lands while the restart runs.
            let script = "echo \"$$ $(cat src/msg.txt)\" >> out; trap 'sleep 1; exit 0' TERM; sleep 30 & wait"
            let plan = sandbox.plan([Self.watched(sandbox, script: script)], gracePeriod: .seconds(5))
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { sandbox.lines("out").count == 1 }, "\(sink.text)")

            try Self.write("v2\n", to: sandbox.path("src/msg.txt"))
            #expect(await eventually { sink.lines.contains("aspire | web: stopping") }, "\(sink.text)")
            try Self.write("v3\n", to: sandbox.path("src/msg.txt"))
            #expect(await eventually { sandbox.lines("out").count == 3 }, "\(sink.text)")
            #expect(sandbox.lines("out").last?.hasSuffix(" v3") == true, "\(sandbox.lines("out"))")

            await supervisor.requestShutdown()
            _ = try await outcome
        }

        @Test("explicitStart: not started until start; a waiter waits, then runs")
        func explicitStart() async throws {
            let sandbox = try Sandbox()
            var db = shell("db", "echo $$ >> \(sandbox.path("db")); exec sleep 30")
            db.explicitStart = true
            let api = shell("api", "echo $$ >> \(sandbox.path("api")); exec sleep 30", waitFor: ["db"])
            let plan = sandbox.plan([db, api], gracePeriod: .seconds(2))
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "db") == .notStarted }, "\(sink.text)")
            #expect(await supervisor.state(of: "api") == .waiting)
            let snapshot = await supervisor.snapshot()
            #expect(snapshot.first { $0.name == "db" }?.state == .notStarted)
            #expect(ResourceState("not started") == .notStarted)
            try await Task.sleep(for: .milliseconds(200))
            #expect(sandbox.lines("db").isEmpty && sandbox.lines("api").isEmpty)
            #expect(sink.lines.contains("aspire | db: not started (explicitStart; run 'aspire start db')"), "\(sink.text)")

            try await supervisor.start(["db"])
            #expect(await eventually { sandbox.lines("db").count == 1 && sandbox.lines("api").count == 1 }, "\(sink.text)")
            #expect(await eventually { await supervisor.state(of: "api") == .running })

            await supervisor.requestShutdown()
            let result = try await outcome
            #expect(result.isSuccess, "\(result.failures)")
        }

        @Test("explicitStart: a shutdown before start ends the run cleanly; the waiter is not started")
        func explicitStartShutdown() async throws {
            let sandbox = try Sandbox()
            var db = shell("db", "exec sleep 30")
            db.explicitStart = true
            let plan = sandbox.plan([db, shell("api", "exec sleep 30", waitFor: ["db"])], gracePeriod: .seconds(2))
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "db") == .notStarted }, "\(sink.text)")
            await supervisor.requestShutdown()
            let result = try await outcome
            #expect(result.isSuccess, "\(result.failures)")
            #expect(await supervisor.state(of: "db") == .stopped)
            #expect(await supervisor.state(of: "api") == .stopped)
        }
    }
}
