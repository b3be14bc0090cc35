package import YAMLSource

extension ManifestDecoder {
    /// Decodes a large manifest cut by `YAMLSplit`: each part is parsed and its resources
    /// decoded in a job of its own, and the parts are joined in order, giving the same manifest
    /// and diagnostics as `decode(_:directory:defaultName:environment:)` on the whole file.
    ///
    /// Returns nil when the parts do not join into the file (`YAMLSplit.joins`), when any part
    /// has a YAML error, or when the split mapping is not `resources:`; the caller then decodes
    /// the file whole, which also reports those problems the usual way.
    package static func decode(
        _ split: YAMLSplit, directory: String, defaultName: String, environment: [String: String], runner: ConcurrentRunner
    ) -> (Manifest?, [Diagnostic])? {
        let interpolation = HostInterpolation(environment: environment)
        var parts: [Part] = []
        do {
            let decoded = JobResults<Part>(count: split.count)
            runner(split.count) { index in
                if let part = decodePart(split, index, interpolation: interpolation, defaultName: defaultName) {
                    decoded.set(index, part)
                }
            }
            parts = decoded.values.compactMap { $0 }
        }  // the slots go here, so every array in `parts` is uniquely referenced
        guard parts.count == split.count, split.joins(parts.map(\.facts)), let name = parts[0].name else { return nil }
        let resources = Self.moveResources(of: &parts)
        var undecoded = parts[0].undecoded
        var diagnostics = parts[0].diagnostics
        for part in parts.dropFirst() {
            undecoded.formUnion(part.undecoded)
            diagnostics += part.diagnostics
        }
        var manifest = Manifest(name: name, file: split.file, directory: directory, resources: resources)
        manifest.undecodedNames = undecoded
        return (manifest, diagnostics)
    }

    /// The parts' resources in one array, moved rather than copied: a resource is a few hundred
    /// bytes with a dozen references, and copying 20,000 of them (retaining every field, then
    /// releasing the originals) costs more than the join is worth. The parts keep placeholders.
    private static func moveResources(of parts: inout [Part]) -> [Resource] {
        let total = parts.reduce(0) { $0 + $1.resources.count }
        let placeholder = Resource(name: "", location: SourceLocation(file: "", line: 0, column: 0), kind: .parameter(Parameter()))
        return [Resource](unsafeUninitializedCapacity: total) { buffer, initialized in
            initialized = 0
            for index in parts.indices {
                parts[index].resources.withUnsafeMutableBufferPointer { source in
                    guard let from = source.baseAddress, let to = buffer.baseAddress, initialized + source.count <= total else { return }
                    (to + initialized).moveInitialize(from: from, count: source.count)
                    from.initialize(repeating: placeholder, count: source.count)
                    initialized += source.count
                }
            }
        }
    }

    /// One decoded part; part 0 also carries the app's name.
    private struct Part: Sendable {
        var facts: YAMLSplit.Facts
        var name: String?
        var resources: [Resource] = []
        var undecoded = Set<String>()
        var diagnostics: [Diagnostic]
    }

    /// Parses and decodes part `index`; nil when it cannot be joined (an error, another shape).
    private static func decodePart(_ split: YAMLSplit, _ index: Int, interpolation: HostInterpolation, defaultName: String) -> Part? {
        let document = split.parse(index)
        guard let (key, entries) = split.entries(of: document, part: index) else { return nil }
        let facts = split.facts(of: document, entries: entries)
        var decoder = ManifestDecoder(reader: ValueReader(interpolation: interpolation), file: document.file)
        if index == 0 {
            guard let key, key.scalarEquals("resources"), key.style == .plain,
                let head = decoder.decodeRoot(document.root, defaultName: defaultName)
            else { return nil }
            return Part(facts: facts, name: head.name, resources: head.resources, undecoded: head.undecoded, diagnostics: decoder.reader.diagnostics)
        }
        var part = Part(facts: facts, diagnostics: [])
        decoder.decodeEntries(of: entries, into: &part.resources, undecoded: &part.undecoded)
        part.diagnostics = decoder.reader.diagnostics
        return part
    }
}
