import Foundation
import Testing

extension ControlTests {
    /// `up --watch` on a project: an edit restarts it (a new pid that prints the change), and
    /// the console says why.
    @Test("up --watch restarts a project when a file in its folder changes")
    func upWatch() throws {
        let yaml = """
            name: watching
            resources:
              svc:
                type: project
                path: ./svc
                command: [sh, -c, "echo $$$$ $(cat msg.txt) >> ../svc.pid; exec sleep 300"]
                endpoints: {}
            """
        let path = try CLI.writeManifest(yaml, files: ["svc/msg.txt": "v1\n"])
        let directory = (path as NSString).deletingLastPathComponent
        let up = try UpTests.Running(["-f", path, "--watch", "--no-dashboard"])
        defer { kill(up.process.processIdentifier, SIGTERM) }
        let lines = { ((try? String(contentsOfFile: directory + "/svc.pid", encoding: .utf8)) ?? "").split(separator: "\n") }
        #expect(UpTests.eventually { lines().count == 1 }, "\(up.output)")
        try "v2\n".write(toFile: directory + "/svc/msg.txt", atomically: false, encoding: .utf8)
        #expect(UpTests.eventually { lines().count == 2 }, "\(up.output)")
        #expect(lines().last?.hasSuffix(" v2") == true, "\(lines())")
        #expect(UpTests.eventually { up.output.contains("svc: restarting (changed: msg.txt)") }, "\(up.output)")
    }

    /// `explicitStart: true`: `ps` shows `not started`; `aspire start` starts it and its waiter.
    @Test("explicitStart: not started until aspire start; a waiter waits")
    func explicitStart() throws {
        let yaml = """
            name: explicit
            resources:
              db:
                type: executable
                command: sh
                args: ["-c", "echo $$$$ >> db.pid; exec sleep 300"]
                explicitStart: true
              api:
                type: executable
                command: sh
                args: ["-c", "echo $$$$ >> api.pid; exec sleep 300"]
                waitFor: [db]
            """
        let path = try CLI.writeManifest(yaml)
        let directory = (path as NSString).deletingLastPathComponent
        let up = try UpTests.Running(["-f", path, "--no-dashboard"])
        defer { kill(up.process.processIdentifier, SIGTERM) }
        #expect(UpTests.eventually { Self.state(path, "db") == "not started" }, "\(up.output)")
        #expect(Self.state(path, "api") == "waiting")
        #expect(Self.recordedPIDs(directory, "db").isEmpty && Self.recordedPIDs(directory, "api").isEmpty)

        let result = try CLI.run(["start", "db", "-f", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(UpTests.eventually { Self.recordedPIDs(directory, "api").count == 1 }, "\(up.output)")
        #expect(Self.recordedPIDs(directory, "db").count == 1)
        #expect(UpTests.eventually { Self.state(path, "api") == "running" }, "\(up.output)")
    }
}
