import AppModel
import YAMLSource

/// Decodes a large manifest cut by `YAMLSplit`: each part is parsed and its resources decoded in
/// a job of its own (`ManifestDecoder.decodeFirstPart`, `decodePart`), and the parts are joined
/// in order, giving the same manifest and diagnostics as `ManifestDecoder.decode` on the whole file.
enum SplitDecoder {
    /// Nil when the parts do not join into the file (`YAMLSplit.aliasesFit`, `repeatsKeys`), when
    /// any part has a YAML error, or when the split mapping is not `resources:`; the caller then
    /// decodes the file whole, which also reports those problems the usual way.
    static func decode(
        _ split: YAMLSplit, directory: String, defaultName: String, environment: [String: String], runner: ConcurrentRunner
    ) -> (Manifest?, [Diagnostic])? {
        let interpolation = HostInterpolation(environment: environment)
        let decoded = JobResults<Part>(count: split.count)
        runner(split.count) { index in
            if let part = decodePart(split, index, interpolation: interpolation, defaultName: defaultName) {
                decoded.set(index, part)
            }
        }
        var parts = (0..<split.count).compactMap { decoded.take($0) }  // taken: their arrays stay unique
        let facts = parts.map(\.facts)
        guard parts.count == split.count, split.aliasesFit(facts), let name = parts[0].name else { return nil }
        guard let (resources, nameHashes) = join(&parts, facts: facts, of: split, runner: runner) else { return nil }
        var undecoded = parts[0].undecoded
        var diagnostics = parts[0].diagnostics
        for part in parts.dropFirst() {
            undecoded.formUnion(part.undecoded)
            diagnostics += part.diagnostics
        }
        var manifest = Manifest(name: name, file: split.file, directory: directory, resources: resources, nameHashes: nameHashes)
        manifest.undecodedNames = undecoded
        return (manifest, diagnostics.settledAfterDecoding(for: manifest))
    }

    /// The parts' resources in one array, with their names' hashes (for `Manifest`'s name index),
    /// or nil when a key of the split mapping repeats across parts (`YAMLSplit.repeatsKeys`). A
    /// job per part checks its keys, hashes its names and moves its resources to their place: the
    /// move fills megabytes of fresh memory, whose page faults and copying are worth spreading
    /// over the cores. Moved, not copied: copying a resource retains every string and array in
    /// it. The parts keep placeholders.
    private static func join(
        _ parts: inout [Part], facts: [YAMLSplit.Facts], of split: YAMLSplit, runner: ConcurrentRunner
    ) -> (resources: [Resource], nameHashes: [Int])? {
        let sources = JobResults<[Resource]>(count: parts.count)
        var placed: [Range<Int>] = []  // each part's place in the joined array
        var total = 0
        for index in parts.indices {
            placed.append(total..<total + parts[index].resources.count)
            total += parts[index].resources.count
            sources.set(index, parts[index].resources)
            parts[index].resources = []  // the slot now holds the only reference
        }
        let ranges = placed
        let repeats = JobResults<Bool>(count: parts.count)
        let moved = JobResults<Bool>(count: parts.count)
        let hashes = JobResults<[Int]>(count: parts.count)
        let joined = [Resource](unsafeUninitializedCapacity: total) { buffer, initialized in
            let target = JoinTarget(buffer: buffer)
            let move: @Sendable (Int) -> Void = { index in
                var source = sources.take(index) ?? []
                // By position: reading only the name copies no resource.
                hashes.set(index, source.withUnsafeBufferPointer { resources in resources.indices.map { resources[$0].name.hashValue } })
                target.moveIn(&source, to: ranges[index])
                moved.set(index, true)
            }
            runner(parts.count) { index in
                repeats.set(index, split.repeatsKeys(facts, part: index))
                move(index)
            }
            // A runner that skipped a job would leave a hole: such a part is moved here.
            for index in parts.indices where moved.take(index) != true { move(index) }
            initialized = total
        }
        for index in parts.indices {
            // A skipped job's check is done here too.
            if repeats.take(index) ?? split.repeatsKeys(facts, part: index) { return nil }
        }
        var nameHashes: [Int] = []
        nameHashes.reserveCapacity(total)
        for index in parts.indices { nameHashes += hashes.take(index) ?? [] }
        return (joined, nameHashes)
    }

    /// Where `join` moves resources, shared by its jobs; each writes its own range only.
    private struct JoinTarget: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Resource>

        /// Moves `source`'s resources into `range`, leaving placeholders in `source`. The range
        /// ends up initialized whatever happens: placeholders fill any part `source` cannot.
        func moveIn(_ source: inout [Resource], to range: Range<Int>) {
            let placeholder = Resource(name: "", location: SourceLocation(file: "", line: 0, column: 0), kind: .parameter(Parameter()))
            guard let to = buffer.baseAddress, range.upperBound <= buffer.count else { return }
            let moved = source.withUnsafeMutableBufferPointer { from -> Int in
                guard let base = from.baseAddress else { return 0 }
                let count = min(from.count, range.count)
                (to + range.lowerBound).moveInitialize(from: base, count: count)
                base.initialize(repeating: placeholder, count: count)
                return count
            }
            (to + range.lowerBound + moved).initialize(repeating: placeholder, count: range.count - moved)
        }
    }

    /// One decoded part, with what joining needs to know of it.
    private struct Part: Sendable {
        var facts: YAMLSplit.Facts
        var decoded: ManifestDecoder.Part

        var name: String? { decoded.name }
        var resources: [Resource] {
            get { decoded.resources }
            set { decoded.resources = newValue }
        }
        var undecoded: Set<String> { decoded.undecoded }
        var diagnostics: [Diagnostic] { decoded.diagnostics }
    }

    /// Parses and decodes part `index`; nil when it cannot be joined (an error, another shape).
    private static func decodePart(_ split: YAMLSplit, _ index: Int, interpolation: HostInterpolation, defaultName: String) -> Part? {
        let document = split.parse(index)
        guard let (key, entries) = split.entries(of: document, part: index) else { return nil }
        let facts = split.facts(of: document, entries: entries)
        if index == 0 {
            guard let key, key.scalarEquals("resources"), key.style == .plain,
                let head = ManifestDecoder.decodeFirstPart(document, interpolation: interpolation, defaultName: defaultName)
            else { return nil }
            return Part(facts: facts, decoded: head)
        }
        return Part(facts: facts, decoded: ManifestDecoder.decodePart(entries: entries, file: document.file, interpolation: interpolation))
    }
}
