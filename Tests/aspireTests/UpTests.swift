import Foundation
import Testing

/// `aspire up` end to end: the real binary, real children, real signals.
@Suite(.serialized) struct UpTests {
    /// Starts `aspire up` in the background; output goes to a file so nothing blocks.
    final class Running {
        let process = Process()
        let outputPath: String

        init(_ arguments: [String], environment: [String: String] = [:]) throws {
            outputPath = NSTemporaryDirectory() + "aspire-up-\(UUID().uuidString.prefix(8)).log"
            _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
            process.executableURL = URL(fileURLWithPath: CLI.binary)
            process.arguments = ["up"] + arguments + ["--grace-period", "2"]
            var env = ProcessInfo.processInfo.environment
            env["NO_COLOR"] = "1"
            env.merge(environment) { $1 }
            process.environment = env
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

        func wait(timeout: Double = 20) -> Int32? {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { return nil }
            return process.terminationStatus
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    /// Polls `condition` until it holds or `timeout` passes (an event, not a timed assert).
    static func eventually(timeout: Double = 20, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    static func pids(in directory: String, names: [String]) -> [Int32] {
        names.compactMap { name in
            (try? String(contentsOfFile: directory + "/" + name + ".pid", encoding: .utf8)).flatMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
    }

    static func alive(_ pid: Int32) -> Bool {
        // A zombie still answers kill(0); read its state to tell.
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !stat.contains(") Z ")
    }

    /// Long-running children that record their pid: `sh -c 'echo $$ > NAME.pid; exec sleep 300'`.
    static func sleepers(_ names: [String]) -> String {
        var yaml = "name: sleepers\nresources:\n"
        for (index, name) in names.enumerated() {
            yaml += "  \(name):\n    type: executable\n    command: sh\n    args: [\"-c\", \"echo $$$$ > \(name).pid; exec sleep 300\"]\n"
            if index > 0 { yaml += "    waitFor: [\(names[index - 1])]\n" }
        }
        return yaml
    }

    @Test("waitForCompletion orders a chain; up exits 0 when everything finished cleanly")
    func chain() throws {
        let path = try CLI.writeManifest("""
            resources:
              migrate:
                type: executable
                command: sh
                args: ["-c", "echo migrate >> order.txt"]
              seed:
                type: executable
                command: sh
                args: ["-c", "echo seed >> order.txt"]
                waitForCompletion: [migrate]
              report:
                type: executable
                command: sh
                args: ["-c", "echo report >> order.txt; echo \\"PORT=$$PORT\\""]
                waitForCompletion: [seed]
            """)
        let directory = (path as NSString).deletingLastPathComponent
        let up = try Running(["-f", path])
        #expect(up.wait() == 0, "\(up.output)")
        let order = try String(contentsOfFile: directory + "/order.txt", encoding: .utf8)
        #expect(order == "migrate\nseed\nreport\n")
        #expect(up.output.contains("report"))
        #expect(up.output.contains("PORT="))
    }

    @Test("a failing step fails its waiter and up exits 1 naming it")
    func failure() throws {
        let path = try CLI.writeManifest("""
            resources:
              migrate:
                type: executable
                command: sh
                args: ["-c", "exit 3"]
              app:
                type: executable
                command: sh
                args: ["-c", "echo never"]
                waitForCompletion: [migrate]
            """)
        let up = try Running(["-f", path])
        #expect(up.wait() == 1, "\(up.output)")
        #expect(up.output.contains("migrate"))
        #expect(!up.output.contains("never"))
    }

    @Test("SIGTERM stops every child and up exits 0; env files are 0600 and match `aspire env`")
    func sigterm() throws {
        let names = ["one", "two", "three"]
        let path = try CLI.writeManifest(Self.sleepers(names))
        let directory = (path as NSString).deletingLastPathComponent
        let up = try Running(["-f", path])
        #expect(Self.eventually { Self.pids(in: directory, names: names).count == 3 }, "\(up.output)")
        let pids = Self.pids(in: directory, names: names)

        let envFile = directory + "/.aspire/env/two.env"
        let attributes = try FileManager.default.attributesOfItem(atPath: envFile)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        let printed = try CLI.run(["env", "two", "-f", path, "--show-secrets"])
        // Only the instance id differs: `up` makes it unique per run (docs/telemetry.md).
        let written = try String(contentsOfFile: envFile, encoding: .utf8)
        let withoutInstance = { (text: String) in
            text.split(separator: "\n").filter { !$0.hasPrefix("OTEL_RESOURCE_ATTRIBUTES=") }
        }
        #expect(withoutInstance(written) == withoutInstance(printed.stdout))
        #expect(written.contains("OTEL_RESOURCE_ATTRIBUTES=service.instance.id=two-"))

        let second = try CLI.run(["up", "-f", path])
        #expect(second.status == 1)
        #expect(second.stderr.contains("already running"))
        #expect(second.stderr.contains("pid \(up.process.processIdentifier)"))

        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait() == 0, "\(up.output)")
        for pid in pids { #expect(!Self.alive(pid), "pid \(pid) survived") }
    }

    @Test("kill -9 of up leaves no child behind")
    func killNine() throws {
        let names = ["a", "b"]
        let path = try CLI.writeManifest(Self.sleepers(names))
        let directory = (path as NSString).deletingLastPathComponent
        let up = try Running(["-f", path])
        #expect(Self.eventually { Self.pids(in: directory, names: names).count == 2 }, "\(up.output)")
        let pids = Self.pids(in: directory, names: names)
        kill(up.process.processIdentifier, SIGKILL)
        _ = up.wait()
        #expect(Self.eventually(timeout: 5) { pids.allSatisfy { !Self.alive($0) } }, "children survived kill -9: \(pids)")
    }

    @Test("a command that does not exist gets one clear line; the rest keeps running")
    func missingCommand() throws {
        let path = try CLI.writeManifest("""
            resources:
              broken:
                type: executable
                command: definitely-not-a-command-xyz
              fine:
                type: executable
                command: sh
                args: ["-c", "echo fine-ran"]
            """)
        let up = try Running(["-f", path])
        #expect(up.wait() == 1, "\(up.output)")
        #expect(up.output.contains("definitely-not-a-command-xyz"))
        #expect(up.output.contains("fine-ran"))
    }

    @Test("up RESOURCE starts only it and what it waits for")
    func selection() throws {
        let path = try CLI.writeManifest("""
            resources:
              base:
                type: executable
                command: sh
                args: ["-c", "touch base.ran"]
              wanted:
                type: executable
                command: sh
                args: ["-c", "touch wanted.ran"]
                waitForCompletion: [base]
              other:
                type: executable
                command: sh
                args: ["-c", "touch other.ran"]
            """)
        let directory = (path as NSString).deletingLastPathComponent
        let up = try Running(["-f", path, "wanted"])
        #expect(up.wait() == 0, "\(up.output)")
        #expect(FileManager.default.fileExists(atPath: directory + "/base.ran"))
        #expect(FileManager.default.fileExists(atPath: directory + "/wanted.ran"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/other.ran"))
    }
    @Test("ps, logs and down work against a running app; each says so when nothing runs")
    func controlVerbs() throws {
        let path = try CLI.writeManifest("""
            name: verbs
            resources:
              talker:
                type: executable
                command: sh
                args: ["-c", "echo hello-from-talker; echo $$$$ > talker.pid; exec sleep 300"]
              quiet:
                type: executable
                command: sh
                args: ["-c", "exec sleep 300"]
            """)
        let directory = (path as NSString).deletingLastPathComponent
        #expect(try CLI.run(["ps", "-f", path]).status == 1)
        let up = try Running(["-f", path])
        #expect(Self.eventually { Self.pids(in: directory, names: ["talker"]).count == 1 }, "\(up.output)")
        var table = ""
        #expect(Self.eventually {
            table = (try? CLI.run(["ps", "-f", path]).stdout) ?? ""
            return table.contains("HEALTH") && table.contains("talker") && table.contains("running")
        }, "\(table)")
        let json = try CLI.run(["ps", "-f", path, "--format", "json"])
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["resources"] as? [[String: Any]])?.count == 2)
        var logs = ""
        #expect(Self.eventually {
            logs = (try? CLI.run(["logs", "talker", "--file", path]).stdout) ?? ""
            return logs.contains("talker | hello-from-talker")
        }, "\(logs)")
        #expect(try CLI.run(["logs", "nope", "--file", path]).status == 1)
        let down = try CLI.run(["down", "-f", path])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(up.wait() == 0)
        #expect(try CLI.run(["ps", "-f", path]).status == 1)
        #expect(try CLI.run(["down", "-f", path]).status == 1)
    }

    @Test("replicas: one stable URL in front, connections spread over the replicas")
    func replicas() throws {
        let path = try CLI.writeManifest("""
            name: replicas
            resources:
              echo:
                type: executable
                command: python3
                args: ["-c", "import http.server,os\\nclass H(http.server.BaseHTTPRequestHandler):\\n  def do_GET(self):\\n    b=os.environ['PORT'].encode(); self.send_response(200); self.end_headers(); self.wfile.write(b)\\n  def log_message(self,*a): pass\\nhttp.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()"]
                replicas: 2
                healthCheck: { http: /, interval: 200ms }
            """)
        let env = try CLI.run(["env", "echo", "-f", path, "--format", "json"])
        let object = try #require(JSONSerialization.jsonObject(with: Data(env.stdout.utf8)) as? [String: String])
        let replicaPort = try #require(object["PORT"])
        let up = try Running(["-f", path])
        #expect(Self.eventually { up.output.contains("echo: healthy") }, "\(up.output)")
        let status = try CLI.run(["ps", "-f", path, "--format", "json"])
        let ps = try #require(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let url = try #require(((ps["resources"] as? [[String: Any]])?.first?["urls"] as? [String])?.first)
        let port = try #require(url.split(separator: ":").last.flatMap { Int($0) })
        var answers = Set<String>()
        for _ in 0..<6 {
            if let response = StarterTests.get(port: port, path: "/"), let body = response.components(separatedBy: "\r\n\r\n").last {
                answers.insert(body)
            }
        }
        #expect(answers.count == 2, "answers: \(answers)")
        #expect(answers.contains(replicaPort))
        #expect(!answers.contains(String(port)))
        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait() == 0, "\(up.output)")
    }

    @Test("a fixed port already taken: up refuses, naming the resource, the port and the holder")
    func portTaken() throws {
        // Hundreds of other listeners first, so the holder's line is far down /proc/net/tcp (it
        // was once read only up to its first page, and the holder went unnamed).
        let crowd = (0..<400).map { _ in UpTests.listener() }
        defer { crowd.forEach { close($0) } }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(fd, 1)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let path = try CLI.writeManifest("""
            resources:
              web:
                type: executable
                command: sleep
                args: ["30"]
                endpoints:
                  http: { port: \(port) }
            """)
        let up = try Running(["-f", path])
        #expect(up.wait() == 1, "\(up.output)")
        #expect(up.output.contains("web"))
        #expect(up.output.contains("\(port)"))
        #expect(up.output.contains("pid \(getpid())"), "\(up.output)")
    }
}

extension UpTests {
    /// A socket listening on an ephemeral loopback port (closed by the caller).
    static func listener() -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(fd, 1)
        return fd
    }
}
