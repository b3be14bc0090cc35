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
    /// do look like one (`{cache.}`, unknown properties) are reported. A `{name.…` never closed
    /// is reported as `unterminated-expression` with `name` as its subject; the decoder keeps
    /// that error only when `name` is a resource (`Array.settledAfterDecoding(for:)`).
    /// - Parameters:
    ///   - text: The string after host interpolation.
    ///   - location: Where the string starts; expression locations are offset from it when the
    ///     scalar is on one line.
    ///   - columnOffset: Columns between the node's start and its first character (1 when quoted).
    package static func parse(
        _ text: String, at location: SourceLocation, columnOffset: Int?, diagnostics: inout [Diagnostic]
    ) -> Template {
        guard text.containsByte(open) || text.containsByte(close) else { return Template(literal: text) }
        var text = text
        return text.withUTF8 { bytes in
            parse(bytes, at: location, columnOffset: columnOffset, diagnostics: &diagnostics)
        }
    }

    private static let open = UInt8(ascii: "{")
    private static let close = UInt8(ascii: "}")

    /// `parse` over the text's UTF-8. Braces are ASCII, so the text is scanned as bytes and only
    /// cut at brace positions (always scalar boundaries); columns are counted in scalars, as the
    /// locations are.
    private static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, at location: SourceLocation, columnOffset: Int?,
        diagnostics: inout [Diagnostic]
    ) -> Template {
        var parts: [Part] = []
        var literal = ""
        var pending = 0  // the first byte not yet copied into `literal`
        var i = 0
        func take(upTo end: Int) {
            if pending < end { literal += String(decoding: UnsafeBufferPointer(rebasing: bytes[pending..<end]), as: UTF8.self) }
        }
        func flush() {
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
        }
        while i < bytes.count {
            let c = bytes[i]
            if c == open || c == close, i + 1 < bytes.count, bytes[i + 1] == c {
                take(upTo: i)
                literal += c == open ? "{" : "}"
                i += 2
                pending = i
                continue
            }
            if c == open {
                let closed = bytes[(i + 1)...].firstIndex(of: close)
                if let end = closed, looksLikeExpression(UnsafeBufferPointer(rebasing: bytes[(i + 1)..<end])) {
                    let body = UnsafeBufferPointer(rebasing: bytes[(i + 1)..<end])
                    take(upTo: i)
                    var here = location
                    if let columnOffset { here.column += columnOffset + scalarCount(bytes[..<i]) }
                    if let expression = parseExpression(body, at: here, diagnostics: &diagnostics) {
                        if parts.isEmpty { parts.reserveCapacity(3) }  // text, expression, text: one allocation
                        flush()
                        parts.append(.expression(expression))
                    }
                    i = end + 1
                    pending = i
                    continue
                }
                // `{cache.connectionString` with no `}`: a candidate, an error if `cache` is a resource.
                if let candidate = unterminated(bytes, at: i) {
                    var here = location
                    if let columnOffset { here.column += columnOffset + scalarCount(bytes[..<i]) }
                    diagnostics.append(.unterminatedExpression(candidate.name, fixed: candidate.fixed, at: here))
                }
            }
            i += 1
        }
        take(upTo: bytes.count)
        flush()
        return Template(parts: parts)
    }

    /// The resource name and the text with the `}` put in, when the `{` at `start` opens what
    /// looks like an expression that is never closed: a letter-led name, a `.`, and expression
    /// characters up to the end of the text or a character no expression holds.
    private static func unterminated(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (name: String, fixed: String)? {
        var end = start + 1
        var dot: Int?
        while end < bytes.count {
            let byte = bytes[end]
            let isLetter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            let isDigit = byte >= 0x30 && byte <= 0x39
            if end == start + 1, !isLetter { return nil }
            guard isLetter || isDigit || byte == 0x2E || byte == 0x5F || byte == 0x2D else { break }
            if byte == 0x2E, dot == nil { dot = end }
            end += 1
        }
        guard let dot, dot > start + 1, dot + 1 < end else { return nil }
        if end < bytes.count, bytes[end] == close { return nil }  // closed after all
        let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[(start + 1)..<dot]), as: UTF8.self)
        let fixed =
            String(decoding: UnsafeBufferPointer(rebasing: bytes[..<end]), as: UTF8.self) + "}"
            + String(decoding: UnsafeBufferPointer(rebasing: bytes[end...]), as: UTF8.self)
        return (name, fixed)
    }

    /// Unicode scalars in UTF-8 bytes (continuation bytes do not count).
    private static func scalarCount(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int {
        bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    /// `name.something` with no spaces or quotes: the shape of an expression.
    static func looksLikeExpression(_ body: String) -> Bool {
        var body = body
        return body.withUTF8 { looksLikeExpression($0) }
    }

    private static func looksLikeExpression(_ body: UnsafeBufferPointer<UInt8>) -> Bool {
        // Resource names, properties and endpoint names are ASCII, so bytes are enough (and
        // much cheaper than Unicode properties on a 20,000-resource manifest).
        var sawDot = false
        for (index, byte) in body.enumerated() {
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
        var body = body
        return body.withUTF8 { parseExpression($0, at: location, diagnostics: &diagnostics) }
    }

    /// Parses `resource.property...`; the segments are byte ranges, so only the resource and
    /// endpoint names become `String`s (and the whole body, for a message).
    private static func parseExpression(
        _ body: UnsafeBufferPointer<UInt8>, at location: SourceLocation, diagnostics: inout [Diagnostic]
    ) -> Expression? {
        // The first four dot-separated segments as ranges (more than four is malformed anyway).
        var segments: (Range<Int>, Range<Int>, Range<Int>, Range<Int>) = (0..<0, 0..<0, 0..<0, 0..<0)
        var count = 0  // segments in the whole body
        var start = 0
        func add(_ range: Range<Int>) {
            switch count {
            case 0: segments.0 = range
            case 1: segments.1 = range
            case 2: segments.2 = range
            case 3: segments.3 = range
            default: break
            }
            count += 1
        }
        for index in 0..<body.count where body[index] == 0x2E {
            add(start..<index)
            start = index + 1
        }
        add(start..<body.count)
        func segment(_ position: Int) -> Range<Int> {
            switch position {
            case 0: segments.0
            case 1: segments.1
            case 2: segments.2
            default: segments.3
            }
        }
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: body[range]), as: UTF8.self) }
        func equals(_ position: Int, _ word: StaticString) -> Bool {
            let range = segment(position)
            return range.count == word.utf8CodeUnitCount
                && zip(body[range], UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)).allSatisfy { $0 == $1 }
        }
        var whole: String { text(0..<body.count) }
        let resource = text(segment(0))
        let rest = count - 1  // segments after the resource
        if rest == 1, equals(1, "connectionString") {
            return Expression(resource: resource, property: .connectionString, location: location)
        }
        if (rest == 1 && equals(1, "value")) || (rest == 2 && equals(1, "inputs") && equals(2, "value")) {
            return Expression(resource: resource, property: .value, location: location)
        }
        if rest >= 1, equals(1, "endpoints") || equals(1, "bindings") {
            guard rest == 3, !segment(2).isEmpty else {
                diagnostics.append(.error(.malformedEndpointExpression(whole), at: location))
                return nil
            }
            guard let field = Expression.EndpointField(rawValue: text(segment(3))) else {
                diagnostics.append(.error(.unknownEndpointField(text(segment(3)), in: whole), at: location))
                return nil
            }
            return Expression(resource: resource, property: .endpoint(name: text(segment(2)), field: field), location: location)
        }
        // Everything after the resource, dots included: the segments joined as written.
        let property = rest >= 1 ? text(segment(1).lowerBound..<body.count) : ""
        diagnostics.append(.error(.unknownExpressionProperty(property, in: whole), at: location))
        return nil
    }
}
