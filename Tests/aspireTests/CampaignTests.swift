import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 21's fault-and-abuse campaign: the cases that held, kept as regression tests. Black-box
/// (the real binary, its control socket and dashboard over real sockets), so they hold whatever
/// serves the control API.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CampaignTests {
    /// A sleeper that appends its pid to `api.pid` on every start.
    static let sleeper = """
        name: campaign
        resources:
          api:
            type: executable
            command: sh
            args: ["-c", "echo $$$$ >> api.pid; exec sleep 300"]
            endpoints: {}
        """

    /// Starts `manifest` with `up -d`; returns its path, folder and the background up's pid.
    static func startDetached(_ manifest: String) throws -> (path: String, directory: String, pid: Int32) {
        let path = try CLI.writeManifest(manifest)
        let directory = (path as NSString).deletingLastPathComponent
        let up = try CLI.run(["up", "-d", "-f", path, "--grace-period", "2"])
        guard up.status == 0 else { throw Campaign.Failure("up -d failed: \(up.stdout)\(up.stderr)") }
        return (path, directory, try lockPID(directory))
    }

    static func lockPID(_ directory: String) throws -> Int32 {
        let text = try String(contentsOfFile: directory + "/.aspire/run.lock", encoding: .utf8)
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Campaign.Failure("no pid in run.lock: \(text)")
        }
        return pid
    }

    static func socket(_ directory: String) -> String { directory + "/.aspire/control.sock" }

    // MARK: - The control socket

    @Test("slowloris on the control socket: ps keeps answering from the socket while 20 half-sent requests stall; they are cut off")
    func slowlorisControlSocket() throws {
        let app = try Self.startDetached(Self.sleeper)
        defer { _ = try? CLI.run(["down", "-f", app.path]) }
        var stalled: [Campaign.Connection] = []
        for index in 0..<20 {
            let connection = try Campaign.Connection(unixPath: Self.socket(app.directory))
            let request = Campaign.request("POST", "/v1/resources/api/restart", body: #"{"resources": ["api"]}"#)
            // Half a head, or a head with half its body.
            connection.write(index.isMultiple(of: 2) ? String(request.prefix(20)) : String(request.dropLast(5)))
            stalled.append(connection)
        }
        // ps must get its answer from the control API: without status.json there is no fallback
        // (it is rewritten only when a state changes, and nothing changes here).
        try? FileManager.default.removeItem(atPath: app.directory + "/.aspire/status.json")
        let ps = try CLI.run(["ps", "-f", app.path, "--format", "json"])
        #expect(ps.status == 0, "\(ps.stderr)")
        #expect(ps.stdout.contains("\"name\" : \"api\""), "\(ps.stdout)")
        // ps was answered while they still stalled (a server that waited them out would not have).
        let stillOpen = stalled.filter { !$0.isClosedByServer() }.count
        #expect(stillOpen > 0, "every stalled connection was closed before ps got its answer")
        // And each is closed within the documented 5 s, without the restart having happened.
        #expect(UpTests.eventually(timeout: 20) { stalled.allSatisfy { $0.isClosedByServer() } })
        #expect(ControlTests.recordedPIDs(app.directory, "api").count == 1, "a half-sent restart ran")
        #expect(try CLI.run(["ps", "-f", app.path]).status == 0)
    }

    @Test("200 concurrent status requests (and 10 concurrent ps) all get the app's status")
    func concurrentStatus() throws {
        let app = try Self.startDetached(Self.sleeper)
        defer { _ = try? CLI.run(["down", "-f", app.path]) }
        // Every request is written before any answer is read: the server holds 200 at once.
        var connections: [Campaign.Connection] = []
        for _ in 0..<200 {
            let connection = try Campaign.Connection(unixPath: Self.socket(app.directory))
            connection.write(Campaign.request("GET", "/v1/status"))
            connections.append(connection)
        }
        let processes = try (0..<10).map { _ in try Self.launch(["ps", "-f", app.path, "--format", "json"]) }
        var answered = 0
        for connection in connections {
            let answer = connection.readToEnd()
            if Campaign.status(of: answer) == 200, answer.contains("\"campaign\"") { answered += 1 }
        }
        #expect(answered == 200)
        for process in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
    }

    @Test("100 concurrent restart/stop/start calls: the app ends consistent, one api process, no orphan")
    func actionHammer() throws {
        let app = try Self.startDetached(Self.sleeper)
        defer { _ = try? CLI.run(["down", "-f", app.path]) }
        let verbs = ["restart", "stop", "start"]
        var connections: [Campaign.Connection] = []
        for index in 0..<100 {
            let connection = try Campaign.Connection(unixPath: Self.socket(app.directory))
            connection.write(Campaign.request("POST", "/v1/resources/api/\(verbs[index % 3])", body: ""))
            connections.append(connection)
        }
        var statuses: [Int: Int] = [:]
        for connection in connections { statuses[Campaign.status(of: connection.readToEnd()), default: 0] += 1 }
        #expect(statuses.keys.allSatisfy { $0 == 200 || $0 == 409 }, "answers: \(statuses)")
        #expect(statuses[200, default: 0] > 0, "answers: \(statuses)")
        // Whatever order they ran in, one start puts the app in a known state.
        let start = try CLI.run(["start", "api", "-f", app.path])
        #expect(start.status == 0, "\(start.stdout)\(start.stderr)")
        #expect(ControlTests.state(app.path, "api") == "running")
        let current = ControlTests.pids(app.path, "api")
        #expect(current.count == 1)
        let recorded = ControlTests.recordedPIDs(app.directory, "api")
        #expect(recorded.count > 1, "the calls started api again")
        #expect(UpTests.eventually { recorded.filter { UpTests.alive($0) } == current }, "alive: \(recorded.filter { UpTests.alive($0) }), ps: \(current)")
        let down = try CLI.run(["down", "-f", app.path])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(UpTests.eventually { !UpTests.alive(app.pid) && recorded.allSatisfy { !UpTests.alive($0) } })
    }

    // MARK: - up -d / down

    @Test("up -d then down, 10 times: no process, open file or listening port is left behind")
    func upDownCycles() throws {
        let path = try CLI.writeManifest(
            """
            name: cycles
            resources:
              web:
                type: executable
                command: python3
                args: ["-c", "import http.server,os\\nhttp.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), http.server.BaseHTTPRequestHandler).serve_forever()"]
              worker:
                type: executable
                command: sh
                args: ["-c", "echo $$$$ >> worker.pid; exec sleep 300"]
                endpoints: {}
            """)
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path]) }
        // The campaign ran 20 cycles; 10 keep this test within seconds.
        for cycle in 1...10 {
            let up = try CLI.run(["up", "-d", "-f", path, "--grace-period", "2"])
            try #require(up.status == 0, "cycle \(cycle): \(up.stdout)\(up.stderr)")
            let supervisor = try Self.lockPID(directory)
            let ports = try Self.ports(path, directory)
            // (Python may take seconds to bind when the whole suite loads the machine: up -d waits for running, not for the port.)
            #expect(UpTests.eventually(timeout: 30) { ports.allSatisfy(Campaign.isListening) }, "cycle \(cycle): \(ports)")
            let down = try CLI.run(["down", "-f", path])
            try #require(down.status == 0, "cycle \(cycle): \(down.stderr)")
            #expect(UpTests.eventually(timeout: 10) { !UpTests.alive(supervisor) }, "cycle \(cycle)")
            let workers = ControlTests.recordedPIDs(directory, "worker")
            #expect(workers.count == cycle)
            #expect(workers.allSatisfy { !UpTests.alive($0) }, "cycle \(cycle): a worker survived down")
            #expect(UpTests.eventually(timeout: 10) { ports.allSatisfy { !Campaign.isListening($0) } }, "cycle \(cycle): \(ports)")
            #expect(UpTests.eventually(timeout: 10) { Campaign.holders(of: directory).isEmpty }, "cycle \(cycle): \(Campaign.holders(of: directory))")
        }
    }

    /// The web resource's port (from `ps`) and the dashboard's (from the state folder).
    static func ports(_ path: String, _ directory: String) throws -> [Int] {
        let dashboard = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: directory + "/.aspire/dashboard.json"))) as? [String: Any]
        let url = (ControlTests.resources(path)["web"]?["urls"] as? [String])?.first
        let port = url.flatMap { $0.split(separator: ":").last }.flatMap { Int($0) }
        let ports = [port, dashboard?["port"] as? Int].compactMap { $0 }
        guard ports.count == 2 else { throw Campaign.Failure("no ports: web \(url ?? "-"), dashboard \(String(describing: dashboard))") }
        return ports
    }

    // MARK: - Helpers

    /// Starts `aspire ARGS…` without waiting (output discarded).
    static func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
