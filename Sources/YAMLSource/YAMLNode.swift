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

    /// The document's arrays: one reference per view (not the whole `YAMLDocument`), so copying
    /// a node costs one retain.
    let storage: YAMLDocument.Storage
    let index: Int

    init(storage: YAMLDocument.Storage, index: Int) {
        self.storage = storage
        self.index = index
    }

    private var raw: aspire_yaml_node { storage.nodes[index] }

    /// The node's position in its document; `sibling(at:)` turns it back into a node. For readers
    /// that remember many nodes of one mapping in a fixed-size table instead of an array of views.
    package var position: Int32 { Int32(truncatingIfNeeded: index) }

    /// The node at `position` (from `position`) in this node's document.
    package func sibling(at position: Int32) -> YAMLNode {
        YAMLNode(storage: storage, index: Int(position))
    }

    private static let scalarKind = Int32(ASPIRE_YAML_SCALAR.rawValue)
    private static let sequenceKind = Int32(ASPIRE_YAML_SEQUENCE.rawValue)
    private static let mappingKind = Int32(ASPIRE_YAML_MAPPING.rawValue)

    package var kind: Kind {
        switch raw.kind {
        case Self.sequenceKind: .sequence
        case Self.mappingKind: .mapping
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
        SourceLocation(file: storage.file, line: Int(raw.start_line), column: Int(raw.start_column))
    }

    /// Where the node ends.
    package var endLocation: SourceLocation {
        SourceLocation(file: storage.file, line: Int(raw.end_line), column: Int(raw.end_column))
    }

    /// The explicit tag, resolved (`tag:yaml.org,2002:str` for `!!str`), or nil.
    package var tag: String? {
        let node = raw
        guard node.tag_offset >= 0 else { return nil }
        return storage.string(offset: UInt32(node.tag_offset), length: node.tag_length)
    }

    /// The scalar's text, or nil for a collection.
    package var scalar: String? {
        let node = raw
        guard node.kind == Self.scalarKind else { return nil }
        return storage.string(offset: node.value_offset, length: node.value_length)
    }

    /// A plain scalar `null`, `Null`, `NULL`, `~` or empty, without a tag.
    package var isNull: Bool {
        let node = raw
        guard node.kind == Self.scalarKind, node.style == 0, node.tag_offset < 0 else {
            return false
        }
        let (offset, length) = (node.value_offset, node.value_length)
        switch length {
        case 0: return true
        case 1: return storage.bytesEqual(offset: offset, length: length, "~" as StaticString)
        case 4:
            return storage.bytesEqual(offset: offset, length: length, "null" as StaticString)
                || storage.bytesEqual(offset: offset, length: length, "Null" as StaticString)
                || storage.bytesEqual(offset: offset, length: length, "NULL" as StaticString)
        default: return false
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
    package var items: [YAMLNode] { Array(itemView) }

    /// Key/value pairs of a mapping in file order (empty for other kinds).
    package var pairs: [(key: YAMLNode, value: YAMLNode)] { Array(pairView) }

    /// Items of a sequence as a view over the document's arrays (no array is allocated).
    package var itemView: Items {
        let node = raw
        guard node.kind == Self.sequenceKind else { return Items(storage: storage, start: 0, count: 0) }
        let range = childRange(node)
        return Items(storage: storage, start: range.lowerBound, count: range.count)
    }

    /// Key/value pairs of a mapping in file order, as a view (no array is allocated).
    package var pairView: Pairs {
        let node = raw
        guard node.kind == Self.mappingKind else { return Pairs(storage: storage, start: 0, count: 0) }
        let range = childRange(node)
        return Pairs(storage: storage, start: range.lowerBound, count: range.count / 2)
    }

    /// Number of items (sequence) or pairs (mapping); 0 for scalars.
    package var count: Int {
        let node = raw
        switch node.kind {
        case Self.sequenceKind: return Int(node.child_count)
        case Self.mappingKind: return Int(node.child_count) / 2
        default: return 0
        }
    }

    /// The value for a scalar key in a mapping, or nil (the first such key when it repeats).
    package subscript(key: String) -> YAMLNode? {
        guard let position = pairView.firstIndex(whereKeyIs: key) else { return nil }
        return pairView[position].value
    }

    /// True when this is a scalar whose text is exactly `text` (compared as bytes, no `String` made).
    package func scalarEquals(_ text: StaticString) -> Bool {
        let node = raw
        return node.kind == Self.scalarKind && storage.bytesEqual(offset: node.value_offset, length: node.value_length, text)
    }

    /// True when this is a scalar whose text is exactly `text` (compared as bytes, no `String` made).
    package func scalarEquals(_ text: String) -> Bool {
        let node = raw
        return node.kind == Self.scalarKind && storage.bytesEqual(offset: node.value_offset, length: node.value_length, text)
    }

    /// True when this and `other` (of the same document) are scalars with the same text.
    package func scalarEquals(_ other: YAMLNode) -> Bool {
        let (node, otherNode) = (raw, other.raw)
        guard node.kind == Self.scalarKind, otherNode.kind == Self.scalarKind else { return false }
        guard storage === other.storage else { return scalar == other.scalar }
        return storage.bytesEqual(offset: node.value_offset, length: node.value_length, offset: otherNode.value_offset, length: otherNode.value_length)
    }

    /// The byte length of a scalar's text, or nil for a collection.
    package var scalarByteCount: Int? {
        let node = raw
        return node.kind == Self.scalarKind ? Int(node.value_length) : nil
    }

    /// True when this is a scalar whose text starts with the ASCII byte `first` and then `rest`.
    package func scalarHasPrefix(_ prefix: StaticString) -> Bool {
        let node = raw
        guard node.kind == Self.scalarKind, node.value_length >= prefix.utf8CodeUnitCount else { return false }
        return storage.bytesEqual(offset: node.value_offset, length: UInt32(prefix.utf8CodeUnitCount), prefix)
    }

    /// True when this is a mapping with a YAML merge key: a plain scalar `<<` key (read by the
    /// shim, so asking costs no look at the keys).
    package var hasMergeKey: Bool {
        let node = raw
        return node.kind == Self.mappingKind && node.value_length & ASPIRE_YAML_FLAG_MERGE_KEY.rawValue != 0
    }

    /// True when this collection, or one inside it (aliases followed), has a merge key.
    package var containsMergeKey: Bool {
        let node = raw
        return node.kind != Self.scalarKind && node.value_length & ASPIRE_YAML_FLAG_CONTAINS_MERGE_KEY.rawValue != 0
    }

    /// The children range, clamped to the arrays (a partial tree after an error stays in bounds).
    private func childRange(_ node: aspire_yaml_node) -> Range<Int> {
        let start = Int(node.first_child)
        let end = start + Int(node.child_count)
        guard end <= storage.children.count else { return 0..<0 }
        return start..<end
    }
}

extension YAMLNode {
    /// A sequence's items, read in place.
    package struct Items: RandomAccessCollection, Sendable {
        let storage: YAMLDocument.Storage
        let start: Int
        package let count: Int

        package var startIndex: Int { 0 }
        package var endIndex: Int { count }

        package subscript(position: Int) -> YAMLNode {
            precondition(position >= 0 && position < count, "item index out of range")
            return YAMLNode(storage: storage, index: storage.child(at: start + position))
        }
    }

    /// A mapping's key/value pairs, read in place.
    package struct Pairs: RandomAccessCollection, Sendable {
        let storage: YAMLDocument.Storage
        let start: Int
        package let count: Int

        package var startIndex: Int { 0 }
        package var endIndex: Int { count }

        package subscript(position: Int) -> (key: YAMLNode, value: YAMLNode) {
            precondition(position >= 0 && position < count, "pair index out of range")
            return (key(at: position), value(at: position))
        }

        /// The key of pair `position`.
        package func key(at position: Int) -> YAMLNode {
            YAMLNode(storage: storage, index: storage.child(at: start + 2 * position))
        }

        /// The value of pair `position`.
        package func value(at position: Int) -> YAMLNode {
            YAMLNode(storage: storage, index: storage.child(at: start + 2 * position + 1))
        }

        /// The first pair whose key is the scalar `key`, compared as bytes.
        package func firstIndex(whereKeyIs text: String) -> Int? {
            for position in 0..<count where key(at: position).scalarEquals(text) { return position }
            return nil
        }
    }
}
