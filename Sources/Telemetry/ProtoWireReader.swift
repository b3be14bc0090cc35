/// The fast trace decoder gave up: the input is malformed or uses something it does not handle
/// (a repeated singular message, a group, a wrong wire type). The caller then decodes the body
/// with swift-protobuf, which accepts or rejects it with its own error.
struct FastPathDeclined: Error {}

/// Reads protobuf wire format from a byte range, checking bounds the way swift-protobuf's
/// `BinaryDecoder` does (its varint rules included); anything it would not accept is declined.
struct ProtoWireReader {
    private var position: UnsafeRawPointer
    private let end: UnsafeRawPointer

    init(_ bytes: UnsafeRawBufferPointer) throws(FastPathDeclined) {
        // Only an empty top-level body has no address (slices point into it): swift-protobuf takes it.
        guard let base = bytes.baseAddress else { throw FastPathDeclined() }
        position = base
        end = base + bytes.count
    }

    var isAtEnd: Bool { position >= end }

    /// A varint as swift-protobuf reads it: up to 10 bytes, bits past 64 dropped.
    mutating func varint() throws(FastPathDeclined) -> UInt64 {
        guard position < end else { throw FastPathDeclined() }
        var byte = position.load(as: UInt8.self)
        position += 1
        if byte & 0x80 == 0 { return UInt64(byte) }
        var value = UInt64(byte & 0x7F)
        var shift: UInt64 = 7
        while true {
            guard position < end, shift <= 63 else { throw FastPathDeclined() }
            byte = position.load(as: UInt8.self)
            position += 1
            value |= UInt64(byte & 0x7F) &<< shift
            if byte & 0x80 == 0 { return value }
            shift &+= 7
        }
    }

    /// The next field's number and wire type; nil at the end. Groups, wire types 6 and 7 and
    /// field number 0 are declined.
    mutating func field() throws(FastPathDeclined) -> (number: Int, wire: UInt8)? {
        guard position < end else { return nil }
        let tag = try varint()
        guard tag < UInt64(UInt32.max) else { throw FastPathDeclined() }
        let wire = UInt8(tag & 7)
        let number = Int(tag >> 3)
        guard number > 0, wire == 0 || wire == 1 || wire == 2 || wire == 5 else { throw FastPathDeclined() }
        return (number, wire)
    }

    /// A length-delimited field's bytes.
    mutating func bytes() throws(FastPathDeclined) -> UnsafeRawBufferPointer {
        let length = try varint()
        guard length <= UInt64(end - position) else { throw FastPathDeclined() }
        let start = position
        position += Int(length)
        return UnsafeRawBufferPointer(start: start, count: Int(length))
    }

    mutating func fixed64() throws(FastPathDeclined) -> UInt64 {
        guard end - position >= 8 else { throw FastPathDeclined() }
        let value = UInt64(littleEndian: position.loadUnaligned(as: UInt64.self))
        position += 8
        return value
    }

    /// Skips a field this decoder does not read (what swift-protobuf keeps as unknown fields).
    mutating func skip(_ wire: UInt8) throws(FastPathDeclined) {
        switch wire {
        case 0: _ = try varint()
        case 1: _ = try fixed64()
        case 2: _ = try bytes()
        case 5:
            guard end - position >= 4 else { throw FastPathDeclined() }
            position += 4
        default: throw FastPathDeclined()
        }
    }

    /// A string field that is not kept must still be valid UTF-8 (swift-protobuf rejects it otherwise).
    mutating func skipString(_ wire: UInt8) throws(FastPathDeclined) {
        guard wire == 2 else { return try skip(wire) }
        let raw = try bytes()
        guard Self.isValidUTF8(raw) else { throw FastPathDeclined() }
    }

    /// `raw` as a String, if it is valid UTF-8. ASCII (nearly every key, name and value) skips
    /// `String(validating:)`, which is generic and looks up metadata on every call.
    static func string(_ raw: UnsafeRawBufferPointer) throws(FastPathDeclined) -> String {
        if raw.isEmpty { return "" }
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        if isASCII(raw) { return String(decoding: bytes, as: UTF8.self) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FastPathDeclined()
        }
        return text
    }

    static func isValidUTF8(_ raw: UnsafeRawBufferPointer) -> Bool {
        isASCII(raw) || String(validating: raw.assumingMemoryBound(to: UInt8.self), as: UTF8.self) != nil
    }

    /// No byte has its high bit set; eight bytes at a time.
    static func isASCII(_ raw: UnsafeRawBufferPointer) -> Bool {
        var bits: UInt64 = 0
        var offset = 0
        while raw.count - offset >= 8 {
            bits |= raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < raw.count {
            bits |= UInt64(raw[offset])
            offset += 1
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }

    /// Whether `a` and `b` hold the same bytes (short strings: word compares, no call to `memcmp`).
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        var offset = 0
        while a.count - offset >= 8 {
            guard a.loadUnaligned(fromByteOffset: offset, as: UInt64.self) == b.loadUnaligned(fromByteOffset: offset, as: UInt64.self) else {
                return false
            }
            offset += 8
        }
        while offset < a.count {
            guard a[offset] == b[offset] else { return false }
            offset += 1
        }
        return true
    }
}

/// Strings a request repeats (attribute keys, span names, short values), looked up by where they
/// appear: the span before this one most likely had the same key in the same place. A hit costs
/// a compare and a retain instead of validating and allocating, and the stored spans share one copy.
struct PositionalStrings {
    /// Each slot's last string and the wire bytes it came from. The bytes point into the request
    /// body, which outlives the decoder (``OTLPConversion/fastSpans(raw:)`` holds both in one scope),
    /// so a hit compares bytes with bytes instead of going through the `String`'s storage.
    private var slots: [(bytes: UnsafeRawBufferPointer, text: String)] = []

    /// The string for `raw` at `slot`, reusing the slot's last string when it has the same bytes.
    mutating func string(_ raw: UnsafeRawBufferPointer, slot: Int, cut: (String) -> String) throws(FastPathDeclined) -> String {
        if slot < slots.count, ProtoWireReader.equal(slots[slot].bytes, raw) { return slots[slot].text }
        let text = cut(try ProtoWireReader.string(raw))
        if slot >= slots.count {
            guard slot < 64 else { return text }
            let none = UnsafeRawBufferPointer(start: nil, count: 0)
            slots.append(contentsOf: repeatElement((bytes: none, text: ""), count: slot - slots.count + 1))
        }
        slots[slot] = (raw, text)
        return text
    }
}
