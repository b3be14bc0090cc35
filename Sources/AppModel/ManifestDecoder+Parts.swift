package import YAMLSource

/// Decoding a manifest cut into parts, each parsed on its own (ParallelLoad cuts a large file
/// between its `resources:` entries and decodes the parts on several cores). Each entry is decoded
/// exactly as in a whole-file load; part 0 also holds the top level.
extension ManifestDecoder {
    /// What one part decodes to.
    package struct Part: Sendable {
        /// The app's name (part 0 only).
        package var name: String?
        package var resources: [Resource] = []
        /// Resources that exist but could not be decoded, by name.
        package var undecoded = Set<String>()
        package var diagnostics: [Diagnostic] = []
    }

    /// Decodes part 0: the manifest's top level and the first resources. Nil when its root is not
    /// a manifest (a whole-file load reports why).
    package static func decodeFirstPart(_ document: YAMLDocument, interpolation: HostInterpolation, defaultName: String) -> Part? {
        var decoder = ManifestDecoder(reader: ValueReader(interpolation: interpolation), file: document.file)
        guard let head = decoder.decodeRoot(document.root, defaultName: defaultName) else { return nil }
        return Part(name: head.name, resources: head.resources, undecoded: head.undecoded, diagnostics: decoder.reader.diagnostics)
    }

    /// Decodes a later part: `entries` is a mapping of further `resources:` entries.
    package static func decodePart(entries: YAMLNode, file: String, interpolation: HostInterpolation) -> Part {
        var decoder = ManifestDecoder(reader: ValueReader(interpolation: interpolation), file: file)
        var part = Part()
        decoder.decodeEntries(of: entries, into: &part.resources, undecoded: &part.undecoded)
        part.diagnostics = decoder.reader.diagnostics
        return part
    }
}
