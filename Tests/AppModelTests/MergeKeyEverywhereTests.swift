import AppModel
import AppState
import Testing
import YAMLSource

/// YAML merge keys in every mapping of a manifest, with problems reported where `<<` is used.
@Suite struct MergeKeyEverywhereTests {
    private func env(_ yaml: String, _ resource: String = "a") throws -> [String: String] {
        let result = load(yaml)
        #expect(!result.hasErrors, "\(result.diagnostics.summaries) \(result.diagnostics.map(\.message.text))")
        let entries = try #require(result.manifest?[resource]).run.env
        return Dictionary(entries.map { ($0.name, $0.value.literalValue ?? "?") }, uniquingKeysWith: { _, last in last })
    }

    @Test("env: one merged mapping; keys written in env win, wherever they stand")
    func envSingle() throws {
        let yaml = """
            x-common: &common
              A: "1"
              B: "1"
            resources:
              a:
                type: executable
                command: x
                env:
                  B: "2"
                  <<: *common
                  C: "3"
            """
        #expect(try env(yaml) == ["A": "1", "B": "2", "C": "3"])
        let names = try #require(load(yaml).manifest?["a"]).run.env.map(\.name)
        #expect(names == ["B", "A", "C"])
    }

    @Test("env: a list of mappings; earlier ones win, and merged mappings' own merges count")
    func envList() throws {
        let yaml = """
            x-base: &base { A: base, D: base }
            x-first: &first { <<: *base, A: first }
            x-second: &second { A: second, B: second }
            resources:
              a:
                type: executable
                command: x
                env: { <<: [*first, *second], B: mine }
            """
        #expect(try env(yaml) == ["A": "first", "B": "mine", "D": "base"])
    }

    @Test("compose's flow form: environment: {<<: *common, B: \"2\"}")
    func composeFlowForm() throws {
        let yaml = """
            x-env: &common { A: "1", B: "1" }
            resources:
              a: { type: executable, command: x, env: {<<: *common, B: "2"} }
            """
        #expect(try env(yaml) == ["A": "1", "B": "2"])
    }

    @Test("endpoints, healthCheck and a resource merge too")
    func otherMappings() throws {
        let yaml = """
            x-endpoints: &endpoints
              http: { port: 8080 }
              admin: { scheme: http, env: ADMIN_PORT }
            x-check: &check { http: /health, interval: 2s }
            x-service: &service
              type: executable
              command: sleep
              args: ["300"]
            resources:
              a:
                <<: *service
                endpoints: { <<: *endpoints, metrics: { scheme: tcp } }
                healthCheck: { <<: *check, retries: 9 }
            """
        let result = load(yaml)
        #expect(!result.hasErrors, "\(result.diagnostics.summaries)")
        let a = try #require(result.manifest?["a"])
        #expect(a.typeName == "executable")
        #expect(a.run.endpoints.map(\.name) == ["http", "admin", "metrics"])
        #expect(a.run.endpoints.first?.port == 8080)
        #expect(a.run.healthCheck?.interval == .seconds(2))
        #expect(a.run.healthCheck?.retries == 9)
    }

    @Test("resources themselves can be merged in; written ones win")
    func resourcesMapping() throws {
        let yaml = """
            x-shared: &shared
              cache: { type: redis }
              a: { type: executable, command: never }
            resources:
              <<: *shared
              a: { type: executable, command: mine }
            """
        let result = load(yaml)
        #expect(!result.hasErrors, "\(result.diagnostics.summaries)")
        let manifest = try #require(result.manifest)
        #expect(manifest["cache"]?.typeName == "redis")
        guard case .executable(let executable) = manifest["a"]?.kind else {
            Issue.record("a is not an executable")
            return
        }
        #expect(executable.command == "mine")
    }

    /// (manifest, expected `id@line:col`): a problem in a merged mapping is reported at the
    /// `<<` that brought it in.
    static let problems: [(String, String)] = [
        // A bad env value from an anchor: at the `<<` in env (line 8), not at the anchor (line 2).
        ("x-common: &common\n  A: [1]\nresources:\n  a:\n    type: executable\n    command: x\n    env:\n      <<: *common\n", "wrong-type@8:7"),
        // Merging a scalar.
        ("x-s: &s oops\nresources:\n  a:\n    type: executable\n    command: x\n    env:\n      <<: *s\n", "wrong-type@7:7"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    env: { <<: [x] }\n", "wrong-type@5:17"),
        // A bad health check value, and an unknown key, from anchors.
        ("x-c: &c { http: /h, interval: soon }\nresources:\n  a:\n    type: executable\n    command: x\n    healthCheck: { <<: *c }\n", "invalid-duration@6:20"),
        ("x-d: &d\n  type: executable\n  comand: x\nresources:\n  a:\n    <<: [*d]\n    command: y\n", "unknown-key@6:5"),
        // Two levels: reported at the outer use.
        ("x-c: &c { A: [1] }\nx-b: &b { env: { <<: *c } }\nresources:\n  a:\n    type: executable\n    command: x\n    <<: *b\n", "wrong-type@7:5"),
        // An expression is checked after decoding, where it is written (docs/manifest.md says so).
        ("x-c: &c { A: \"{nope.connectionString}\" }\nresources:\n  a:\n    type: executable\n    command: x\n    env: { <<: *c }\n", "unknown-resource@1:15"),
    ]

    @Test("a problem from a merged mapping is reported at the '<<' that uses it", arguments: problems)
    func problem(yaml: String, expected: String) {
        let result = load(yaml)
        #expect(result.diagnostics.summaries.contains(expected), "\(result.diagnostics.summaries) \(result.diagnostics.map(\.message.text))")
    }

    @Test("the moved problem keeps a note where the value is written")
    func noteAtAnchor() throws {
        let result = load("x-common: &common\n  A: [1]\nresources:\n  a:\n    type: executable\n    command: x\n    env:\n      <<: *common\n")
        let diagnostic = try #require(result.diagnostics.first { $0.message.id == "wrong-type" })
        #expect(diagnostic.notes.compactMap(\.location).map { "\($0.line):\($0.column)" } == ["2:6"])
    }
}
