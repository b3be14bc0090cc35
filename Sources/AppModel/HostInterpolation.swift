import YAMLSource

/// Docker compose's `${VAR}` interpolation of values from the host environment.
///
/// Supported exactly as compose does: `$VAR`, `${VAR}`, `${VAR:-default}` (unset or empty),
/// `${VAR-default}` (unset), `${VAR:?error}` / `${VAR?error}` (fail), `${VAR:+alt}` /
/// `${VAR+alt}` (replacement when set), nested defaults, and `$$` for a literal `$`.
package struct HostInterpolation: Sendable {
    package var environment: [String: String]

    package init(environment: [String: String]) { self.environment = environment }

    /// A failure of one `${...}`: a missing required variable or bad syntax.
    package enum Failure: Error, Sendable, Hashable {
        case required(variable: String, message: String)
        case invalidSyntax(String)
    }

    /// A `$NAME` or `${NAME}` (or `${NAME:?…}` that passed) whose variable is unset, so it gave
    /// "": compose warns about each; `offset` is where its `$` is, in unicode scalars of the text.
    package struct UnsetUse: Sendable, Hashable {
        package var variable: String
        package var offset: Int
    }

    /// Interpolates `text`; returns the text, or the first failure.
    package func interpolate(_ text: String) -> Result<String, Failure> {
        var unset: [UnsetUse] = []
        return interpolate(text, unset: &unset)
    }

    /// Interpolates `text`, adding to `unset` every unset variable read without a default
    /// (`${VAR:-x}`, `${VAR-x}`, `${VAR:+x}`, `${VAR+x}` say what they want when it is unset).
    package func interpolate(_ text: String, unset: inout [UnsetUse]) -> Result<String, Failure> {
        guard text.containsByte(UInt8(ascii: "$")) else { return .success(text) }
        let scalars = Array(text.unicodeScalars)
        var index = 0
        return expand(scalars, &index, until: nil, unset: &unset)
    }

    private func expand(
        _ s: [Unicode.Scalar], _ i: inout Int, until terminator: Unicode.Scalar?, unset: inout [UnsetUse]
    ) -> Result<String, Failure> {
        var out = String.UnicodeScalarView()
        var depth = 0
        while i < s.count {
            let c = s[i]
            if let terminator, c == terminator, depth == 0 { return .success(String(out)) }
            if terminator != nil, c == "{" { depth += 1 }
            if terminator != nil, c == "}", depth > 0 { depth -= 1 }
            guard c == "$" else {
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < s.count else {
                out.append(c)
                i += 1
                continue
            }
            let next = s[i + 1]
            if next == "$" {
                out.append("$")
                i += 2
            } else if next == "{" {
                i += 2
                switch braced(s, &i, unset: &unset) {
                case .success(let value): out.append(contentsOf: value.unicodeScalars)
                case .failure(let failure): return .failure(failure)
                }
            } else if isNameStart(next) {
                var j = i + 1
                var name = ""
                while j < s.count, isNameChar(s[j]) {
                    name.unicodeScalars.append(s[j])
                    j += 1
                }
                if let value = environment[name] {
                    out.append(contentsOf: value.unicodeScalars)
                } else {
                    unset.append(UnsetUse(variable: name, offset: i))
                }
                i = j
            } else {
                out.append(c)
                i += 1
            }
        }
        if terminator != nil { return .failure(.invalidSyntax(String(String.UnicodeScalarView(s)))) }
        return .success(String(out))
    }

    /// After `${`: NAME then `}` or an operator and a word up to the matching `}`.
    private func braced(_ s: [Unicode.Scalar], _ i: inout Int, unset: inout [UnsetUse]) -> Result<String, Failure> {
        let start = i
        var name = ""
        while i < s.count, isNameChar(s[i]) {
            name.unicodeScalars.append(s[i])
            i += 1
        }
        let whole = String(String.UnicodeScalarView(s[max(0, start - 2)...].prefix(64)))
        guard !name.isEmpty, let first = name.unicodeScalars.first, isNameStart(first), i < s.count else {
            return .failure(.invalidSyntax(whole))
        }
        let value = environment[name]
        if s[i] == "}" {
            i += 1
            if value == nil { unset.append(UnsetUse(variable: name, offset: start - 2)) }
            return .success(value ?? "")
        }
        var op = String(s[i])
        i += 1
        if op == ":" {
            guard i < s.count else { return .failure(.invalidSyntax(whole)) }
            op += String(s[i])
            i += 1
        }
        guard ["-", ":-", "?", ":?", "+", ":+"].contains(op) else { return .failure(.invalidSyntax(whole)) }
        let word: String
        // The word's own unset variables count only when the word is used.
        var wordUnset: [UnsetUse] = []
        switch expand(s, &i, until: "}", unset: &wordUnset) {
        case .success(let w): word = w
        case .failure(let f): return .failure(f)
        }
        i += 1  // the closing brace
        let unsetOrEmpty = value?.isEmpty ?? true
        let wordUsed =
            switch op {
            case ":-": unsetOrEmpty
            case "-": value == nil
            case ":+": !unsetOrEmpty
            case "+": value != nil
            default: false
            }
        if wordUsed { unset += wordUnset }
        switch op {
        case ":-": return .success(unsetOrEmpty ? word : value ?? "")
        case "-": return .success(value ?? word)
        case ":?":
            if unsetOrEmpty { return .failure(.required(variable: name, message: word)) }
            return .success(value ?? "")
        case "?":
            guard let value else { return .failure(.required(variable: name, message: word)) }
            return .success(value)
        case ":+": return .success(unsetOrEmpty ? "" : word)
        default: return .success(value == nil ? "" : word)  // "+"
        }
    }

    private func isNameStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c)
    }

    private func isNameChar(_ c: Unicode.Scalar) -> Bool {
        isNameStart(c) || ("0"..."9").contains(c)
    }
}

extension String {
    /// True when the UTF-8 of the string contains `byte` (an ASCII character, say), scanned in
    /// place: every scalar value in a manifest goes through this.
    func containsByte(_ byte: UInt8) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.contains(byte) } ?? utf8.contains(byte)
    }
}

// MARK: - Warnings for unset variables

extension Diagnostic.Message {
    /// Compose's warning for a variable it substitutes with "" (issue 15, item 3).
    package static func unsetVariable(_ variable: String) -> Self {
        Self(
            id: "unset-variable", "variable \(variable) is not set in the environment; it is replaced by an empty string",
            subject: variable)
    }
}

extension Diagnostic {
    /// The warning for an unset variable, with its fix-it as a note.
    static func unsetVariable(_ variable: String, at location: SourceLocation) -> Diagnostic {
        .warning(.unsetVariable(variable), at: location, notes: [Note("write $$\(variable) to pass a literal $ to the program")])
    }
}

extension Array where Element == Diagnostic {
    /// Keeps one unset-variable warning per variable, the first in the file (decoding order is
    /// not file order, and a split manifest decodes its parts apart).
    func keepingFirstUnsetVariableWarnings() -> [Diagnostic] {
        var first: [Diagnostic.Message: Diagnostic] = [:]
        for diagnostic in self where diagnostic.message.id == "unset-variable" {
            if let kept = first[diagnostic.message], let a = kept.location, let b = diagnostic.location, !(b < a) { continue }
            first[diagnostic.message] = diagnostic
        }
        guard !first.isEmpty else { return self }
        return filter { $0.message.id != "unset-variable" || first[$0.message] == $0 }
    }
}
