import AppModel
import AppState
import Testing
import YAMLSource

/// Issue 21 item 2: a manifest's bidi and control characters never reach the terminal raw
/// through a diagnostic; they show as `<U+XXXX>` and the caret still points at the column.
@Suite struct DiagnosticVisibilityTests {
    @Test("a U+202E in the source line and in the quoted name is shown escaped, caret aligned")
    func bidiOverride() throws {
        let result = load("resources:\n  web:\n    type: project\n    path: ./web\n    references: [\u{202E}cahce]\n")
        let diagnostic = try #require(result.diagnostics.first { $0.message.id == "unknown-resource" }, "\(result.diagnostics)")
        #expect(diagnostic.location?.line == 5)
        #expect(diagnostic.location?.column == 18)
        let text = DiagnosticRenderer(color: false).render(diagnostic, sourceLines: result.sourceLines)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!text.unicodeScalars.contains("\u{202E}"), "\(text)")
        #expect(lines[0].contains("'<U+202E>cahce'"), "\(text)")
        #expect(lines[1] == "    references: [<U+202E>cahce]")
        // The caret sits under the escape, where the reference's first character is.
        #expect(lines[2] == String(repeating: " ", count: 17) + "^")
        // A column after the escape moves right by the escape's width.
        let after = DiagnosticRenderer(color: false).render(
            Diagnostic(.error, diagnostic.message, at: SourceLocation(file: "apphost.yaml", line: 5, column: 20)),
            sourceLines: result.sourceLines)
        let caret = after.split(separator: "\n", omittingEmptySubsequences: false)[2]
        #expect(caret == String(repeating: " ", count: 17 + 8 + 1) + "^")
    }

    @Test("C0 and C1 controls in a message are escaped; newline and tab are kept", arguments: [
        ("a\u{07}b", "a<U+0007>b"),
        ("a\u{1B}]52;c;eA==\u{07}", "a<U+001B>]52;c;eA==<U+0007>"),
        ("x\u{9B}2J", "x<U+009B>2J"),
        ("\u{2066}iso\u{2069}", "<U+2066>iso<U+2069>"),
        ("tab\there\nnext", "tab\there\nnext"),
        ("plain 'é' text", "plain 'é' text"),
    ])
    func messages(input: String, expected: String) {
        #expect(DiagnosticRenderer.visible(input) == expected)
    }
}
