import YAMLSource

/// Reading JSON values off the node tree, with a diagnostic for each wrong type. Unknown keys are
/// warnings here (newer Aspire versions add fields), not errors as in apphost.yaml.
extension AspireManifestDecoder {
    /// The keys of an object; unknown ones draw a warning. Nil (and an error) when `node` is not an object.
    mutating func object(_ node: YAMLNode, what: String, known: [String]) -> [String: YAMLNode]? {
        guard node.kind == .mapping else {
            diagnostics.append(.error(.wrongType(what, expected: "an object", found: node), at: node.location))
            return nil
        }
        var result: [String: YAMLNode] = [:]
        for (key, value) in node.pairs {
            guard key.kind == .scalar, let name = key.scalar else {
                diagnostics.append(.error(.nonScalarKey(in: what), at: key.location))
                continue
            }
            guard known.contains(name) else {
                diagnostics.append(.warning(.unknownManifestKey(name, in: what, suggestion: DidYouMean.suggestion(for: name, in: known)), at: key.location))
                continue
            }
            if result[name] == nil { result[name] = value }
        }
        return result
    }

    /// Warns once per present field that aspire reads but cannot honour.
    mutating func ignore(_ fields: [String: YAMLNode], _ names: [String], in what: String, reason: String) {
        for name in names {
            guard let node = fields[name] else { continue }
            diagnostics.append(.warning(.ignoredManifestField(name, in: what, reason: reason), at: node.location))
        }
    }

    /// A scalar's text (numbers and booleans as written).
    mutating func string(_ node: YAMLNode?, _ what: String) -> String? {
        guard let node else { return nil }
        guard node.kind == .scalar, !node.isNull, let text = node.scalar else {
            diagnostics.append(.error(.wrongType(what, expected: "a string", found: node), at: node.location))
            return nil
        }
        return text
    }

    /// A string with where it is, for templates.
    mutating func rawString(_ node: YAMLNode, path: String, what: String) -> RawString? {
        string(node, what).map { RawString(text: $0, node: node, path: path) }
    }

    /// A JSON number with no fraction (`8080`, `8080.0`).
    mutating func int(_ node: YAMLNode?, _ what: String) -> Int? {
        guard let node else { return nil }
        if let value = node.int { return value }
        if let value = node.double, value.rounded() == value, abs(value) < 1e15 { return Int(value) }
        diagnostics.append(.error(.wrongType(what, expected: "an integer", found: node), at: node.location))
        return nil
    }

    mutating func bool(_ node: YAMLNode?, _ what: String) -> Bool? {
        guard let node else { return nil }
        if let value = node.bool { return value }
        diagnostics.append(.error(.wrongType(what, expected: "true or false", found: node), at: node.location))
        return nil
    }

    /// A list of objects, each read by `read` (nil items are dropped; their errors are reported).
    mutating func readList<T>(
        _ node: YAMLNode?, _ what: String, known: [String], _ read: (inout Self, [String: YAMLNode]) -> T?
    ) -> [T] {
        guard let node else { return [] }
        guard node.kind == .sequence else {
            diagnostics.append(.error(.wrongType(what, expected: "a list", found: node), at: node.location))
            return []
        }
        var result: [T] = []
        for item in node.items {
            guard let fields = object(item, what: what, known: known) else { continue }
            if let value = read(&self, fields) { result.append(value) }
        }
        return result
    }
}
