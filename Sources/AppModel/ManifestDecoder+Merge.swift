import YAMLSource

extension ManifestDecoder {
    /// A mapping brought in by a `<<` merge key from an anchor written elsewhere.
    struct MergeSource {
        /// Where the merged mapping is written.
        var start: SourceLocation
        var end: SourceLocation
        /// Its `<<` key: the place of use.
        var use: SourceLocation

        /// True when a problem at `location` is in this mapping and is to be reported at its use.
        func contains(_ location: SourceLocation) -> Bool {
            start <= location && location < end && location < use
        }
    }

    /// Reports the `<<` keys of `node` whose value is no mapping and no list of mappings.
    mutating func reportInvalidMerges(in node: YAMLNode) {
        guard node.hasMergeKey else { return }
        for merge in node.invalidMerges {
            reader.diagnostics.append(.error(.wrongType("<<", expected: "a mapping or a list of mappings to merge", found: merge.value), at: merge.location))
        }
    }

    /// Runs `body`, which decodes `node`; a problem it reports in a mapping that a merge key
    /// brought in from an anchor is moved to that `<<` key (the place of use), with a note where
    /// the value is written. A value merged through several levels moves up each of them.
    /// - Parameter deep: Whether to look for merge keys below `node` too, or only in `node`.
    mutating func reportingMergedValuesAtUse<T>(_ node: YAMLNode, deep: Bool = true, _ body: (inout ManifestDecoder) -> T) -> T {
        guard deep ? node.containsMergeKey : node.hasMergeKey else { return body(&self) }
        let first = reader.diagnostics.count
        let result = body(&self)
        // Problems are rare: the merges are looked at only when there is one.
        guard reader.diagnostics.count > first else { return result }
        var sources: [MergeSource] = []
        Self.collectMergeSources(in: node, deep: deep, into: &sources)
        guard !sources.isEmpty else { return result }
        for index in first..<reader.diagnostics.count {
            var diagnostic = reader.diagnostics[index]
            var moves = 0
            while moves <= sources.count, let location = diagnostic.location, let source = sources.first(where: { $0.contains(location) }) {
                diagnostic.notes.append(Diagnostic.Note("written here, and merged in by '<<'", at: location))
                diagnostic.location = source.use
                moves += 1
            }
            reader.diagnostics[index] = diagnostic
        }
        return result
    }

    /// The mappings that `<<` keys in `node` (and, when `deep`, below it) merge from anchors.
    private static func collectMergeSources(in node: YAMLNode, deep: Bool, into sources: inout [MergeSource]) {
        switch node.kind {
        case .mapping:
            for (key, value) in node.pairView {
                if node.hasMergeKey, key.isMergeKey {
                    let merged = value.kind == .sequence ? Array(value.itemView) : [value]
                    // Written before its use: reached through an alias.
                    for source in merged where source.kind == .mapping && source.location < key.location {
                        sources.append(MergeSource(start: source.location, end: source.endLocation, use: key.location))
                    }
                }
                if deep, value.containsMergeKey { collectMergeSources(in: value, deep: true, into: &sources) }
            }
        case .sequence:
            guard deep else { return }
            for item in node.itemView where item.containsMergeKey { collectMergeSources(in: item, deep: true, into: &sources) }
        case .scalar:
            break
        }
    }
}
