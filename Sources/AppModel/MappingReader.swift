import YAMLSource

/// Reads one YAML mapping as a set of known fields, reporting unknown keys (with did-you-mean)
/// and wrong value types as diagnostics instead of failing.
///
/// Keys are matched as bytes against the `allowed` list, and each field is kept by its position
/// in that list: no `String` is made for a known key and no dictionary is built per mapping (a
/// 20,000-resource manifest has about 40,000 of them).
struct MappingReader {
    let node: YAMLNode
    private let allowed: [String]
    /// At most this many allowed keys: the slots below live inline, so reading a mapping
    /// allocates nothing (a 20,000-resource manifest has about 60,000 mappings).
    static let capacity = 32
    /// For each allowed key (same positions as `allowed`), the document positions of the key and
    /// value that provide it (`YAMLNode.position`), or -1.
    private var keys = InlineArray<32, Int32>(repeating: -1)
    private var values = InlineArray<32, Int32>(repeating: -1)
    /// False when `node` is not a mapping (every field then reads as absent).
    private var isMapping = false

    /// - Parameters:
    ///   - node: Must be a mapping; otherwise a diagnostic is emitted and the reader is empty.
    ///   - what: How to name the mapping in messages ("resource 'cache'").
    ///   - allowed: Known keys; `x-*` keys are always allowed.
    init(_ node: YAMLNode, what: @autoclosure () -> String, allowed: [String], diagnostics: inout [Diagnostic]) {
        precondition(allowed.count <= Self.capacity, "MappingReader: more allowed keys than slots")
        self.node = node
        self.allowed = allowed
        guard node.kind == .mapping else {
            diagnostics.append(.error(.wrongType(what(), expected: "a mapping", found: node), at: node.location))
            return
        }
        isMapping = true
        guard node.hasMergeKey else {
            for (key, value) in node.pairView { read(key, value, what: what, diagnostics: &diagnostics) }
            return
        }
        // YAML merge keys (`<<: *defaults`), as compose files use them with `x-` anchors: the
        // merged pairs are checked like written ones (keys written here win over them).
        for merge in node.invalidMerges {
            diagnostics.append(.error(.wrongType("<<", expected: "a mapping or a list of mappings to merge", found: merge.value), at: merge.location))
        }
        for pair in node.mergedPairs { read(pair.key, pair.value, what: what, diagnostics: &diagnostics) }
    }

    /// Records one key/value pair of the mapping (or reports its key).
    private mutating func read(_ key: YAMLNode, _ value: YAMLNode, what: () -> String, diagnostics: inout [Diagnostic]) {
        guard key.kind == .scalar else {
            diagnostics.append(.error(.nonScalarKey(in: what()), at: key.location))
            return
        }
        if key.scalarHasPrefix("x-") { return }
        guard let position = Self.position(of: key, in: allowed) else {
            let name = key.scalar ?? ""
            diagnostics.append(.error(.unknownKey(name, in: what(), suggestion: DidYouMean.suggestion(for: name, in: allowed)), at: key.location))
            return
        }
        keys[position] = key.position  // a repeated key (already an error) keeps the last
        values[position] = value.position
    }

    /// The position of the scalar `key` in `allowed`, compared as bytes.
    private static func position(of key: YAMLNode, in allowed: [String]) -> Int? {
        guard let length = key.scalarByteCount else { return nil }
        for (position, name) in allowed.enumerated() where name.utf8.count == length && key.scalarEquals(name) {
            return position
        }
        return nil
    }

    private func slot(_ key: String) -> (key: YAMLNode, value: YAMLNode)? {
        guard isMapping else { return nil }
        // The length check rules out most candidates before any comparison.
        let length = key.utf8.count
        for position in allowed.indices where allowed[position].utf8.count == length && allowed[position] == key {
            guard values[position] >= 0 else { return nil }
            return (node.sibling(at: keys[position]), node.sibling(at: values[position]))
        }
        return nil
    }

    subscript(key: String) -> YAMLNode? { slot(key)?.value }

    func keyLocation(_ key: String) -> SourceLocation? { slot(key)?.key.location }

    var location: SourceLocation { node.location }
}

/// Turning YAML values into Swift values, with a diagnostic for each wrong type.
struct ValueReader {
    var interpolation: HostInterpolation
    var diagnostics: [Diagnostic] = []

    /// A string scalar (numbers and booleans are accepted as their text), host-interpolated.
    mutating func string(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> String? {
        guard let node else { return nil }
        return interpolated(node, what())?.value
    }

    /// The interpolated text of a scalar and the text as written (one `String` made from the node).
    private mutating func interpolated(_ node: YAMLNode, _ what: @autoclosure () -> String) -> (value: String, raw: String)? {
        guard node.kind == .scalar, !node.isNull, let raw = node.scalar else {
            diagnostics.append(.error(.wrongType(what(), expected: "a string", found: node), at: node.location))
            return nil
        }
        var unset: [HostInterpolation.UnsetUse] = []
        switch interpolation.interpolate(raw, unset: &unset) {
        case .success(let value):
            for use in unset {
                diagnostics.append(.unsetVariable(use.variable, at: Self.location(ofOffset: use.offset, in: node, raw: raw)))
            }
            return (value, raw)
        case .failure(.required(let variable, let message)):
            diagnostics.append(.error(.requiredVariable(variable, message: message), at: node.location))
        case .failure(.invalidSyntax(let text)):
            diagnostics.append(.error(.invalidInterpolation(text), at: node.location))
        }
        return nil
    }

    /// Where the scalar at `offset` (in unicode scalars) of a node's text is written: exact when
    /// the node is one line with no escapes (its source width is the text's, plus the quotes),
    /// else the node's start.
    static func location(ofOffset offset: Int, in node: YAMLNode, raw: String) -> SourceLocation {
        var location = node.location
        let quotes = node.style == .singleQuoted || node.style == .doubleQuoted ? 2 : 0
        guard node.style == .plain || quotes == 2, location.line == node.endLocation.line,
            node.endLocation.column - location.column == raw.unicodeScalars.count + quotes
        else { return location }
        location.column += quotes / 2 + offset
        return location
    }

    /// A string parsed as a template of expressions.
    mutating func template(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> Template? {
        guard let node, let (text, raw) = interpolated(node, what()) else { return nil }
        let location = node.location
        // Interpolation may shift columns; only trust offsets when it changed nothing.
        var trusted: Int?
        if raw == text, location.line == node.endLocation.line {
            trusted = node.style == .singleQuoted || node.style == .doubleQuoted ? 1 : 0
        }
        return Template.parse(text, at: location, columnOffset: trusted, diagnostics: &diagnostics)
    }

    mutating func bool(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> Bool? {
        guard let node else { return nil }
        if let value = node.bool { return value }
        if node.kind == .scalar, let raw = node.scalar, case .success(let text) = interpolation.interpolate(raw) {
            if ["true", "True", "TRUE"].contains(text) { return true }
            if ["false", "False", "FALSE"].contains(text) { return false }
        }
        diagnostics.append(.error(.wrongType(what(), expected: "true or false", found: node), at: node.location))
        return nil
    }

    mutating func int(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> Int? {
        guard let node else { return nil }
        if let value = node.int { return value }
        if node.kind == .scalar, let raw = node.scalar, raw.contains("$"),
            case .success(let text) = interpolation.interpolate(raw), let value = Int(text)
        {
            return value
        }
        diagnostics.append(.error(.wrongType(what(), expected: "an integer", found: node), at: node.location))
        return nil
    }

    /// A list of strings (a single string is not accepted: say what to write instead), each made
    /// into an `Item` with where it is written; nil when absent or not a list.
    mutating func stringList<Item>(
        _ node: YAMLNode?, _ what: @autoclosure () -> String, _ make: (String, SourceLocation) -> Item
    ) -> [Item]? {
        guard let node else { return nil }
        guard node.kind == .sequence else {
            diagnostics.append(.error(.wrongType(what(), expected: "a list", found: node), at: node.location))
            return nil
        }
        var items: [Item] = []
        items.reserveCapacity(node.count)
        for item in node.itemView {
            if let text = string(item, what()) { items.append(make(text, item.location)) }
        }
        return items
    }

    /// `5s`, `500ms`, `1m30s`, `2h`, or a bare number of seconds.
    mutating func duration(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> Duration? {
        guard let node else { return nil }
        if let seconds = node.double, seconds >= 0, let value = Self.duration(seconds: seconds) { return value }
        guard let text = string(node, what()) else { return nil }
        guard let value = Self.parseDuration(text) else {
            diagnostics.append(.error(.invalidDuration(text, field: what()), at: node.location))
            return nil
        }
        return value
    }

    static func parseDuration(_ text: String) -> Duration? {
        if let ascii = parseASCIIDuration(text) { return ascii }
        var total: Double = 0
        var number = ""
        var unit = ""
        var sawAny = false
        func commit() -> Bool {
            guard let value = Double(number) else { return false }
            let scale: Double
            switch unit {
            case "ms": scale = 0.001
            case "s", "": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            case "us", "µs": scale = 0.000001
            default: return false
            }
            total += value * scale
            sawAny = true
            number = ""
            unit = ""
            return true
        }
        for c in text.trimmingSpaces() {
            if c.isNumber || c == "." {
                if !unit.isEmpty { guard commit() else { return nil } }
                number.append(c)
            } else if c.isLetter {
                guard !number.isEmpty else { return nil }
                unit.append(c)
            } else {
                return nil
            }
        }
        guard !number.isEmpty, commit(), sawAny else { return nil }
        return duration(seconds: total)
    }

    /// `seconds` as a Duration of whole milliseconds, or nil when that is no Int64: infinite,
    /// NaN, or past Int64.max milliseconds (about 292 million years). `Int64(_:)` traps on those,
    /// and a manifest could spell them (`timeout: 1e300`, a 400-digit number of seconds); the
    /// caller reports an invalid duration instead. (Found by fuzz/full_fuzzer.swift.)
    static func duration(seconds: Double) -> Duration? {
        let milliseconds = (seconds * 1000).rounded()
        // 2^63 is exactly representable; every finite Double below it converts without trapping.
        guard milliseconds.isFinite, milliseconds > -0x1p63, milliseconds < 0x1p63 else { return nil }
        return .milliseconds(Int64(milliseconds))
    }
}

extension ValueReader {
    /// `parseDuration` for ASCII text, on bytes (an ASCII character is one byte, and for ASCII
    /// `isNumber`, `isLetter` and `isWhitespace` are the obvious sets). Returns `.some(nil)` for
    /// ASCII text that is no duration, and nil for non-ASCII text (the caller then parses it by
    /// characters).
    fileprivate static func parseASCIIDuration(_ text: String) -> Duration?? {
        let bytes = text.utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        func isLetter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
        var trimmed = bytes[...]
        while let first = trimmed.first, isSpace(first) { trimmed.removeFirst() }
        while let last = trimmed.last, isSpace(last) { trimmed.removeLast() }
        var total: Double = 0
        var numberStart = trimmed.startIndex
        var numberEnd = trimmed.startIndex
        var unit: (start: String.Index, end: String.Index)?
        var sawAny = false
        func commit() -> Bool {
            guard let value = Double(String(decoding: bytes[numberStart..<numberEnd], as: UTF8.self)) else { return false }
            let scale: Double
            switch unit.map({ String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) }) ?? "" {
            case "ms": scale = 0.001
            case "s", "": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            case "us": scale = 0.000001
            default: return false
            }
            total += value * scale
            sawAny = true
            unit = nil
            return true
        }
        var index = trimmed.startIndex
        var inNumber = false  // the number being read is not empty
        while index < trimmed.endIndex {
            let c = trimmed[index]
            let next = bytes.index(after: index)
            if isDigit(c) || c == UInt8(ascii: ".") {
                if unit != nil {
                    guard commit() else { return .some(nil) }
                    inNumber = false
                }
                if !inNumber { numberStart = index }
                numberEnd = next
                inNumber = true
            } else if isLetter(c) {
                guard inNumber else { return .some(nil) }
                unit = (unit?.start ?? index, next)
            } else {
                return .some(nil)
            }
            index = next
        }
        guard inNumber, commit(), sawAny else { return .some(nil) }
        return .some(duration(seconds: total))
    }
}

extension String {
    func trimmingSpaces() -> Substring {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return s
    }
}
