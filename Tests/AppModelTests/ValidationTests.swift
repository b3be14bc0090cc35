import AppModel
import AppState
import Foundation
import Testing

@Suite struct ValidationTests {
    @Test("the everything fixture is valid")
    func everythingIsValid() throws {
        let url = try #require(Bundle.module.url(forResource: "everything", withExtension: "yaml", subdirectory: "Fixtures/valid"))
        let text = try String(contentsOf: url, encoding: .utf8)
        let result = load(text)
        #expect(result.diagnostics.filter { $0.severity == .error }.isEmpty, "\(result.diagnostics)")
        let manifest = try #require(result.manifest)
        #expect(manifest.name == "shop")
        #expect(manifest["catalogdb"]?.typeName == "postgres database")
        #expect(manifest["worker"]?.run.replicas == 2)
        #expect(manifest["apiservice"]?.run.healthCheck?.interval == .seconds(2))
    }

    /// (manifest, expected diagnostic `id@line:col`) — one row per rule.
    static let cases: [(String, String)] = [
        ("resources:\n  a:\n    type: projcet\n", "unknown-type@3:11"),
        ("resources:\n  a:\n    type: executable\n    comand: x\n", "unknown-key@4:5"),
        ("resources:\n  a:\n    type: executable\n", "missing-field@2:3"),
        ("resources:\n  a:\n    command: x\n", "missing-field@2:3"),
        ("resources:\n  a:\n    type: container\n", "missing-field@2:3"),
        ("resources:\n  a:\n    type: external\n", "missing-field@2:3"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    references: [b]\n", "unknown-resource@5:18"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    waitFor: [a]\n", "self-reference@5:15"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    references: [a]\n", "self-reference@5:18"),
        ("resources:\n  Bad_Name:\n    type: executable\n    command: x\n", "invalid-name@2:3"),
        ("resources:\n  a--b:\n    type: executable\n    command: x\n", "invalid-name@2:3"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    replicas: -2\n", "invalid-replicas@5:15"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    replicas: 1001\n", "invalid-replicas@5:15"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    endpoints:\n      http: { port: 70000 }\n", "out-of-range@6:21"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    endpoints:\n      http: { port: 8080 }\n  b:\n    type: executable\n    command: x\n    endpoints:\n      http: { port: 8080 }\n", "duplicate-port@11:7"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    env: [1, 2]\n", "invalid-env-name@5:11"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    args: { a: b }\n", "wrong-type@5:11"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    waitFor: b\n", "wrong-type@5:14"),
        ("resources: [a, b]\n", "wrong-type@1:12"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    env:\n      X: \"{b.connectionString}\"\n", "unknown-resource@6:11"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    env:\n      X: \"{a.endpoints.htp.url}\"\n", "unknown-endpoint@6:11"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    env:\n      X: \"{a.conectionString}\"\n", "unknown-property@6:11"),
        ("resources:\n  a:\n    type: executable\n    command: x\n  b:\n    type: executable\n    command: x\n    env:\n      X: \"{a.connectionString}\"\n", "no-connection-string@9:11"),
        ("resources:\n  p:\n    type: parameter\n    default: x\n  a:\n    type: executable\n    command: x\n    references: [p]\n    env: { X: \"{p.value}\" }\n", "parameter-reference@8:18"),
        ("resources:\n  p:\n    type: parameter\n    default: x\n", "unused-parameter@2:3"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    waitFor: [b]\n  b:\n    type: executable\n    command: x\n    waitFor: [c]\n  c:\n    type: executable\n    command: x\n    waitFor: [a]\n", "cycle@5:15"),
        ("resources:\n  a:\n    type: executable\n    command: x\n  a:\n    type: executable\n    command: y\n", "duplicate-key@5:3"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    restart: sometimes\n", "invalid-choice@5:14"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    healthCheck: { http: /h, interval: soon }\n", "invalid-duration@5:40"),
        ("resources:\n  a:\n    type: executable\n    command: x\n    healthCheck: { tcp: db }\n", "unknown-endpoint@5:18"),
        ("resources:\n  a:\n    type: container\n    image: nginx\n    endpoints:\n      http: { port: 8080 }\n", "missing-field@6:7"),
        ("resources:\n  a:\n    type: executable\n    command: \"${NEEDED:?set NEEDED}\"\n", "required-variable@4:14"),
        ("resources:\n\ta:\n", "yaml-syntax@2:1"),
        ("", "empty-manifest@1:1"),
        ("resources:\n  a:\n    type: external\n    url: example.com\n", "invalid-url@4:10"),
        ("resources:\n  p:\n    type: parameter\n    default: a\n    generate: { length: 4 }\n  a:\n    type: executable\n    command: \"{p.value}\"\n", "default-and-generate@5:15"),
    ]

    @Test("each rule reports its diagnostic at the right line:column", arguments: cases)
    func rule(yaml: String, expected: String) {
        let result = load(yaml)
        #expect(result.diagnostics.summaries.contains(expected), "got \(result.diagnostics.summaries) \(result.diagnostics.map(\.message.text))")
    }

    @Test("every error is reported in one run, not only the first")
    func collectsAll() {
        let yaml = """
            resources:
              web:
                type: project
                path: ./web
                references: [cahce]
                waitFor: [nope]
                restrt: always
                replicas: 0
              w2:
                type: executabel
            """
        let result = load(yaml)
        let ids = Set(result.diagnostics.map(\.message.id))
        #expect(ids.isSuperset(of: ["unknown-resource", "unknown-key", "invalid-replicas", "unknown-type"]))
        #expect(result.diagnostics.filter { $0.severity == .error }.count == 5)
        #expect(result.diagnostics.contains { $0.message.text.contains("did you mean 'cache'") == false && $0.message.text.contains("cahce") })
    }

    @Test("did-you-mean suggests the closest resource name")
    func didYouMean() {
        let result = load("resources:\n  cache:\n    type: redis\n  web:\n    type: project\n    path: .\n    references: [cahce]\n")
        #expect(result.diagnostics.map(\.message.text).contains("'web' references unknown resource 'cahce'; did you mean 'cache'?"))
    }

    @Test("a cycle prints its path")
    func cyclePath() {
        let result = load("resources:\n  a:\n    type: executable\n    command: x\n    waitFor: [b]\n  b:\n    type: executable\n    command: x\n    waitFor: [a]\n")
        #expect(result.diagnostics.contains { $0.message.text.contains("a → b → a") })
    }

    @Test("warnings do not make a manifest invalid")
    func warningsPass() {
        let result = load("resources:\n  p:\n    type: parameter\n    default: x\n")
        #expect(!result.hasErrors)
        #expect(result.diagnostics.map(\.severity) == [.warning])
    }

    @Test("golden rendering: file:line:col, source line, caret, summary")
    func goldenRendering() {
        let result = load("resources:\n  web:\n    type: project\n    path: ./web\n    references: [cahce]\n  cache:\n    type: redis\n")
        let text = DiagnosticRenderer(color: false).render(result.diagnostics, sourceLines: result.sourceLines)
        #expect(
            text == """
                apphost.yaml:5:18: error: 'web' references unknown resource 'cahce'; did you mean 'cache'?
                    references: [cahce]
                                 ^
                1 error generated.

                """)
    }

    @Test("JSON diagnostics carry the same data")
    func jsonDiagnostics() throws {
        let result = load("resources:\n  a:\n    type: projcet\n")
        let json = DiagnosticRenderer.json(result.diagnostics, file: "apphost.yaml")
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        let first = try #require((object["diagnostics"] as? [[String: Any]])?.first)
        #expect(first["line"] as? Int == 3)
        #expect(first["column"] as? Int == 11)
        #expect(first["id"] as? String == "unknown-type")
    }
}

@Suite struct MergeKeyTests {
    @Test("merge keys bring in x- anchored defaults; explicit keys win")
    func mergeKeys() throws {
        let result = load("""
            x-defaults: &defaults
              type: executable
              command: sh
              restart: always
            resources:
              a:
                <<: *defaults
                args: ["-c", "true"]
                restart: "no"
            """)
        #expect(!result.hasErrors, "\(result.diagnostics)")
        let a = try #require(result.manifest?["a"])
        #expect(a.typeName == "executable")
        #expect(a.run.restart.policy == .no)
    }
}

@Suite struct LargeGraphTests {
    @Test("a 20,000-long waitFor chain validates without exhausting the stack (fuzzer regression)")
    func longChain() throws {
        let count = 20_000
        var yaml = "resources:\n"
        for i in 0..<count {
            yaml += "  r\(i):\n    type: executable\n    command: sleep\n"
            if i < count - 1 { yaml += "    waitFor: [r\(i + 1)]\n" }
        }
        let result = load(yaml)
        #expect(!result.hasErrors)
        let manifest = try #require(result.manifest)
        let order = ResourceGraph(manifest).startOrder(in: manifest)
        #expect(order.first == "r\(count - 1)")
        #expect(order.last == "r0")
    }
}
