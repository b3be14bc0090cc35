/// A resolved string whose secret parts are known, so it can be shown masked.
package struct ResolvedValue: Sendable, Hashable {
    package struct Segment: Sendable, Hashable {
        package var text: String
        package var isSecret: Bool

        package init(_ text: String, secret: Bool = false) {
            self.text = text
            self.isSecret = secret
        }
    }

    package var segments: [Segment]

    package init(_ segments: [Segment] = []) { self.segments = segments }

    package init(plain text: String) { segments = [Segment(text)] }

    package init(secret text: String) { segments = [Segment(text, secret: true)] }

    /// The real value, as the child sees it.
    package var value: String { segments.map(\.text).joined() }

    package var isSecret: Bool { segments.contains { $0.isSecret } }

    /// The value with every secret part replaced by `***` (unless `showSecrets`).
    package func rendered(showSecrets: Bool) -> String {
        showSecrets ? value : segments.map { $0.isSecret ? Self.mask : $0.text }.joined()
    }

    package static let mask = "***"

    package static func + (lhs: ResolvedValue, rhs: ResolvedValue) -> ResolvedValue {
        ResolvedValue(lhs.segments + rhs.segments)
    }

    package static func + (lhs: ResolvedValue, rhs: String) -> ResolvedValue {
        ResolvedValue(lhs.segments + [Segment(rhs)])
    }

    package static func + (lhs: String, rhs: ResolvedValue) -> ResolvedValue {
        ResolvedValue([Segment(lhs)] + rhs.segments)
    }
}

/// A child's environment in injection order; setting a name again replaces it in place.
package struct ResolvedEnvironment: Sendable, Hashable, Sequence {
    package private(set) var entries: [(name: String, value: ResolvedValue)] = []
    private var positions: [String: Int] = [:]

    package init() {}

    package subscript(name: String) -> ResolvedValue? {
        get { positions[name].map { entries[$0].value } }
        set {
            if let newValue {
                set(name, newValue)
            } else if let position = positions[name] {
                entries.remove(at: position)
                positions = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })
            }
        }
    }

    package mutating func set(_ name: String, _ value: ResolvedValue) {
        if let position = positions[name] {
            entries[position].value = value
        } else {
            positions[name] = entries.count
            entries.append((name, value))
        }
    }

    package mutating func set(_ name: String, _ text: String) { set(name, ResolvedValue(plain: text)) }

    /// Plain name → value, for spawning.
    package var values: [String: String] {
        Dictionary(entries.map { ($0.name, $0.value.value) }, uniquingKeysWith: { _, new in new })
    }

    package var secretValues: [String] {
        entries.flatMap { $0.value.segments.filter(\.isSecret).map(\.text) }.filter { !$0.isEmpty }
    }

    package func makeIterator() -> IndexingIterator<[(name: String, value: ResolvedValue)]> { entries.makeIterator() }

    package static func == (lhs: ResolvedEnvironment, rhs: ResolvedEnvironment) -> Bool {
        lhs.entries.map(\.name) == rhs.entries.map(\.name) && lhs.entries.map(\.value) == rhs.entries.map(\.value)
    }

    package func hash(into hasher: inout Hasher) {
        for (name, value) in entries {
            hasher.combine(name)
            hasher.combine(value)
        }
    }
}
