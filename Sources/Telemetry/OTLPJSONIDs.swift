import Foundation

/// OTLP/JSON writes trace and span ids as hex (`"traceId": "5b8efff7…"`), where protobuf's
/// canonical JSON (what swift-protobuf reads) has base64. This rewrites hex ids to base64 in
/// one pass over the bytes, before decoding; anything else, base64 ids included, passes through.
enum OTLPJSONIDs {
    /// The keys holding ids, in the JSON mapping's lowerCamelCase and in the proto's own names.
    private static let keys: Set<[UInt8]> = Set(
        ["traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"].map { Array($0.utf8) })

    /// `json` with every hex id value (16 or 32 hex digits) under an id key replaced by its base64.
    static func rewrite(_ json: [UInt8]) -> [UInt8] {
        let quote = UInt8(ascii: "\"")
        var out: [UInt8] = []
        out.reserveCapacity(json.count)
        var index = 0
        let count = json.count
        while index < count {
            let byte = json[index]
            guard byte == quote, let end = stringEnd(json, from: index) else {
                out.append(byte)
                index += 1
                continue
            }
            out.append(contentsOf: json[index...end])
            let length = end - index - 1
            let isIDKey = (6...14).contains(length) && keys.contains(Array(json[(index + 1)..<end]))
            index = end + 1
            guard isIDKey else { continue }
            var next = skipSpace(json, from: index)
            guard next < count, json[next] == UInt8(ascii: ":") else { continue }
            next = skipSpace(json, from: next + 1)
            out.append(contentsOf: json[index..<next])
            index = next
            guard next < count, json[next] == quote, let valueEnd = stringEnd(json, from: next) else { continue }
            let value = json[(next + 1)..<valueEnd]
            if let bytes = hexBytes(value) {
                out.append(quote)
                out.append(contentsOf: Data(bytes).base64EncodedString().utf8)
                out.append(quote)
            } else {
                out.append(contentsOf: json[next...valueEnd])
            }
            index = valueEnd + 1
        }
        return out
    }

    /// The index of the quote closing the string that opens at `start`; nil if it never closes.
    private static func stringEnd(_ json: [UInt8], from start: Int) -> Int? {
        var index = start + 1
        while index < json.count {
            switch json[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index
            default: index += 1
            }
        }
        return nil
    }

    private static func skipSpace(_ json: [UInt8], from start: Int) -> Int {
        var index = start
        while index < json.count, json[index] == 0x20 || json[index] == 0x0A || json[index] == 0x0D || json[index] == 0x09 {
            index += 1
        }
        return index
    }

    /// 16 or 32 hex digits as bytes; nil for anything else (a base64 id is never 16 or 32 hex digits:
    /// base64 of 8 or 16 bytes is 12 or 24 characters).
    private static func hexBytes(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        guard text.count == 32 || text.count == 16 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var high: UInt8?
        for character in text {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return bytes
    }
}
