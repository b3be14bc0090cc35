package import YAMLSource

/// A string that may hold expressions such as `{cache.connectionString}`, parsed once at load.
package struct Template: Sendable, Hashable, CustomStringConvertible {
    package enum Part: Sendable, Hashable {
        case literal(String)
        case expression(Expression)
    }

    package var parts: [Part]

    package init(parts: [Part]) { self.parts = parts }

    /// A template with no expressions.
    package init(literal: String) { parts = literal.isEmpty ? [] : [.literal(literal)] }

    package var expressions: [Expression] {
        parts.compactMap { if case .expression(let e) = $0 { e } else { nil } }
    }

    /// The text when there are no expressions, else nil.
    package var literalValue: String? {
        var text = ""
        for part in parts {
            guard case .literal(let s) = part else { return nil }
            text += s
        }
        return text
    }

    /// The template as written (expressions in braces).
    package var description: String {
        parts.map { part in
            switch part {
            case .literal(let s): s.replacingBraces()
            case .expression(let e): "{\(e)}"
            }
        }.joined()
    }
}

/// `{resource.property}` — a value another resource provides.
package struct Expression: Sendable, Hashable, CustomStringConvertible {
    package enum Property: Sendable, Hashable {
        case connectionString
        case value
        case endpoint(name: String, field: EndpointField)
    }

    package enum EndpointField: String, Sendable, Hashable, CaseIterable {
        case url, host, port, scheme, targetPort
    }

    package var resource: String
    package var property: Property
    package var location: SourceLocation

    package init(resource: String, property: Property, location: SourceLocation) {
        self.resource = resource
        self.property = property
        self.location = location
    }

    package var description: String {
        switch property {
        case .connectionString: "\(resource).connectionString"
        case .value: "\(resource).value"
        case .endpoint(let name, let field): "\(resource).endpoints.\(name).\(field.rawValue)"
        }
    }
}

extension String {
    fileprivate func replacingBraces() -> String {
        var out = ""
        for c in self {
            if c == "{" { out += "{{" } else if c == "}" { out += "}}" } else { out.append(c) }
        }
        return out
    }
}

// MARK: - Parsing

extension Template {
    /// Parses `{resource.property}` expressions out of `text`.
    ///
    /// Braces whose content does not look like `name.path` stay literal (JSON in an env value is
    /// left alone, as Aspire does); `{{` and `}}` are literal braces. Malformed expressions that
    /// do look like one (`{cache.}`, unknown properties) are reported.
    /// - Parameters:
    ///   - text: The string after host interpolation.
    ///   - location: Where the string starts; expression locations are offset from it when the
    ///     scalar is on one line.
    ///   - columnOffset: Columns between the node's start and its first character (1 when quoted).
    package static func parse(
        _ text: String, at location: SourceLocation, columnOffset: Int?, diagnostics: inout [Diagnostic]
    ) -> Template {
        guard text.contains("{") || text.contains("}") else { return Template(literal: text) }
        var parts: [Part] = []
        var literal = ""
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func flush() {
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
        }
        while i < scalars.count {
            let c = scalars[i]
            if c == "{", i + 1 < scalars.count, scalars[i + 1] == "{" {
                literal += "{"
                i += 2
                continue
            }
            if c == "}", i + 1 < scalars.count, scalars[i + 1] == "}" {
                literal += "}"
                i += 2
                continue
            }
            if c == "{", let close = scalars[(i + 1)...].firstIndex(of: "}") {
                let body = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
                if looksLikeExpression(body) {
                    var here = location
                    if let columnOffset { here.column += columnOffset + i }
                    if let expression = parseExpression(body, at: here, diagnostics: &diagnostics) {
                        flush()
                        parts.append(.expression(expression))
                    }
                    i = close + 1
                    continue
                }
            }
            literal.unicodeScalars.append(c)
            i += 1
        }
        flush()
        return Template(parts: parts)
    }

    /// `name.something` with no spaces or quotes: the shape of an expression.
    static func looksLikeExpression(_ body: String) -> Bool {
        // Resource names, properties and endpoint names are ASCII, so bytes are enough (and
        // much cheaper than Unicode properties on a 20,000-resource manifest).
        var sawDot = false
        for (index, byte) in body.utf8.enumerated() {
            let isLetter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            if index == 0 {
                guard isLetter else { return false }
                continue
            }
            let isDigit = byte >= 0x30 && byte <= 0x39
            if byte == 0x2E { sawDot = true }
            guard isLetter || isDigit || byte == 0x2E || byte == 0x5F || byte == 0x2D else { return false }
        }
        return sawDot
    }

    static func parseExpression(_ body: String, at location: SourceLocation, diagnostics: inout [Diagnostic]) -> Expression? {
        let path = body.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let resource = path[0]
        let rest = Array(path.dropFirst())
        switch rest.first {
        case "connectionString" where rest.count == 1:
            return Expression(resource: resource, property: .connectionString, location: location)
        case "value" where rest.count == 1:
            return Expression(resource: resource, property: .value, location: location)
        case "inputs" where rest == ["inputs", "value"]:
            return Expression(resource: resource, property: .value, location: location)
        case "endpoints", "bindings":
            guard rest.count == 3, !rest[1].isEmpty else {
                diagnostics.append(.error(.malformedEndpointExpression(body), at: location))
                return nil
            }
            guard let field = Expression.EndpointField(rawValue: rest[2]) else {
                diagnostics.append(.error(.unknownEndpointField(rest[2], in: body), at: location))
                return nil
            }
            return Expression(resource: resource, property: .endpoint(name: rest[1], field: field), location: location)
        default:
            diagnostics.append(.error(.unknownExpressionProperty(rest.joined(separator: "."), in: body), at: location))
            return nil
        }
    }
}
