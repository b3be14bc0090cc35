import AppModel
import AppState
import Foundation
import Testing

/// `{cache.connectionString` with no `}` is an error when `cache` is a resource; other braces
/// stay text (issue 15, item 4).
@Suite struct UnterminatedExpressionTests {
    /// A manifest whose `a` has `R: <value>`, with resources `cache` (redis) and `api`.
    private func manifest(_ value: String) -> String {
        """
        resources:
          cache:
            type: redis
          api:
            type: executable
            command: x
          a:
            type: executable
            command: x
            references: [cache, api]
            env:
              R: \(value)
        """
    }

    /// (value, expected diagnostics `id@line:col`, the fix-it note or "")
    static let cases: [(String, [String], String)] = [
        (#""{cache.connectionString""#, ["unterminated-expression@12:11"], "write {cache.connectionString}"),
        (#""x={cache.connectionString;Database=db""#, ["unterminated-expression@12:13"], "write x={cache.connectionString};Database=db"),
        (#""{cache.connectionString {api.endpoints.http.url}""#, ["unterminated-expression@12:11"], "write {cache.connectionString} {api.endpoints.http.url}"),
        (#"'{api.bindings.http.url'"#, ["unterminated-expression@12:11"], "write {api.bindings.http.url}"),
        // Not a resource, a literal brace, JSON, a lone brace: text, no error.
        (#""{nosuch.connectionString""#, [], ""),
        (#""{{cache.connectionString""#, [], ""),
        (#"'{"a": 1}'"#, [], ""),
        (#""{cache""#, [], ""),
        (#""{cache.""#, [], ""),
        (#""{cache.connectionString}""#, [], ""),
    ]

    @Test("an unclosed '{name.' is an error at its column with the fixed text; other braces stay text", arguments: cases)
    func unterminated(value: String, expected: [String], fixIt: String) throws {
        let result = load(manifest(value))
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.summaries == expected, "\(errors.map(\.message.text))")
        #expect(errors.first?.notes.map(\.message) ?? [] == (fixIt.isEmpty ? [] : [fixIt]))
    }

    @Test("text that is not an expression is handed over as written")
    func literalsKept() throws {
        for (value, text) in [(#""{nosuch.connectionString""#, "{nosuch.connectionString"), (#""{{cache.x""#, "{cache.x"), (#"'{"a": 1}'"#, #"{"a": 1}"#)] {
            let manifest = try #require(load(manifest(value)).manifest)
            #expect(manifest["a"]?.run.env.first?.value.literalValue == text)
        }
    }
}
