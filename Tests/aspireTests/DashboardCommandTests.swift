import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The dashboard as `aspire up` serves it: the login URL from `aspire dashboard`, the same states
/// and URLs as `ps`, secrets masked, and the verbs reaching the real supervisor.
@Suite(.serialized)
struct DashboardCommandTests {
    static let app = """
        resources:
          token:
            type: parameter
            secret: true
            default: hunter2-secret
          web:
            type: executable
            command: sh
            args: ["-c", "echo $$$$ >> web.pid; exec sleep 300"]
            env:
              API_TOKEN: "{token.value}"
        """

    @Test("aspire dashboard prints the login URL; the API agrees with ps, masks secrets and restarts for real")
    func dashboardOfARunningApp() throws {
        let path = try CLI.writeManifest(Self.app)
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path]) }
        #expect(try CLI.run(["dashboard", "-f", path]).status == 1, "no app runs yet")

        let up = try CLI.run(["up", "-d", "-f", path])
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        let printed = try CLI.run(["dashboard", "-f", path])
        #expect(printed.status == 0, "\(printed.stderr)")
        let login = printed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(login.hasPrefix("http://127.0.0.1:") && login.contains("/login?t="), "\(login)")
        #expect(up.stdout.contains("Dashboard: \(login)"), "\(up.stdout)")
        let base = String(login[..<(login.range(of: "/login")?.lowerBound ?? login.endIndex)])

        let anonymous = try Self.curl([base + "/api/resources"])
        #expect(anonymous.stdout.hasSuffix("\n401"), "\(anonymous.stdout)")

        let jar = directory + "/cookies"
        let loggedIn = try Self.curl(["-c", jar, login])
        #expect(loggedIn.stdout.hasSuffix("\n303"), "\(loggedIn.stdout)")
        let resources = try Self.curl(["-b", jar, base + "/api/resources"])
        #expect(resources.stdout.hasSuffix("\n200"))
        #expect(resources.stdout.contains("\"name\":\"web\"") && resources.stdout.contains("\"state\":\"running\""))
        let ps = try CLI.run(["ps", "-f", path, "--format", "json"])
        #expect(ps.stdout.contains("\"running\""), "ps and the dashboard show the same state")

        let environment = try Self.curl(["-b", jar, base + "/api/resources/web/env"])
        #expect(environment.stdout.contains("API_TOKEN"))
        #expect(!environment.stdout.contains("hunter2-secret"), "a secret is masked unless revealed")
        let revealed = try Self.curl(["-b", jar, base + "/api/resources/web/env?reveal=API_TOKEN"])
        #expect(revealed.stdout.contains("hunter2-secret"))

        let before = UpTests.eventually { Self.pids(directory).count == 1 }
        #expect(before)
        let restart = try Self.curl([
            "-b", jar, "-X", "POST", "-H", "X-Aspire-Dashboard: 1", base + "/api/resources/web/restart",
        ])
        #expect(restart.stdout.hasSuffix("\n200"), "\(restart.stdout)")
        #expect(UpTests.eventually { Self.pids(directory).count == 2 }, "the restart reached the supervisor")
        let unknown = try Self.curl([
            "-b", jar, "-X", "POST", "-H", "X-Aspire-Dashboard: 1", base + "/api/resources/nope/restart",
        ])
        #expect(unknown.stdout.hasSuffix("\n404"), "\(unknown.stdout)")

        #expect(try CLI.run(["down", "-f", path]).status == 0)
        #expect(try CLI.run(["dashboard", "-f", path]).status == 1, "no app runs any more")
        for pid in Self.pids(directory) { #expect(!UpTests.alive(pid)) }
    }

    static func pids(_ directory: String) -> [Int32] {
        ((try? String(contentsOfFile: directory + "/web.pid", encoding: .utf8)) ?? "")
            .split(separator: "\n").compactMap { Int32($0) }
    }

    static func curl(_ arguments: [String]) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "--noproxy", "*", "-o", "-", "-w", "\n%{http_code}"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIResult(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }
}
