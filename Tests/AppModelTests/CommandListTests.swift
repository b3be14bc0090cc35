import AppModel
import AppState
import Testing

/// `command:` as a list (compose's and Kubernetes' way) and as one program name.
@Suite struct CommandListTests {
    private func executable(_ body: String) -> String {
        "resources:\n  cache:\n    type: redis\n  a:\n    type: executable\n" + body
    }

    @Test("a list is the program and its first arguments; args follow the list's tail")
    func listThenArgs() throws {
        let result = load(executable("    command: [python3, app.py, \"--cache={cache.connectionString}\"]\n    args: [--verbose]\n    references: [cache]\n"))
        #expect(!result.hasErrors, "\(result.diagnostics.summaries)")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.summaries)")
        let manifest = try #require(result.manifest)
        guard case .executable(let executable) = manifest["a"]?.kind else {
            Issue.record("not an executable")
            return
        }
        #expect(executable.command == "python3")
        var bindings = bindings(for: manifest)
        bindings.passwords["cache"] = "pw"
        let arguments = try EnvironmentResolver(manifest: manifest, bindings: bindings).arguments(of: "a").map(\.value)
        let port = try #require(bindings.hostPorts[EndpointID("cache", "tcp")])
        #expect(arguments == ["app.py", "--cache=localhost:\(port),password=pw", "--verbose"])
    }

    @Test("a project's command list works the same way")
    func project() throws {
        let result = load("resources:\n  web:\n    type: project\n    path: ./web\n    command: [uvicorn, main:app]\n    args: [--reload]\n")
        #expect(!result.hasErrors, "\(result.diagnostics.summaries)")
        let manifest = try #require(result.manifest)
        guard case .project(let project) = manifest["web"]?.kind else {
            Issue.record("not a project")
            return
        }
        #expect(project.command == "uvicorn")
        let arguments = try EnvironmentResolver(manifest: manifest, bindings: bindings(for: manifest)).arguments(of: "web").map(\.value)
        #expect(arguments == ["main:app", "--reload"])
    }

    @Test("a one-item list is just the program (how to name a path with spaces)")
    func oneItem() throws {
        let result = load(executable("    command: [\"/opt/My App/run\"]\n"))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.summaries)")
        guard case .executable(let executable) = try #require(result.manifest)["a"]?.kind else {
            Issue.record("not an executable")
            return
        }
        #expect(executable.command == "/opt/My App/run")
        #expect(try #require(result.manifest)["a"]?.run.args.isEmpty == true)
    }

    /// (manifest body of resource `a`, expected `id@line:col`)
    static let problems: [(String, String)] = [
        ("    command: []\n", "empty-command@6:14"),
        ("    command: { program: x }\n", "wrong-type@6:14"),
        ("    command: [[x], y]\n", "wrong-type@6:15"),
        ("    command: [x, { a: b }]\n", "wrong-type@6:18"),
        ("    command: [x, \"{nope.connectionString}\"]\n", "unknown-resource@6:19"),
        ("    command:\n      - x\n      - \"{cache.conectionString}\"\n", "unknown-property@8:10"),
    ]

    @Test("a bad command list is reported where it is written", arguments: problems)
    func problem(body: String, expected: String) {
        let result = load(executable(body))
        #expect(result.hasErrors)
        #expect(result.diagnostics.summaries.contains(expected), "\(result.diagnostics.summaries)")
    }

    @Test("a string with a space stays one program name, with a warning that shows the list form")
    func stringWithSpace() throws {
        let result = load(executable("    command: python3 app.py --port 80\n"))
        #expect(!result.hasErrors)
        let warning = try #require(result.diagnostics.first { $0.message.id == "command-with-space" })
        #expect(warning.severity == .warning)
        #expect(result.diagnostics.summaries == ["command-with-space@6:14"])
        #expect(warning.notes.map(\.message).contains("write it as a list: command: [python3, app.py, --port, 80]"))
        guard case .executable(let executable) = try #require(result.manifest)["a"]?.kind else {
            Issue.record("not an executable")
            return
        }
        #expect(executable.command == "python3 app.py --port 80")
    }

    @Test("the list form's hint quotes what a flow list would misread")
    func hintQuoting() {
        #expect(ManifestDecoder.flowItem("app.py") == "app.py")
        #expect(ManifestDecoder.flowItem("-c") == "-c")
        #expect(ManifestDecoder.flowItem("a,b") == "\"a,b\"")
        #expect(ManifestDecoder.flowItem("{x}") == "\"{x}\"")
        #expect(ManifestDecoder.flowItem("say \"hi\"") == "\"say \\\"hi\\\"\"")
    }
}
