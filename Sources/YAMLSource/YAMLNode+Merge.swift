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
    package var mergedPairs: [MergedPair] {
        var result: [MergedPair] = []
        var invalid: [InvalidMerge] = []
        collectMergedPairs(into: &result, invalid: &invalid)
        return result
    }

    /// The `<<` keys of this mapping (not of merged ones) whose value cannot be merged.
    package var invalidMerges: [InvalidMerge] {
        guard hasMergeKey else { return [] }
        var result: [InvalidMerge] = []
        var pairs: [MergedPair] = []
        collectMergedPairs(into: &pairs, invalid: &result)
        return result
    }

    /// The value for `key` after merge keys are applied.
    package func mergedValue(forKey key: String) -> YAMLNode? {
        if let value = self[key] { return value }
        guard hasMergeKey else { return nil }
        return mergedPairs.first { $0.key.scalarEquals(key) }?.value
    }

    /// True for the key of a merge: the plain scalar `<<`.
    package var isMergeKey: Bool {
        kind == .scalar && style == .plain && scalarEquals("<<" as StaticString)
    }

    /// The mappings a `<<` value merges, in priority order, or nil when it cannot be merged
    /// (with the offending node).
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

    private func collectMergedPairs(into result: inout [MergedPair], invalid: inout [InvalidMerge]) {
        guard hasMergeKey else {
            result.reserveCapacity(count)
            for (key, value) in pairView { result.append(MergedPair(key: key, value: value, mergeKey: nil)) }
            return
        }
        // Keys written here win over merged ones wherever they stand.
        var taken = Set<String>()
        for (key, _) in pairView where key.kind == .scalar && !key.isMergeKey {
            taken.insert(key.scalar ?? "")
        }
        for (key, value) in pairView {
            guard key.isMergeKey else {
                result.append(MergedPair(key: key, value: value, mergeKey: nil))
                continue
            }
            switch Self.sources(of: value) {
            case .failure(let problem):
                invalid.append(InvalidMerge(key: key, value: problem.node))
            case .success(let sources):
                for source in sources {
                    // A merged mapping's own merges are applied first (the DAG of aliases has no
                    // cycle, and the alias budget bounds how much this can expand).
                    for pair in source.mergedPairs {
                        if pair.key.kind == .scalar {
                            guard taken.insert(pair.key.scalar ?? "").inserted else { continue }
                        }
                        result.append(MergedPair(key: pair.key, value: pair.value, mergeKey: key))
                    }
                }
            }
        }
    }
}

extension YAMLNode {
    /// A mapping's pairs with merge keys applied, read in place when it has none.
    package struct MergedPairView: RandomAccessCollection, Sendable {
        private enum Storage: Sendable {
            case written(Pairs)
            case merged([MergedPair])
        }

        private let storage: Storage

        fileprivate init(_ node: YAMLNode) {
            storage = node.hasMergeKey ? .merged(node.mergedPairs) : .written(node.pairView)
        }

        package var startIndex: Int { 0 }
        package var endIndex: Int {
            switch storage {
            case .written(let pairs): pairs.count
            case .merged(let pairs): pairs.count
            }
        }

        package subscript(position: Int) -> (key: YAMLNode, value: YAMLNode) {
            switch storage {
            case .written(let pairs): return pairs[position]
            case .merged(let pairs): return (pairs[position].key, pairs[position].value)
            }
        }
    }

    /// The pairs of a mapping with its merge keys applied (`mergedPairs`), without an array when
    /// it has no merge key.
    package var mergedPairView: MergedPairView { MergedPairView(self) }
}
