/// YAML merge keys (`<<: *defaults`, `<<: [*a, *b]`), as compose files write them
/// (https://yaml.org/type/merge.html).
extension YAMLNode {
    /// One key/value pair of a mapping with its merge keys applied.
    package struct MergedPair: Sendable {
        package var key: YAMLNode
        package var value: YAMLNode
        /// The `<<` key of the mapping that brought this pair in; nil for a pair written in it.
        package var mergeKey: YAMLNode?
    }

    /// A `<<` whose value is neither a mapping nor a list of mappings (nothing of it is merged).
    package struct InvalidMerge: Sendable {
        /// The `<<` key.
        package var key: YAMLNode
        /// What it holds (for a list, the first item that is no mapping).
        package var value: YAMLNode

        /// Where to report it: the value when it is written after its key, else (an alias to an
        /// anchor written earlier) the `<<` key, the place of use.
        package var location: SourceLocation {
            value.location > key.location ? value.location : key.location
        }
    }

    /// The pairs of this mapping with its merge keys applied: the pairs written in it, in order,
    /// with each `<<` pair replaced by the pairs it merges in. A key written in the mapping wins
    /// over a merged one wherever it stands; among merged mappings (`<<: [*a, *b]`, or two
    /// levels), the first to bring a key wins; a merged mapping's own merge keys count as its
    /// pairs. A mapping without a merge key gives its pairs unchanged (`pairView` is cheaper).
    /// A `<<` that cannot be merged (`invalidMerges`) brings nothing.
    package var mergedPairs: [MergedPair] {
        guard hasMergeKey else {
            return pairView.map { MergedPair(key: $0.key, value: $0.value, mergeKey: nil) }
        }
        // Keys written here win over merged ones wherever they stand.
        var taken = KeySet()
        for (key, _) in pairView where !key.isMergeKey { _ = taken.insert(key) }
        var result: [MergedPair] = []
        result.reserveCapacity(count)
        for (key, value) in pairView {
            guard key.isMergeKey else {
                result.append(MergedPair(key: key, value: value, mergeKey: nil))
                continue
            }
            func merge(_ source: YAMLNode) {
                guard source.hasMergeKey else {
                    for (mergedKey, mergedValue) in source.pairView where taken.insert(mergedKey) {
                        result.append(MergedPair(key: mergedKey, value: mergedValue, mergeKey: key))
                    }
                    return
                }
                // A merged mapping's own merges are applied first (aliases make a DAG, so this
                // ends, and the alias budget bounds how much it can expand).
                for pair in source.mergedPairs where taken.insert(pair.key) {
                    result.append(MergedPair(key: pair.key, value: pair.value, mergeKey: key))
                }
            }
            if value.kind == .mapping {
                merge(value)
            } else if case .success(let sources) = Self.sources(of: value) {
                for source in sources { merge(source) }
            }
        }
        return result
    }

    /// The scalar keys a merge has placed so far, compared as bytes while few, then as text.
    private struct KeySet {
        private var nodes: [YAMLNode] = []
        private var texts: Set<String>?

        /// Adds a scalar key; false when it is there already. Other keys are never equal.
        mutating func insert(_ key: YAMLNode) -> Bool {
            guard key.kind == .scalar else { return true }
            if texts == nil, nodes.count < 16 {
                if nodes.contains(where: { $0.scalarEquals(key) }) { return false }
                nodes.append(key)
                return true
            }
            var set = texts ?? Set(nodes.map { $0.scalar ?? "" })
            texts = nil
            let inserted = set.insert(key.scalar ?? "").inserted
            texts = set
            return inserted
        }
    }

    /// The `<<` keys of this mapping (not of merged ones) whose value cannot be merged.
    package var invalidMerges: [InvalidMerge] {
        guard hasMergeKey else { return [] }
        var result: [InvalidMerge] = []
        for (key, value) in pairView where key.isMergeKey {
            if case .failure(let problem) = Self.sources(of: value) { result.append(InvalidMerge(key: key, value: problem.node)) }
        }
        return result
    }

    /// The value for `key` after merge keys are applied.
    package func mergedValue(forKey key: String) -> YAMLNode? {
        if let value = self[key] { return value }
        guard hasMergeKey else { return nil }
        for (mergeKey, value) in pairView where mergeKey.isMergeKey {
            guard case .success(let sources) = Self.sources(of: value) else { continue }
            for source in sources {
                if let found = source.mergedValue(forKey: key) { return found }
            }
        }
        return nil
    }

    /// True for the key of a merge: the plain scalar `<<`.
    package var isMergeKey: Bool {
        kind == .scalar && style == .plain && scalarEquals("<<" as StaticString)
    }

    /// The mappings a `<<` value merges, in priority order, or the node that cannot be merged.
    private static func sources(of value: YAMLNode) -> Result<[YAMLNode], NotMergeable> {
        switch value.kind {
        case .mapping: return .success([value])
        case .sequence:
            if let bad = value.itemView.first(where: { $0.kind != .mapping }) { return .failure(NotMergeable(node: bad)) }
            return .success(Array(value.itemView))
        case .scalar: return .failure(NotMergeable(node: value))
        }
    }

    private struct NotMergeable: Error {
        var node: YAMLNode
    }
}

extension YAMLNode {
    /// A mapping's pairs with merge keys applied, read in place when it has none.
    ///
    /// A sequence with its own iterator, not a collection: iterating a collection goes through
    /// its subscript's read coroutine, whose frame for this two-way view is heap-allocated.
    package struct MergedPairView: Sequence, Sendable {
        private let pairs: Pairs
        private let merged: [MergedPair]?

        fileprivate init(_ node: YAMLNode) {
            pairs = node.pairView
            merged = node.hasMergeKey ? node.mergedPairs : nil
        }

        package func makeIterator() -> Iterator {
            Iterator(pairs: pairs, merged: merged)
        }

        package var underestimatedCount: Int { merged?.count ?? pairs.count }

        package struct Iterator: IteratorProtocol {
            fileprivate let pairs: Pairs
            fileprivate let merged: [MergedPair]?
            private var position = 0

            fileprivate init(pairs: Pairs, merged: [MergedPair]?) {
                self.pairs = pairs
                self.merged = merged
            }

            package mutating func next() -> (key: YAMLNode, value: YAMLNode)? {
                defer { position += 1 }
                if let merged {
                    guard position < merged.count else { return nil }
                    return (merged[position].key, merged[position].value)
                }
                guard position < pairs.count else { return nil }
                return (pairs.key(at: position), pairs.value(at: position))
            }
        }
    }

    /// The pairs of a mapping with its merge keys applied (`mergedPairs`), without an array when
    /// it has no merge key.
    package var mergedPairView: MergedPairView { MergedPairView(self) }
}
