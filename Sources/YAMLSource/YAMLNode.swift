internal import CYAMLShim

/// A view of one node of a `YAMLDocument`: kind, location, and its scalar value or children.
///
/// Cheap to copy (a document reference and an index). Scalars resolve plain `null`, booleans and
/// numbers by the YAML 1.2 core schema when asked, never implicitly.
package struct YAMLNode: Sendable {
    package enum Kind: Sendable, Hashable {
        case scalar, sequence, mapping
    }

    package enum ScalarStyle: Sendable, Hashable {
        case plain, singleQuoted, doubleQuoted, literal, folded, block, flow
    }

    let document: YAMLDocument
    let index: Int

    private var raw: aspire_yaml_node { document.storage.nodes[index] }

    package var kind: Kind {
        switch raw.kind {
        case Int32(ASPIRE_YAML_SEQUENCE.rawValue): .sequence
        case Int32(ASPIRE_YAML_MAPPING.rawValue): .mapping
        default: .scalar
        }
    }

    package var style: ScalarStyle {
        switch raw.style {
        case 1: .singleQuoted
        case 2: .doubleQuoted
        case 3: .literal
        case 4: .folded
        case 5: .block
        case 6: .flow
        default: .plain
        }
    }

    /// Where the node starts.
    package var location: SourceLocation {
        SourceLocation(file: document.file, line: Int(raw.start_line), column: Int(raw.start_column))
    }

    /// Where the node ends.
    package var endLocation: SourceLocation {
        SourceLocation(file: document.file, line: Int(raw.end_line), column: Int(raw.end_column))
    }

    /// The explicit tag, resolved (`tag:yaml.org,2002:str` for `!!str`), or nil.
    package var tag: String? {
        let node = raw
        guard node.tag_offset >= 0 else { return nil }
        return document.storage.string(offset: UInt32(node.tag_offset), length: node.tag_length)
    }

    /// The scalar's text, or nil for a collection.
    package var scalar: String? {
        let node = raw
        guard node.kind == Int32(ASPIRE_YAML_SCALAR.rawValue) else { return nil }
        return document.storage.string(offset: node.value_offset, length: node.value_length)
    }

    /// A plain scalar `null`, `Null`, `NULL`, `~` or empty, without a tag.
    package var isNull: Bool {
        let node = raw
        guard node.kind == Int32(ASPIRE_YAML_SCALAR.rawValue), node.style == 0, node.tag_offset < 0 else {
            return false
        }
        if node.value_length == 0 { return true }
        let storage = document.storage
        return ["null", "Null", "NULL", "~"].contains {
            storage.bytesEqual(offset: node.value_offset, length: node.value_length, $0)
        }
    }

    /// True when a plain scalar would resolve to a string, i.e. was quoted, tagged `!!str`, or
    /// is neither null, bool nor number.
    package var isQuotedOrTaggedString: Bool {
        style != .plain || tag == "tag:yaml.org,2002:str"
    }

    /// A plain `true`/`false` (YAML 1.2 core: also `True`, `TRUE`, ...).
    package var bool: Bool? {
        guard kind == .scalar, !isQuotedOrTaggedString, let text = scalar else { return nil }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// A plain integer (decimal, `0x` hex, `0o` octal; optional sign).
    package var int: Int? {
        guard kind == .scalar, !isQuotedOrTaggedString, let text = scalar else { return nil }
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        return Int(text)
    }

    /// A plain number (int or float per the YAML 1.2 core schema).
    package var double: Double? {
        guard kind == .scalar, !isQuotedOrTaggedString, let text = scalar else { return nil }
        if let int { return Double(int) }
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard text.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true else { return nil }
        return Double(text)
    }

    /// Items of a sequence (empty for other kinds).
    package var items: [YAMLNode] {
        let node = raw
        guard node.kind == Int32(ASPIRE_YAML_SEQUENCE.rawValue) else { return [] }
        return childIndices(node).map { YAMLNode(document: document, index: $0) }
    }

    /// Key/value pairs of a mapping in file order (empty for other kinds).
    package var pairs: [(key: YAMLNode, value: YAMLNode)] {
        let node = raw
        guard node.kind == Int32(ASPIRE_YAML_MAPPING.rawValue) else { return [] }
        let indices = childIndices(node)
        var result: [(key: YAMLNode, value: YAMLNode)] = []
        result.reserveCapacity(indices.count / 2)
        var i = 0
        while i + 1 < indices.count {
            result.append((YAMLNode(document: document, index: indices[i]), YAMLNode(document: document, index: indices[i + 1])))
            i += 2
        }
        return result
    }

    /// Number of items (sequence) or pairs (mapping); 0 for scalars.
    package var count: Int {
        let node = raw
        switch node.kind {
        case Int32(ASPIRE_YAML_SEQUENCE.rawValue): return Int(node.child_count)
        case Int32(ASPIRE_YAML_MAPPING.rawValue): return Int(node.child_count) / 2
        default: return 0
        }
    }

    /// The value for a scalar key in a mapping, or nil.
    package subscript(key: String) -> YAMLNode? {
        let node = raw
        guard node.kind == Int32(ASPIRE_YAML_MAPPING.rawValue) else { return nil }
        let indices = childIndices(node)
        let storage = document.storage
        var i = 0
        while i + 1 < indices.count {
            let keyNode = storage.nodes[indices[i]]
            if keyNode.kind == Int32(ASPIRE_YAML_SCALAR.rawValue),
                storage.bytesEqual(offset: keyNode.value_offset, length: keyNode.value_length, key)
            {
                return YAMLNode(document: document, index: indices[i + 1])
            }
            i += 2
        }
        return nil
    }

    private func childIndices(_ node: aspire_yaml_node) -> [Int] {
        let children = document.storage.children
        let start = Int(node.first_child)
        let end = start + Int(node.child_count)
        guard end <= children.count else { return [] }
        return (start..<end).compactMap { position in
            let child = Int(children[position])
            return child < document.storage.nodes.count ? child : nil
        }
    }
}
