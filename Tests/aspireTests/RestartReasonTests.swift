import Foundation
import Testing

extension ControlTests {
    /// `lastRestart` in `ps --format json` (and the line under `ps`'s table), after a restart
    /// by a watched change, by a crash and by `aspire restart`.
    @Test("ps says why a resource last restarted: a watched change, a crash, aspire restart")
    func restartReasons() throws {
        let yaml = """
            name: reasons
            resources:
              svc:
                type: project
                path: ./svc
                command: [sh, -c, "echo $$$$ >> ../svc.pid; exec sleep 300"]
                endpoints: {}
                watch: true
              crasher:
                type: executable
                command: sh
                args: ["-c", "echo $$$$ >> crasher.pid; if [ ! -e crashed ]; then touch crashed; exit 3; fi; exec sleep 300"]
                restart: on-failure
            """
        let path = try CLI.writeManifest(yaml, files: ["svc/msg.txt": "v1\n"])
        let directory = (path as NSString).deletingLastPathComponent
        let up = try UpTests.Running(["-f", path, "--no-dashboard"])
        defer { kill(up.process.processIdentifier, SIGTERM) }
        let reason = { (name: String) in Self.resources(path)[name]?["lastRestart"] as? [String: Any] }

        // The crash: exit 3, restarted by on-failure.
        #expect(UpTests.eventually { Self.recordedPIDs(directory, "crasher").count == 2 }, "\(up.output)")
        #expect(UpTests.eventually { reason("crasher") != nil }, "\(up.output)")
        #expect(reason("crasher")?["kind"] as? String == "crash")
        #expect(reason("crasher")?["exit"] as? String == "exited with code 3")
        #expect(reason("crasher")?["policy"] as? String == "on-failure")
        #expect(reason("svc") == nil, "never restarted: no lastRestart")

        // The watched change: the first changed path.
        #expect(UpTests.eventually { Self.recordedPIDs(directory, "svc").count == 1 }, "\(up.output)")
        try "v2\n".write(toFile: directory + "/svc/msg.txt", atomically: false, encoding: .utf8)
        #expect(UpTests.eventually { reason("svc")?["kind"] as? String == "watch" }, "\(up.output)")
        #expect(reason("svc")?["path"] as? String == "msg.txt")
        let table = try CLI.run(["ps", "-f", path])
        #expect(table.stdout.contains("last restart: svc "), "\(table.stdout)")
        #expect(table.stdout.contains("(changed: msg.txt)"), "\(table.stdout)")
        #expect(table.stdout.contains("(exited with code 3 (restart: on-failure))"), "\(table.stdout)")

        // aspire restart: manual.
        #expect(try CLI.run(["restart", "crasher", "-f", path]).status == 0)
        #expect(reason("crasher")?["kind"] as? String == "manual", "\(up.output)")
        #expect(reason("crasher")?["at"] as? Double != nil)
    }

    /// `up -d` does not wait for a resource that waits for a `not started` one; `start` then
    /// starts both.
    @Test("up -d returns promptly when a resource waits for an explicitStart one; start runs both")
    func detachWithExplicitStart() throws {
        let yaml = """
            name: explicitwait
            resources:
              worker:
                type: executable
                command: sh
                args: ["-c", "echo $$$$ >> worker.pid; exec sleep 300"]
                explicitStart: true
              webfrontend:
                type: executable
                command: sh
                args: ["-c", "echo $$$$ >> webfrontend.pid; exec sleep 300"]
                waitFor: [worker]
              api:
                type: executable
                command: sh
                args: ["-c", "exec sleep 300"]
            """
        let path = try CLI.writeManifest(yaml)
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path]) }
        let started = Date()
        let up = try CLI.run(["up", "-d", "-f", path, "--wait-timeout", "60"])
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        #expect(Date().timeIntervalSince(started) < 30, "up -d waited for the waiter")
        #expect(up.stdout.contains("webfrontend: waiting for worker (not started)"), "\(up.stdout)")
        #expect(Self.state(path, "webfrontend") == "waiting")
        #expect(Self.resources(path)["webfrontend"]?["waitingFor"] as? [String] == ["worker"])

        #expect(try CLI.run(["start", "worker", "-f", path]).status == 0)
        #expect(UpTests.eventually { Self.state(path, "webfrontend") == "running" })
        #expect(Self.recordedPIDs(directory, "webfrontend").count == 1)
        #expect(Self.resources(path)["webfrontend"]?["waitingFor"] == nil, "no waitingFor once it runs")
    }
}
