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

    /// Interpolates `text`; returns the text, or the first failure.
    package func interpolate(_ text: String) -> Result<String, Failure> {
        guard text.containsByte(UInt8(ascii: "$")) else { return .success(text) }
        let scalars = Array(text.unicodeScalars)
        var index = 0
        return expand(scalars, &index, until: nil)
    }

    private func expand(_ s: [Unicode.Scalar], _ i: inout Int, until terminator: Unicode.Scalar?) -> Result<String, Failure> {
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
                switch braced(s, &i) {
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
                out.append(contentsOf: (environment[name] ?? "").unicodeScalars)
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
    private func braced(_ s: [Unicode.Scalar], _ i: inout Int) -> Result<String, Failure> {
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
        switch expand(s, &i, until: "}") {
        case .success(let w): word = w
        case .failure(let f): return .failure(f)
        }
        i += 1  // the closing brace
        let unsetOrEmpty = value?.isEmpty ?? true
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
