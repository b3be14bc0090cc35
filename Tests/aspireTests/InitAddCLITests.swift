import Foundation
import Testing

/// `aspire init`, `aspire add` and `-f compose.yaml` through the real binary.
@Suite(.serialized) struct InitAddCLITests {
    /// A copy of a compose fixture of ManifestAuthoringTests in a fresh folder.
    static func copyFixture(_ name: String) throws -> String {
        let source = CLI.packageRoot + "/Tests/ManifestAuthoringTests/Fixtures/compose/" + name
        let directory = NSTemporaryDirectory() + "aspire-init-\(UUID().uuidString.prefix(8))"
        try FileManager.default.copyItem(atPath: source, toPath: directory)
        return directory
    }

    /// The body of a GET (curl; Foundation on Linux reads no http URLs without FoundationNetworking).
    static func get(_ url: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-fsS", "--max-time", "2", url]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    @Test("init writes apphost.yaml once, refuses to overwrite it without --force, and the result validates")
    func initWrites() throws {
        let directory = try Self.copyFixture("nginx-node-postgres")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try CLI.run(["init", directory])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("(3 resources from compose.yaml)"), "\(first.stdout)")
        #expect(first.stderr.contains("\(directory)/compose.yaml:34:7: 'healthcheck': postgres has a built-in health check; left out"), "\(first.stderr)")
        let validate = try CLI.run(["validate", "-f", directory + "/apphost.yaml"])
        #expect(validate.status == 0, "\(validate.stderr)")
        let again = try CLI.run(["init", directory])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists; pass --force"))
        #expect(try CLI.run(["init", "--force", directory]).status == 0)
    }

    @Test("init lists every key with no equivalent at its compose line; validate -f compose.yaml translates in memory")
    func unsupportedKeys() throws {
        let directory = try Self.copyFixture("unsupported")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try CLI.run(["init"], directory: directory)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("compose.yaml:9:5: 'cap_add' has no equivalent; left out\n"), "\(run.stderr)")
        #expect(run.stderr.contains("compose.yaml:19:9: port '7000-7005:7000-7005' cannot be read"))
        let validate = try CLI.run(["validate", "-f", "compose.yaml"], directory: directory)
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stderr.contains("compose.yaml:11:5: 'privileged' has no equivalent; left out"))
    }

    @Test("add edits the manifest in place; a failing validation writes nothing; --list names the types")
    func add() throws {
        let original = "name: shop\nresources:\n  # keep me\n  api:\n    type: project\n    path: './api'\n  pw: { type: parameter, default: x }\n"
        let path = try CLI.writeManifest(original)
        let added = try CLI.run(["add", "redis", "cache", "--to", "api", "-f", path])
        #expect(added.status == 0, "\(added.stderr)")
        let after = try String(contentsOfFile: path, encoding: .utf8)
        #expect(after == "name: shop\nresources:\n  # keep me\n  api:\n    type: project\n    path: './api'\n    references: [cache]\n  pw: { type: parameter, default: x }\n  cache:\n    type: redis\n")
        let refused = try CLI.run(["add", "redis", "cache", "-f", path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("'cache' already exists at \(path):9:3"), "\(refused.stderr)")
        let invalid = try CLI.run(["add", "valkey", "kv", "--to", "pw", "-f", path])
        #expect(invalid.status == 1, "\(invalid.stderr)")
        #expect(invalid.stderr.contains("nothing written"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == after)
        let list = try CLI.run(["add", "--list"])
        #expect(list.stdout.contains("postgres") && list.stdout.contains("memcached") && list.stdout.contains("external"))
    }

    @Test("up -d -f compose.yaml: flask-redis's web (a Python project) counts hits in a native redis")
    func upCompose() throws {
        let directory = try Self.copyFixture("flask-redis")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = ["ASPIRE_CONTAINER_RUNTIME": "/nonexistent/podman"]
        let up = try CLI.run(["up", "-d", "-f", "compose.yaml", "--grace-period", "2"], environment: environment, directory: directory)
        defer { _ = try? CLI.run(["down", "-f", "compose.yaml"], environment: environment, directory: directory) }
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        var body = ""
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let text = Self.get("http://127.0.0.1:8000/"), !text.isEmpty {
                body = text
                break
            }
            usleep(50_000)
        }
        #expect(body.hasPrefix("hits :"), "\(body) \(up.stdout)")
    }
}
