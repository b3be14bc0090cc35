import Foundation
import Testing

/// How every verb finds the manifest (DESIGN §5): `-f` before or after the verb, `ASPIRE_FILE`,
/// else the nearest `apphost.yaml` here or above; `--version`.
@Suite struct ManifestFindingTests {
    static let manifest = """
        name: finding
        resources:
          web:
            type: executable
            command: sh
            args: ["-c", "exec sleep 300"]
        """

    @Test("aspire --version prints the version and exits 0")
    func version() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("aspire "), "\(result.stdout)")
    }

    @Test("validate and env find apphost.yaml in a parent folder, from ASPIRE_FILE, and from -f before the verb")
    func everyWay() throws {
        let path = try CLI.writeManifest(Self.manifest)
        let directory = (path as NSString).deletingLastPathComponent
        let nested = directory + "/src/deeper"
        try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let fromBelow = try CLI.run(["validate"], directory: nested)
        #expect(fromBelow.status == 0, "\(fromBelow.stderr)")
        #expect(fromBelow.stdout.contains("valid (finding, 1 resource)"), "\(fromBelow.stdout)")

        let outside = NSTemporaryDirectory() + "aspire-cli-empty-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let fromEnvironment = try CLI.run(["env", "web", "--format", "json"], environment: ["ASPIRE_FILE": path], directory: outside)
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        #expect(fromEnvironment.stdout.contains("OTEL_SERVICE_NAME"))

        let before = try CLI.run(["-f", path, "env", "web", "--format", "json"], directory: outside)
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout == fromEnvironment.stdout)

        let none = try CLI.run(["validate"], environment: ["ASPIRE_FILE": ""], directory: outside)
        #expect(none.status == 2)
        #expect(none.stderr.contains("no apphost.yaml in") && none.stderr.contains("ASPIRE_FILE"), "\(none.stderr)")
        #expect(!none.stderr.contains("Usage:"), "a missing manifest is not a usage dump")
    }

    @Test("aspire -f FILE logs -f reads the file before the verb and follows after it")
    func logsBeforeTheVerb() throws {
        let path = try CLI.writeManifest(Self.manifest)
        let directory = (path as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let up = try UpTests.Running(["-f", path])
        defer {
            kill(up.process.processIdentifier, SIGTERM)
            _ = up.wait()
        }
        #expect(UpTests.eventually { (try? CLI.run(["-f", path, "ps"]).status) == 0 }, "\(up.output)")
        let ps = try CLI.run(["--file", path, "ps", "--format", "json"])
        #expect(ps.stdout.contains("\"web\""), "\(ps.stderr)")
        #expect(!ps.stdout.contains("\\/"), "no escaped slashes")
        let logs = try CLI.run(["-f", path, "logs", "web", "--tail", "5"])
        #expect(logs.status == 0, "\(logs.stderr)")
    }
}
