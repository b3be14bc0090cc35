import AppStatus
import Foundation
import Testing

/// One running app, four readers: the control API (`GET /v1/status` on the socket), the file
/// `.aspire/status.json`, `aspire ps --format json` and the dashboard's `GET /api/resources` give
/// the same resources, because they are one value (`RunStatus`/`ResourceStatus`).
@Suite(.serialized)
struct StatusAgreementTests {
    static let app = """
        name: agree
        resources:
          echo:
            type: executable
            command: python3
            args: ["-c", "import http.server,os\\nclass H(http.server.BaseHTTPRequestHandler):\\n  def do_GET(self):\\n    self.send_response(200); self.end_headers(); self.wfile.write(b'ok')\\n  def log_message(self,*a): pass\\nhttp.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()"]
            replicas: 2
            healthCheck: { http: /, interval: 200ms }
          worker:
            type: executable
            command: sh
            args: ["-c", "exec sleep 300"]
          job:
            type: executable
            command: sh
            args: ["-c", "exit 0"]
        """

    /// What each reader says, decoded into the one type.
    struct Answers: CustomStringConvertible {
        var control: RunStatus?
        var file: RunStatus?
        var ps: RunStatus?
        var dashboard: [ResourceStatus]?

        var agree: Bool {
            guard let control else { return false }
            return file == control && ps == control && dashboard == control.resources
        }

        var description: String {
            [("control", control as Any), ("file", file as Any), ("ps", ps as Any), ("dashboard", dashboard as Any)]
                .map { "\($0.0): \(String(describing: $0.1))" }.joined(separator: "\n")
        }
    }

    static func read(path: String, base: String, jar: String) throws -> Answers {
        let directory = (path as NSString).deletingLastPathComponent
        let decoder = JSONDecoder()
        let control = try DashboardCommandTests.curl([
            "--unix-socket", directory + "/.aspire/control.sock", "http://aspire/v1/status",
        ])
        let file = FileManager.default.contents(atPath: directory + "/.aspire/status.json")
        let ps = try CLI.run(["ps", "-f", path, "--format", "json"])
        let dashboard = try DashboardCommandTests.curl(["-b", jar, base + "/api/resources"])
        return Answers(
            control: try? decoder.decode(RunStatus.self, from: Self.body(control)),
            file: file.flatMap { try? decoder.decode(RunStatus.self, from: $0) },
            ps: try? decoder.decode(RunStatus.self, from: Data(ps.stdout.utf8)),
            dashboard: try? decoder.decode([ResourceStatus].self, from: Self.body(dashboard)))
    }

    /// The body of a `curl -w '\n%{http_code}'` answer.
    static func body(_ result: CLIResult) -> Data {
        let end = result.stdout.range(of: "\n", options: .backwards)?.lowerBound ?? result.stdout.endIndex
        return Data(result.stdout[..<end].utf8)
    }

    @Test("the control API, status.json, ps --format json and the dashboard give the same answers")
    func sameAnswers() throws {
        let path = try CLI.writeManifest(Self.app)
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path]) }
        let up = try CLI.run(["up", "-d", "-f", path])
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        let login = try CLI.run(["dashboard", "-f", path]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let base = String(login[..<(login.range(of: "/login")?.lowerBound ?? login.endIndex)])
        let jar = directory + "/cookies"
        #expect(try DashboardCommandTests.curl(["-c", jar, login]).stdout.hasSuffix("\n303"), "\(login)")

        // status.json follows the app a moment later (it is rewritten on change): wait for it.
        var answers = try Self.read(path: path, base: base, jar: jar)
        func agreed() -> Bool {
            guard let latest = try? Self.read(path: path, base: base, jar: jar) else { return false }
            answers = latest
            return latest.agree
        }
        #expect(UpTests.eventually(agreed), "\(answers)")
        let resources = Dictionary(uniqueKeysWithValues: (answers.control?.resources ?? []).map { ($0.name, $0) })
        let echo = try #require(resources["echo"], "\(answers)")
        #expect(echo.state == .healthy && echo.health == .healthy && echo.healthProbe == .http && echo.ready)
        #expect(echo.replicas.count == 2 && echo.pids.count == 2 && echo.upSince != nil && !echo.urls.isEmpty)
        #expect(resources["worker"]?.state == .running && resources["worker"]?.health == nil)
        #expect(resources["job"]?.state == .exited(code: 0) && resources["job"]?.finished == true)

        // A change reaches every reader the same way.
        #expect(try CLI.run(["stop", "worker", "-f", path]).status == 0)
        #expect(UpTests.eventually(agreed), "\(answers)")
        let worker = answers.control?.resources.first { $0.name == "worker" }
        #expect(worker?.state == .stopped && worker?.stoppedByUser == true, "\(answers)")

        // The dashboard's JSON is the control API's resource plus stateKind, key for key.
        let raw = try DashboardCommandTests.curl(["-b", jar, base + "/api/resources"])
        let dashboardKeys = (try JSONSerialization.jsonObject(with: Self.body(raw)) as? [[String: Any]])?.map { Set($0.keys) }
        let control = try DashboardCommandTests.curl([
            "--unix-socket", directory + "/.aspire/control.sock", "http://aspire/v1/status",
        ])
        let status = try JSONSerialization.jsonObject(with: Self.body(control)) as? [String: Any]
        let controlKeys = (status?["resources"] as? [[String: Any]])?.map { Set($0.keys).union(["stateKind"]) }
        #expect(dashboardKeys != nil && dashboardKeys == controlKeys)
        #expect(try CLI.run(["down", "-f", path]).status == 0)
    }
}
