@testable import AppModel
import AppState
import Foundation
import Testing
import YAMLSource

/// The fast paths of the load path (byte-level scans) behave like the character-level rules.
@Suite struct LoadPathTests {
    @Test("expression columns count Unicode scalars before the brace", arguments: [
        ("X: \"{a.value}\"", 11),
        ("X: \"é{a.value}\"", 12),
        ("X: \"名前 {a.value}\"", 14),
        ("X: \"{{x}} {a.value}\"", 17),
    ])
    func expressionColumns(line: String, column: Int) {
        let yaml = "resources:\n  a:\n    type: parameter\n    default: x\n  b:\n    type: executable\n    command: x\n    env:\n      \(line)\n      Y: \"{zz.value}\"\n"
        let result = load(yaml.replacingOccurrences(of: "{a.value}", with: "{nope.value}"))
        let unknown = result.diagnostics.filter { $0.message.id == "unknown-resource" && $0.message.text.contains("'nope'") }
        #expect(unknown.map { $0.location?.column } == [column], "\(result.diagnostics.summaries)")
    }

    @Test("templates keep literal text, escapes and expressions in order")
    func templateParts() throws {
        var diagnostics: [Diagnostic] = []
        let location = SourceLocation(file: "f", line: 1, column: 1)
        let template = Template.parse("h={{x}} é{db.connectionString};{api.endpoints.http.url}{json: 1}", at: location, columnOffset: 0, diagnostics: &diagnostics)
        #expect(diagnostics.isEmpty)
        #expect(template.parts.count == 5)
        #expect(template.parts.first == .literal("h={x} é"))
        #expect(template.expressions.map(\.description) == ["db.connectionString", "api.endpoints.http.url"])
        #expect(template.parts.last == .literal("{json: 1}"))
        #expect(template.description == "h={{x}} é{db.connectionString};{api.endpoints.http.url}{{json: 1}}")
    }

    @Test("malformed expressions are reported with their text", arguments: [
        ("{a.endpoints.http}", "malformed-expression"),
        ("{a.endpoints..url}", "malformed-expression"),
        ("{a.endpoints.http.url.x}", "malformed-expression"),
        ("{a.bindings.http.nope}", "unknown-property"),
        ("{a.conection.x.y.z}", "unknown-property"),
        ("{a.inputs.valu}", "unknown-property"),
    ])
    func malformed(text: String, id: String) {
        var diagnostics: [Diagnostic] = []
        _ = Template.parse(text, at: SourceLocation(file: "f", line: 1, column: 1), columnOffset: 0, diagnostics: &diagnostics)
        #expect(diagnostics.map(\.message.id) == [id])
    }

    @Test("inputs.value and bindings are synonyms")
    func synonyms() {
        var diagnostics: [Diagnostic] = []
        let location = SourceLocation(file: "f", line: 1, column: 1)
        let template = Template.parse("{p.inputs.value}{a.bindings.http.port}", at: location, columnOffset: nil, diagnostics: &diagnostics)
        #expect(diagnostics.isEmpty)
        #expect(template.expressions.map(\.description) == ["p.value", "a.endpoints.http.port"])
    }

    @Test("durations parse the same with and without non-ASCII units", arguments: [
        ("5s", 5000), ("500ms", 500), ("1m30s", 90000), ("2h", 7_200_000), (" 1.5s ", 1500), ("3", 3000),
        ("250us", 0), ("250µs", 0), ("1m 30s", -1), ("s", -1), ("1x", -1), ("", -1), ("1..2s", -1),
    ])
    func durations(text: String, milliseconds: Int) {
        let parsed = ValueReader.parseDuration(text)
        #expect(parsed == (milliseconds < 0 ? nil : .milliseconds(milliseconds)))
    }

    @Test("external URLs need a scheme; the byte search agrees with the character search")
    func schemes() {
        for url in ["https://x", "a://", "::://", "x:/y", "x//:", "", "é://x", "://"] {
            #expect(ManifestDecoder.hasScheme(url) == url.contains("://"), "\(url)")
        }
    }

    @Test("env names with '=' or NUL are rejected, ASCII or not")
    func envNames() {
        for name in ["A=B", "É=1", "a\\0b"] {
            let result = load("resources:\n  a:\n    type: executable\n    command: x\n    env:\n      \"\(name)\": v\n")
            #expect(result.diagnostics.map(\.message.id).contains("invalid-env-name"), "\(name)")
        }
        let result = load("resources:\n  a:\n    type: executable\n    command: x\n    env:\n      ÉTÉ: v\n")
        #expect(!result.hasErrors)
    }

    @Test("merge keys: a scalar to merge is an error; merged unknown keys are reported")
    func mergeErrors() {
        let scalar = load("resources:\n  a:\n    <<: oops\n    type: executable\n    command: x\n")
        #expect(scalar.diagnostics.summaries.contains("wrong-type@3:9"), "\(scalar.diagnostics.summaries)")
        let unknown = load("x-d: &d\n  type: executable\n  comand: x\nresources:\n  a:\n    <<: [*d]\n    command: y\n")
        #expect(unknown.diagnostics.summaries.contains("unknown-key@6:5"), "\(unknown.diagnostics.summaries)")
    }

    @Test("names with many resources: duplicates through databases and unused parameters")
    func namesAndParameters() {
        let yaml = "resources:\n  db:\n    type: parameter\n    default: x\n  pg:\n    type: postgres\n    databases: [db]\n  p:\n    type: parameter\n    default: y\n  a:\n    type: executable\n    command: x\n    env: { X: \"{db.value}\" }\n"
        let result = load(yaml)
        let ids = result.diagnostics.map(\.message.id)
        #expect(ids.contains("duplicate-resource"))
        #expect(result.diagnostics.filter { $0.message.id == "unused-parameter" }.compactMap { $0.location?.line } == [8])
    }
}
