import Quoting
import YAMLSource

/// Renders diagnostics compiler-style: `file:line:col: error: message`, the source line, and a
/// caret under the column; or as JSON data.
///
/// Text rendered for a terminal never carries the manifest's control characters: C0/C1 controls
/// (but tab) and the bidi controls U+202A–U+202E and U+2066–U+2069 in the source line and in
/// messages (which quote user text) are shown as `<U+202E>`, and the caret still points at the
/// column (it moves past the escape's width).
package struct DiagnosticRenderer: Sendable {
    package var color: Bool

    package init(color: Bool) { self.color = color }

    /// One diagnostic with its source line and caret (when the line is known).
    package func render(_ diagnostic: Diagnostic, sourceLines: [Substring]) -> String {
        var out = ""
        if let location = diagnostic.location { out += bold("\(location): ") }
        out += severityLabel(diagnostic.severity) + bold(Self.visible(diagnostic.message.text)) + "\n"
        if let location = diagnostic.location, location.line >= 1, location.line <= sourceLines.count {
            out += snippet(line: sourceLines[location.line - 1], column: location.column)
        }
        for note in diagnostic.notes {
            if let location = note.location { out += bold("\(location): ") }
            out += paint("note: ", "36") + Self.visible(note.message) + "\n"
            if let location = note.location, location.line >= 1, location.line <= sourceLines.count {
                out += snippet(line: sourceLines[location.line - 1], column: location.column)
            }
        }
        return out
    }

    /// All diagnostics, then a summary line (`2 errors, 1 warning`).
    package func render(_ diagnostics: [Diagnostic], sourceLines: [Substring]) -> String {
        var out = diagnostics.map { render($0, sourceLines: sourceLines) }.joined()
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        if errors + warnings > 0 {
            var parts: [String] = []
            if errors > 0 { parts.append("\(errors) error\(errors == 1 ? "" : "s")") }
            if warnings > 0 { parts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
            out += parts.joined(separator: ", ") + " generated.\n"
        }
        return out
    }

    private func snippet(line: Substring, column: Int) -> String {
        var text = ""
        var caretLine = ""
        var index = 1
        for scalar in line.unicodeScalars {
            let shown =
                scalar == "\t" ? "    " : Self.isHidden(scalar) ? Self.codePoint(scalar) : String(Character(scalar))
            text += shown
            if index < column {
                caretLine += scalar == "\t" ? "    " : String(repeating: " ", count: shown.count)
            }
            index += 1
        }
        return "\(text)\n\(caretLine)\(paint("^", "32"))\n"
    }

    /// `text` with every control character but tab and newline (a message may span lines), and
    /// every bidi control, shown as `<U+XXXX>`.
    package static func visible(_ text: String) -> String {
        let hidden = { (scalar: Unicode.Scalar) in scalar != "\n" && isHidden(scalar) }
        guard text.unicodeScalars.contains(where: hidden) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if hidden(scalar) { out += codePoint(scalar) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// C0 and C1 controls (but tab), DEL, and the bidi embedding, override and isolate controls.
    static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (value < 0x20 && scalar != "\t") || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
            || (0x2066...0x2069).contains(value)
    }

    /// `<U+202E>`: upper-case hex, at least four digits.
    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
    }

    private func severityLabel(_ severity: Diagnostic.Severity) -> String {
        switch severity {
        case .error: paint("error: ", "31")
        case .warning: paint("warning: ", "35")
        case .note: paint("note: ", "36")
        }
    }

    private func bold(_ text: String) -> String { color ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    private func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[1;\(code)m\(text)\u{1B}[0m" : text }

    // MARK: - JSON

    /// The diagnostics as a JSON document: `{"valid": bool, "diagnostics": [...]}`.
    package static func json(_ diagnostics: [Diagnostic], file: String) -> String {
        var items: [String] = []
        for diagnostic in diagnostics {
            var fields = [
                "\"severity\":\(JSON.string(diagnostic.severity.description))",
                "\"id\":\(JSON.string(diagnostic.message.id))",
                "\"message\":\(JSON.string(diagnostic.message.text))",
            ]
            if let location = diagnostic.location {
                fields.append("\"file\":\(JSON.string(location.file))")
                fields.append("\"line\":\(location.line)")
                fields.append("\"column\":\(location.column)")
            }
            if !diagnostic.notes.isEmpty {
                let notes = diagnostic.notes.map { note in
                    var parts = ["\"message\":\(JSON.string(note.message))"]
                    if let location = note.location {
                        parts.append("\"line\":\(location.line)")
                        parts.append("\"column\":\(location.column)")
                    }
                    return "{" + parts.joined(separator: ",") + "}"
                }
                fields.append("\"notes\":[\(notes.joined(separator: ","))]")
            }
            items.append("{" + fields.joined(separator: ",") + "}")
        }
        let valid = !diagnostics.hasErrors
        return "{\"file\":\(JSON.string(file)),\"valid\":\(valid),\"diagnostics\":[\(items.joined(separator: ","))]}"
    }
}
