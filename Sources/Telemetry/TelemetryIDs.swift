package import Foundation

/// A 16-byte W3C trace id, held as two words (cheap to hash and compare); all-zero is invalid.
package struct TraceID: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var high: UInt64
    package var low: UInt64

    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// From the 16 bytes of an OTLP `trace_id`; nil for any other length or all zeros.
    package init?(bytes: Data) {
        guard let id = bytes.withUnsafeBytes({ TraceID(bytes: $0) }) else { return nil }
        self = id
    }

    /// The same, from the wire's bytes.
    init?(bytes raw: UnsafeRawBufferPointer) {
        guard raw.count == 16 else { return nil }
        let high = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        let low = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        guard high != 0 || low != 0 else { return nil }
        self.init(high: high, low: low)
    }

    /// From 32 hex digits (either case); nil otherwise.
    package init?(hex: some StringProtocol) {
        guard hex.utf8.count == 32, let high = UInt64(hex.prefix(16), radix: 16),
            let low = UInt64(hex.suffix(16), radix: 16), high != 0 || low != 0
        else { return nil }
        self.init(high: high, low: low)
    }

    /// 32 lowercase hex digits, as W3C `traceparent` writes it.
    package var description: String { HexID.text(high) + HexID.text(low) }

    package static func < (lhs: Self, rhs: Self) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }
}

/// An 8-byte span id; 0 means none (a root span's parent).
package struct SpanID: Sendable, Hashable, CustomStringConvertible {
    package var value: UInt64

    package init(_ value: UInt64) { self.value = value }

    /// From the 8 bytes of an OTLP `span_id`: nil for any other length; empty bytes are `none`.
    package init?(bytes: Data) {
        guard let id = bytes.withUnsafeBytes({ SpanID(bytes: $0) }) else { return nil }
        self = id
    }

    /// The same, from the wire's bytes.
    init?(bytes raw: UnsafeRawBufferPointer) {
        if raw.isEmpty {
            self.init(0)
            return
        }
        guard raw.count == 8 else { return nil }
        self.init(UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)))
    }

    /// From 16 hex digits; nil otherwise.
    package init?(hex: some StringProtocol) {
        guard hex.utf8.count == 16, let value = UInt64(hex, radix: 16) else { return nil }
        self.init(value)
    }

    package static let none = SpanID(0)

    package var isNone: Bool { value == 0 }

    /// 16 lowercase hex digits.
    package var description: String { HexID.text(value) }
}

/// Fixed-width lowercase hex of ids.
enum HexID {
    static func text(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.utf8.count) + digits
    }
}
