internal import CYAMLShim

/// A large YAML file cut into parts that parse on their own, so that several cores can share it.
///
/// The cuts fall between the entries of the block mapping that ends the file (a manifest's
/// `resources:`), chosen from the text alone by `aspire_yaml_plan_split`. Whether the parts
/// really are the file is known only once they are parsed: `aliasesFit(_:)` and
/// `repeatsKeys(_:part:)` check that, and a caller that fails either parses the file whole. Part 0 holds the top-level keys and the first
/// entries; every other part's root is a mapping of further entries.
package struct YAMLSplit: Sendable {
    /// The path used in locations (as the user typed it).
    package let file: String
    private let bytes: [UInt8]
    private let parts: [aspire_yaml_part]
    /// The 1-based column the split mapping's keys start at.
    private let keyColumn: Int

    /// Plans the cuts; nil when the file should be parsed whole (too small, or not shaped so).
    /// - Parameters:
    ///   - maxParts: At most this many parts (a couple per core).
    ///   - minPartBytes: No part smaller than this (below it a thread costs more than it saves).
    package init?(bytes: [UInt8], file: String, maxParts: Int, minPartBytes: Int) {
        guard maxParts >= 2 else { return nil }
        var planned = [aspire_yaml_part](repeating: aspire_yaml_part(), count: maxParts)
        var column: UInt32 = 0
        let count = bytes.withUnsafeBytes { buffer in
            planned.withUnsafeMutableBufferPointer { parts in
                guard let out = parts.baseAddress else { return 1 }
                return aspire_yaml_plan_split(
                    buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count, nil, maxParts, max(1, minPartBytes),
                    out, &column)
            }
        }
        guard count >= 2 else { return nil }
        self.file = file
        self.bytes = bytes
        self.parts = Array(planned.prefix(count))
        self.keyColumn = Int(column)
    }

    /// How many parts there are (at least two).
    package var count: Int { parts.count }

    /// Parses part `index`; parts may be parsed at the same time on different threads.
    package func parse(_ index: Int) -> YAMLDocument {
        let start = Int(parts[index].offset)
        let end = index + 1 < parts.count ? Int(parts[index + 1].offset) : bytes.count
        let placement = aspire_yaml_placement(first_line: parts[index].first_line, outer_depth: parts[index].outer_depth)
        return bytes.withUnsafeBytes { buffer in
            YAMLDocument(part: UnsafeRawBufferPointer(rebasing: buffer[start..<end]), file: file, placement: placement)
        }
    }

    /// The split mapping's entries in a parsed part: in part 0, the mapping under its last
    /// top-level key (with that key); in the others, the root. Nil when the part is not shaped so
    /// (then the parts do not join). A merge key among the entries (`<<: {…}`) merges into the whole
    /// mapping, not into one part: such a file does not join either.
    package func entries(of document: YAMLDocument, part index: Int) -> (key: YAMLNode?, mapping: YAMLNode)? {
        guard document.errors.isEmpty, let root = document.root, root.kind == .mapping, root.style == .block else { return nil }
        if index > 0 {
            return root.location.column == keyColumn && !root.hasMergeKey ? (nil, root) : nil
        }
        guard let last = root.pairView.last, last.key.kind == .scalar, last.value.kind == .mapping, last.value.style == .block,
            last.value.location.column == keyColumn, !last.value.hasMergeKey
        else { return nil }
        return (last.key, last.value)
    }

    /// What joining needs from a parsed part, taken where the part was parsed (so the document
    /// can be freed there): the split mapping's scalar keys and the aliases' expansion.
    package struct Facts: Sendable {
        let keys: Set<String>
        let aliasExpansion: UInt64
    }

    /// The facts of a part, from its document and its `entries(of:part:)` mapping.
    package func facts(of document: YAMLDocument, entries mapping: YAMLNode) -> Facts {
        var keys = Set<String>(minimumCapacity: mapping.count)
        for key in mapping.pairView.lazy.map(\.key) where key.kind == .scalar {
            // A repeat within one part is already a parse error.
            keys.insert(key.scalar ?? "")
        }
        return Facts(keys: keys, aliasExpansion: document.aliasExpansion)
    }

    /// True when there is a fact for every part and the parts' aliases together stay within the
    /// budget the whole file would have had. With `repeatsKeys` false for every part, the parts
    /// are exactly the whole file.
    package func aliasesFit(_ facts: [Facts]) -> Bool {
        guard facts.count == parts.count else { return false }
        var aliases: UInt64 = 0
        for part in facts {
            let (sum, overflow) = aliases.addingReportingOverflow(part.aliasExpansion)
            guard !overflow else { return false }
            aliases = sum
        }
        return aliases <= UInt64(ASPIRE_YAML_DEFAULT_MAX_ALIAS_EXPANSION)
    }

    /// True when a key of the split mapping in part `index` is also a key in an earlier part.
    /// Each part is checked on its own, so the parts can be checked at once. Keys are compared as
    /// text: canonically equal spellings count as a repeat, which only sends the file down the
    /// whole-file path.
    package func repeatsKeys(_ facts: [Facts], part index: Int) -> Bool {
        facts[..<index].contains { !facts[index].keys.isDisjoint(with: $0.keys) }
    }
}
