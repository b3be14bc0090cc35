import Foundation
import Testing

/// `command:` as a list, run for real by `aspire up`.
@Suite(.serialized) struct CommandListCLITests {
    @Test("up runs the list's program with its tail, then args", .timeLimit(.minutes(1)))
    func upRunsList() throws {
        let path = try CLI.writeManifest("""
            resources:
              hello:
                type: executable
                command: [sh, -c, "echo \\"hi $$0 $$1 $$2\\" > out.txt", x]
                args: ["{other.endpoints.http.port}", z]
                endpoints: {}
              other:
                type: executable
                command: [sh, -c, "true"]
            """)
        let directory = (path as NSString).deletingLastPathComponent
        let validate = try CLI.run(["validate", "-f", path])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let up = try CLI.run(["up", "-f", path, "--grace-period", "2"])
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        let output = try String(contentsOfFile: directory + "/out.txt", encoding: .utf8)
        let env = try CLI.run(["env", "other", "-f", path])
        let port = env.stdout.split(separator: "\n").first { $0.hasPrefix("PORT=") }?.dropFirst(5) ?? "?"
        #expect(output == "hi x \(port) z\n", "\(env.stdout)")
    }

    @Test("validate warns about a command string with a space, and still passes")
    func spaceWarning() throws {
        let path = try CLI.writeManifest("resources:\n  a:\n    type: executable\n    command: python3 app.py\n")
        let result = try CLI.run(["validate", "-f", path])
        #expect(result.status == 0)
        #expect(result.stderr.contains("apphost.yaml:4:14: warning:"), "\(result.stderr)")
        #expect(result.stderr.contains("command: [python3, app.py]"), "\(result.stderr)")
    }
}
