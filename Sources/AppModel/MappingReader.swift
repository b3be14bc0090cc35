import YAMLSource

/// Reads one YAML mapping as a set of known fields, reporting unknown keys (with did-you-mean)
/// and wrong value types as diagnostics instead of failing.
struct MappingReader {
    let node: YAMLNode
    private var values: [String: (key: YAMLNode, value: YAMLNode)] = [:]

    /// - Parameters:
    ///   - node: Must be a mapping; otherwise a diagnostic is emitted and the reader is empty.
    ///   - what: How to name the mapping in messages ("resource 'cache'").
    ///   - allowed: Known keys; `x-*` keys are always allowed.
    init(_ node: YAMLNode, what: String, allowed: [String], diagnostics: inout [Diagnostic]) {
        self.node = node
        guard node.kind == .mapping else {
            diagnostics.append(.error(.wrongType(what, expected: "a mapping", found: node), at: node.location))
            return
        }
        var merged: [(key: YAMLNode, value: YAMLNode)] = []
        for (key, value) in node.pairs {
            // YAML merge keys (`<<: *defaults`), as compose files use them with `x-` anchors.
            if key.kind == .scalar, key.scalar == "<<", key.style == .plain {
                let sources = value.kind == .sequence ? value.items : [value]
                for source in sources where source.kind == .mapping { merged += source.pairs }
                if !sources.allSatisfy({ $0.kind == .mapping }) {
                    diagnostics.append(.error(.wrongType("<<", expected: "a mapping or a list of mappings to merge", found: value), at: value.location))
                }
                continue
            }
            guard let name = key.scalar, key.kind == .scalar else {
                diagnostics.append(.error(.nonScalarKey(in: what), at: key.location))
                continue
            }
            if name.hasPrefix("x-") { continue }
            guard allowed.contains(name) else {
                diagnostics.append(.error(.unknownKey(name, in: what, suggestion: DidYouMean.suggestion(for: name, in: allowed)), at: key.location))
                continue
            }
            values[name] = (key, value)
        }
        // Keys written in the mapping itself win over merged ones.
        for (key, value) in merged {
            guard let name = key.scalar, key.kind == .scalar, values[name] == nil, !name.hasPrefix("x-") else { continue }
            guard allowed.contains(name) else {
                diagnostics.append(.error(.unknownKey(name, in: what, suggestion: DidYouMean.suggestion(for: name, in: allowed)), at: key.location))
                continue
            }
            values[name] = (key, value)
        }
    }

    subscript(key: String) -> YAMLNode? { values[key]?.value }

    /// The value of `key` brought in by a `<<` merge key of `node`, if any.
    static func mergedValue(in node: YAMLNode, key: String) -> YAMLNode? {
        guard let merge = node["<<"] else { return nil }
        let sources = merge.kind == .sequence ? merge.items : [merge]
        return sources.lazy.compactMap { $0[key] }.first
    }

    func keyLocation(_ key: String) -> SourceLocation? { values[key]?.key.location }

    var location: SourceLocation { node.location }
}

/// Turning YAML values into Swift values, with a diagnostic for each wrong type.
struct ValueReader {
    var interpolation: HostInterpolation
    var diagnostics: [Diagnostic] = []

    /// A string scalar (numbers and booleans are accepted as their text), host-interpolated.
    mutating func string(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> String? {
        guard let node else { return nil }
        guard node.kind == .scalar, !node.isNull, let raw = node.scalar else {
            diagnostics.append(.error(.wrongType(what(), expected: "a string", found: node), at: node.location))
            return nil
        }
        switch interpolation.interpolate(raw) {
        case .success(let value): return value
        case .failure(.required(let variable, let message)):
            diagnostics.append(.error(.requiredVariable(variable, message: message), at: node.location))
        case .failure(.invalidSyntax(let text)):
            diagnostics.append(.error(.invalidInterpolation(text), at: node.location))
        }
        return nil
    }

    /// A string parsed as a template of expressions.
    mutating func template(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> Template? {
        guard let node, let text = string(node, what()) else { return nil }
        let offset: Int? =
            node.location.line == node.endLocation.line
            ? (node.style == .singleQuoted || node.style == .doubleQuoted ? 1 : 0) : nil
        // Interpolation may shift columns; only trust offsets when it changed nothing.
        let trusted = node.scalar == text ? offset : nil
        return Template.parse(text, at: node.location, columnOffset: trusted, diagnostics: &diagnostics)
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

    /// A list of strings; a single string is not accepted (say what to write instead).
    mutating func stringList(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> [(String, SourceLocation)]? {
        guard let node else { return nil }
        guard node.kind == .sequence else {
            diagnostics.append(.error(.wrongType(what(), expected: "a list", found: node), at: node.location))
            return nil
        }
        return node.items.compactMap { item in string(item, what()).map { ($0, item.location) } }
    }

    /// `5s`, `500ms`, `1m30s`, `2h`, or a bare number of seconds.
    mutating func duration(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> Duration? {
        guard let node else { return nil }
        if let seconds = node.double, seconds >= 0, seconds.isFinite { return .milliseconds(Int64(seconds * 1000)) }
        guard let text = string(node, what()) else { return nil }
        guard let value = Self.parseDuration(text) else {
            diagnostics.append(.error(.invalidDuration(text, field: what()), at: node.location))
            return nil
        }
        return value
    }

    static func parseDuration(_ text: String) -> Duration? {
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
        return .milliseconds(Int64((total * 1000).rounded()))
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
