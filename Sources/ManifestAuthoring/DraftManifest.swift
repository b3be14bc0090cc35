import Quoting

/// An apphost.yaml being written by `aspire init`: resources as ordered keys and values, with
/// the comments that say where a value was guessed. Rendered to text once, so the file reads
/// like one written by hand (block mappings, flow lists of scalars).
package struct DraftManifest: Sendable, Hashable {
    /// A value in the draft: a scalar (quoted only when YAML needs it), a number, a list or a map.
    package indirect enum Value: Sendable, Hashable {
        case string(String)
        case number(Int)
        case bool(Bool)
        case list([Value])
        case map([Field])
    }

    /// One `key: value`, with an optional trailing comment.
    package struct Field: Sendable, Hashable {
        package var key: String
        package var value: Value
        package var comment: String?

        package init(_ key: String, _ value: Value, comment: String? = nil) {
            self.key = key
            self.value = value
            self.comment = comment
        }
    }

    /// One resource: its name, comment lines above it, and its fields in order (`type` first).
    package struct Resource: Sendable, Hashable {
        package var name: String
        package var comments: [String] = []
        package var fields: [Field] = []

        package init(name: String, type: String, comment: String? = nil) {
            self.name = name
            fields = [Field("type", .string(type), comment: comment)]
        }

        /// Appends `key: value` (with a comment saying it was guessed, when given).
        package mutating func set(_ key: String, _ value: Value, comment: String? = nil) {
            fields.removeAll { $0.key == key }
            fields.append(Field(key, value, comment: comment))
        }

        package func value(_ key: String) -> Value? { fields.first { $0.key == key }?.value }
    }

    package var name: String?
    package var header: [String] = []
    package var resources: [Resource] = []

    package init(name: String? = nil) { self.name = name }

    /// The file's text.
    package var text: String {
        var out = header.map { "# \($0)\n" }.joined()
        if let name { out += "name: \(Self.scalar(name))\n" }
        if resources.isEmpty { return out + "resources: {}\n" }
        out += "resources:\n"
        for (index, resource) in resources.enumerated() {
            if index > 0 { out += "\n" }
            for comment in resource.comments { out += "  # \(comment)\n" }
            out += "  \(Self.key(resource.name)):\n"
            for field in resource.fields { out += Self.render(field, indent: 4) }
        }
        return out
    }

    // MARK: - Rendering

    static func render(_ field: Field, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        let comment = field.comment.map { "  # \($0)" } ?? ""
        switch field.value {
        case .map(let fields) where !fields.isEmpty:
            return "\(pad)\(key(field.key)):\(comment)\n" + fields.map { render($0, indent: indent + 2) }.joined()
        case .list(let items) where items.contains(where: \.isCollection):
            let lines = items.map { "\(pad)  - \(flow($0))\n" }.joined()
            return "\(pad)\(key(field.key)):\(comment)\n" + lines
        default:
            return "\(pad)\(key(field.key)): \(flow(field.value))\(comment)\n"
        }
    }

    /// A value on one line (flow style).
    static func flow(_ value: Value) -> String {
        switch value {
        case .string(let text): scalar(text)
        case .number(let number): String(number)
        case .bool(let bool): bool ? "true" : "false"
        case .list(let items): "[" + items.map(flow).joined(separator: ", ") + "]"
        case .map(let fields): fields.isEmpty ? "{}" : "{ " + fields.map { "\(key($0.key)): \(flow($0.value))" }.joined(separator: ", ") + " }"
        }
    }

    static func key(_ text: String) -> String { scalar(text) }

    /// `text` plain when YAML reads it back as the same string, else double-quoted.
    package static func scalar(_ text: String) -> String {
        plainSafe(text) ? text : JSON.string(text)
    }

    private static let reserved: Set<String> = [
        "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES",
        "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
    ]

    private static func plainSafe(_ text: String) -> Bool {
        guard !reserved.contains(text), Double(text) == nil, Int(text) == nil else { return false }
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic || first == "." || first == "/" || first == "_" else {
            return false
        }
        guard !text.hasSuffix(":"), !text.contains(": "), !text.contains(" #") else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_./:@+=".unicodeScalars.contains(scalar)
        }
    }
}

extension DraftManifest.Value {
    var isCollection: Bool {
        switch self {
        case .list, .map: true
        default: false
        }
    }
}
