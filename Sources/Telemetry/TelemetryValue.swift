/// An attribute's or a log body's value, kept small: nested arrays and maps are kept as their JSON text.
package enum TelemetryValue: Sendable, Hashable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// Bytes, as lowercase hex.
    case bytes(String)
    /// An array or a key-value list, as JSON text.
    case composite(String)
    case empty

    /// The value as text, as pages and the CLI show it.
    package var text: String {
        switch self {
        case .string(let text), .bytes(let text), .composite(let text): text
        case .bool(let value): String(value)
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .empty: ""
        }
    }
}

/// One `key: value` attribute.
package struct TelemetryAttribute: Sendable, Hashable {
    package var key: String
    package var value: TelemetryValue

    package init(_ key: String, _ value: TelemetryValue) {
        self.key = key
        self.value = value
    }
}

extension [TelemetryAttribute] {
    /// The value of `key`, if present.
    package subscript(key: String) -> TelemetryValue? {
        first { $0.key == key }?.value
    }
}
