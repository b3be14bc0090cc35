import Foundation
import Testing

@Suite struct ValidateEnvGraphTests {
    @Test("every example manifest in the repo validates")
    func examplesValidate() throws {
        let root = CLI.packageRoot + "/manifests"
        let enumerator = FileManager.default.enumerator(atPath: root)
        var manifests: [String] = []
        while let entry = enumerator?.nextObject() as? String {
            if entry.hasSuffix("apphost.yaml") { manifests.append(root + "/" + entry) }
        }
        #expect(manifests.count >= 3)
        for manifest in manifests {
            let result = try CLI.run(["validate", "-f", manifest])
            #expect(result.status == 0, "\(manifest): \(result.stderr)")
        }
    }

    @Test("validate: exit 1 with file:line:col, the line and a caret; every error at once")
    func invalidManifest() throws {
        let path = try CLI.writeManifest("resources:\n  web:\n    type: project\n    path: .\n    references: [cahce]\n    restrt: always\n  cache:\n    type: redis\n")
        let result = try CLI.run(["validate", "-f", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(path):5:18: error: 'web' references unknown resource 'cahce'; did you mean 'cache'?"))
        #expect(result.stderr.contains("\(path):6:5: error: unknown key 'restrt' in resource 'web'; did you mean 'restart'?"))
        #expect(result.stderr.contains("                 ^"))
        #expect(result.stderr.contains("2 errors generated."))
    }

    @Test("validate --format json gives the diagnostics as data")
    func json() throws {
        let path = try CLI.writeManifest("resources:\n  a:\n    type: projcet\n")
        let result = try CLI.run(["validate", "-f", path, "--format", "json"])
        #expect(result.status == 1)
        let object = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.first?["id"] as? String == "unknown-type")
        #expect(diagnostics.first?["line"] as? Int == 3)
    }

    @Test("exit 2 for a missing file and for bad usage")
    func ioAndUsage() throws {
        #expect(try CLI.run(["validate", "-f", "/nonexistent/apphost.yaml"]).status == 2)
        #expect(try CLI.run(["validate", "--bogus"]).status == 2)
        #expect(try CLI.run(["frobnicate"]).status == 2)
    }

    @Test("bad YAML: never a crash, a located error and exit 1", arguments: [
        "resources:\n\tweb:\n", "resources: [\n", "a: &x [*x]\n", "resources:\n  a: 1\n  a: 2\n", "\u{FF}\u{FE}bad",
        String(repeating: "[", count: 5000), "resources:\n  a:\n    type: executable\n    command: [x\n",
    ])
    func badYAML(text: String) throws {
        let path = try CLI.writeManifest(text)
        let result = try CLI.run(["validate", "-f", path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("\(path):"))
        #expect(result.stderr.contains("error:"))
    }

    @Test("env prints what up injects, secrets masked unless --show-secrets")
    func env() throws {
        let path = try CLI.writeManifest("""
            name: shop
            resources:
              cache:
                type: redis
              api:
                type: executable
                command: python3
              web:
                type: executable
                command: python3
                references: [cache, api]
                env:
                  GREETING: hello
            """)
        let masked = try CLI.run(["env", "web", "-f", path])
        #expect(masked.status == 0, "\(masked.stderr)")
        #expect(masked.stdout.contains("ConnectionStrings__cache='localhost:"))
        #expect(masked.stdout.contains(",password=***'"))
        #expect(masked.stdout.contains("services__api__http__0=http://localhost:"))
        #expect(masked.stdout.contains("GREETING=hello"))
        let shown = try CLI.run(["env", "web", "-f", path, "--show-secrets", "--format", "json"])
        let object = try #require(JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: String])
        let connection = try #require(object["ConnectionStrings__cache"])
        #expect(!connection.contains("***"))
        #expect(connection.hasSuffix(object["CACHE_PASSWORD"] ?? "missing"))
        // Stable: a second call gives the same ports and password.
        let again = try CLI.run(["env", "web", "-f", path, "--show-secrets", "--format", "json"])
        #expect(again.stdout == shown.stdout)
        let shell = try CLI.run(["env", "web", "-f", path, "--format", "shell"])
        #expect(shell.stdout.contains("export GREETING='hello'"))
    }

    @Test("env: a project detected as .NET exports over gRPC to @otlp.grpc, others over HTTP to @otlp.http, at 127.0.0.1")
    func envOTLPProtocols() throws {
        let path = try CLI.writeManifest("""
            name: otlp
            resources:
              web:
                type: project
                path: web
              py:
                type: project
                path: py
            """)
        let directory = (path as NSString).deletingLastPathComponent
        for (folder, file) in [("web", "web.csproj"), ("py", "app.py")] {
            try FileManager.default.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: directory + "/" + folder + "/" + file, contents: Data()))
        }
        let web = try CLI.run(["env", "web", "-f", path, "--format", "json"])
        let py = try CLI.run(["env", "py", "-f", path, "--format", "json"])
        #expect(web.status == 0 && py.status == 0, "\(web.stderr) \(py.stderr)")
        let webEnv = try #require(JSONSerialization.jsonObject(with: Data(web.stdout.utf8)) as? [String: String])
        let pyEnv = try #require(JSONSerialization.jsonObject(with: Data(py.stdout.utf8)) as? [String: String])
        let portsData = try Data(contentsOf: URL(fileURLWithPath: directory + "/.aspire/ports.json"))
        let ports = try #require(JSONSerialization.jsonObject(with: portsData) as? [String: Int])
        let grpc = try #require(ports["@otlp.grpc"])
        let http = try #require(ports["@otlp.http"])
        #expect(webEnv["OTEL_EXPORTER_OTLP_PROTOCOL"] == "grpc")
        #expect(webEnv["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:\(grpc)")
        #expect(pyEnv["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf")
        #expect(pyEnv["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:\(http)")
    }

    @Test("env --format shell leaves out names a shell cannot export, says so on stderr; dotenv and json keep them")
    func envShellHyphen() throws {
        let path = try CLI.writeManifest("""
            name: shop
            resources:
              my-api:
                type: executable
                command: python3
              web-front:
                type: executable
                command: python3
                references: [my-api]
                env:
                  GREETING: hello
            """)
        let shell = try CLI.run(["env", "web-front", "-f", path, "--format", "shell"])
        #expect(shell.status == 0, "\(shell.stderr)")
        #expect(shell.stdout.contains("export MY_API_HTTP='http://localhost:"))
        #expect(shell.stdout.contains("export GREETING='hello'"))
        #expect(!shell.stdout.contains("services__my-api"))
        #expect(shell.stderr.contains("note: a shell cannot export services__my-api__http__0 "))
        // What is printed loads in a shell.
        let sh = Process()
        sh.executableURL = URL(fileURLWithPath: "/bin/sh")
        sh.arguments = ["-ec", shell.stdout + "printf '%s' \"$GREETING\""]
        let out = Pipe()
        sh.standardOutput = out
        try sh.run()
        let sourced = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        sh.waitUntilExit()
        #expect(sh.terminationStatus == 0 && sourced == "hello")
        let dotenv = try CLI.run(["env", "web-front", "-f", path])
        #expect(dotenv.stdout.contains("services__my-api__http__0=http://localhost:"))
        #expect(!dotenv.stderr.contains("cannot export"))
        let json = try CLI.run(["env", "web-front", "-f", path, "--format", "json"])
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: String])
        #expect(object["services__my-api__http__0"] == object["MY_API_HTTP"])
    }

    @Test("validate: an unset $VAR is a warning with the $$ fix-it, and the exit code stays 0")
    func unsetVariableWarning() throws {
        let path = try CLI.writeManifest("resources:\n  a:\n    type: executable\n    command: sh\n    args: [-c, 'psql \"$CATALOGDB_URI\"']\n")
        let result = try CLI.run(["validate", "-f", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("\(path):5:23: warning: variable CATALOGDB_URI is not set"))
        #expect(result.stderr.contains("write $$CATALOGDB_URI to pass a literal $ to the program"))
    }

    @Test("an Aspire manifest whose expressions point into a parameter's bindings: validate exits 0, env fails only where needed")
    func aspireParameterBindings() throws {
        let directory = NSTemporaryDirectory() + "aspire-cli-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/aspire-manifest.json"
        try FileManager.default.copyItem(atPath: CLI.packageRoot + "/Tests/AppModelTests/Fixtures/aspire-manifest/parameters.json", toPath: path)
        let validate = try CLI.run(["validate", "-f", path])
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stderr.contains("\(path):31:32: warning: '{sql.bindings.tcp.url}' at $.resources.cs.connectionString"))
        let environment = ["Parameters__insertionrows": "5", "ConnectionStrings__sql": "Server=x"]
        let worker = try CLI.run(["env", "worker", "-f", path], environment: environment)
        #expect(worker.status == 0, "\(worker.stderr)")
        let api = try CLI.run(["env", "api", "-f", path], environment: environment)
        #expect(api.status == 1)
        #expect(api.stderr == "error: api: '{sql.bindings.tcp.url}' has no value: 'sql' is a connectionString with no bindings\n")
    }

    @Test("env of an unknown resource: exit 1 with did-you-mean")
    func envUnknown() throws {
        let path = try CLI.writeManifest("resources:\n  cache:\n    type: redis\n")
        let result = try CLI.run(["env", "cahce", "-f", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("did you mean 'cache'?"))
    }

    /// Asking the container engine takes ~200 ms (two podman runs), and only a resource that may
    /// run in a container depends on its answer. A fake `podman` on PATH logs each call.
    @Test("env asks the container engine only for a resource that may run in a container")
    func envProbesTheEngineOnlyWhenItMatters() throws {
        let path = try CLI.writeManifest("""
            resources:
              cache:
                type: redis
              box:
                type: container
                image: example.invalid/box:1
                references: [web]
              web:
                type: executable
                command: sleep
                references: [cache]
            """)
        let folder = (path as NSString).deletingLastPathComponent
        let bin = folder + "/fake-bin"
        let log = folder + "/podman-calls.log"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\necho \"$*\" >> '\(log)'\nexit 1\n".write(toFile: bin + "/podman", atomically: true, encoding: .utf8)
        chmod(bin + "/podman", 0o755)
        let environment = ["PATH": bin + ":/usr/bin:/bin", "ASPIRE_CONTAINER_RUNTIME": ""]
        func calls() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

        let web = try CLI.run(["env", "web", "-f", path], environment: environment)
        #expect(web.status == 0, "\(web.stderr)")
        #expect(web.stdout.contains("ConnectionStrings__cache='localhost:"), "\(web.stdout)")
        #expect(calls().isEmpty, "env of a process asked the engine: \(calls())")

        let box = try CLI.run(["env", "box", "-f", path], environment: environment)
        #expect(box.status == 0, "\(box.stderr)")
        #expect(calls().contains("version"), "env of a container asks the engine")
    }

    @Test("graph prints reference and wait edges")
    func graph() throws {
        let path = try CLI.writeManifest("resources:\n  cache:\n    type: redis\n  web:\n    type: executable\n    command: x\n    references: [cache]\n    waitFor: [cache]\n")
        let dot = try CLI.run(["graph", "-f", path])
        #expect(dot.stdout.contains("\"web\" -> \"cache\" [label=\"reference\""))
        #expect(dot.stdout.contains("\"web\" -> \"cache\" [label=\"waitFor\""))
        let json = try CLI.run(["graph", "-f", path, "--format", "json"])
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["edges"] as? [Any])?.count == 2)
        let mermaid = try CLI.run(["graph", "-f", path, "--format", "mermaid"])
        #expect(mermaid.stdout.hasPrefix("graph LR"))
    }

    @Test("every subcommand's options are well-formed (--help exits 0)", arguments: ["validate", "env", "graph", "up", "ps", "logs", "down"])
    func help(subcommand: String) throws {
        let result = try CLI.run([subcommand, "--help"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("USAGE"))
    }
}
