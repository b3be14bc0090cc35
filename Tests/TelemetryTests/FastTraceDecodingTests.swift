import Foundation
import OTLP
import SwiftProtobuf
import Telemetry
import Testing

/// The fast OTLP/protobuf trace decoder against swift-protobuf + the conversion (the reference):
/// it must yield the same batch, or decline (and then the receiver takes the reference's path).
@Suite struct FastTraceDecodingTests {
    typealias AnyValue = Opentelemetry_Proto_Common_V1_AnyValue
    typealias KeyValue = Opentelemetry_Proto_Common_V1_KeyValue

    static func value(_ build: (inout AnyValue) -> Void) -> AnyValue {
        var value = AnyValue()
        build(&value)
        return value
    }

    static func pair(_ key: String, _ value: AnyValue) -> KeyValue {
        var pair = KeyValue()
        pair.key = key
        pair.value = value
        return pair
    }

    /// Every kind of value, events, links (good and bad), status, dropped counts, odd enums, bad ids.
    static func rich() -> TraceRequest {
        let array = value { $0.arrayValue.values = [value { $0.stringValue = "a" }, value { $0.boolValue = true }, value { $0.doubleValue = 1.5 }] }
        let map = value { $0.kvlistValue.values = [pair("k", value { $0.intValue = -7 }), pair("b", value { $0.bytesValue = Data([0, 255]) })] }
        let attributes = [
            pair("s", value { $0.stringValue = "héllo wörld, a long value past the cap" }), pair("b", value { $0.boolValue = true }),
            pair("i", value { $0.intValue = -42 }), pair("d", value { $0.doubleValue = -0.25 }), pair("a", array), pair("m", map),
            pair("x", value { $0.bytesValue = Data([0xDE, 0xAD, 0x01]) }), pair("n", AnyValue()), pair("idx", value { $0.stringValueStrindex = 3 }),
            KeyValue(),
        ]
        var spans: [Opentelemetry_Proto_Trace_V1_Span] = []
        for n in 0..<12 {
            var item = span(trace: n / 3, span: n, parent: n % 3 == 0 ? nil : n - n % 3, name: n % 2 == 0 ? "GET /orders/{id}" : "ünïcode", attributes: attributes)
            item.kind = n == 5 ? .UNRECOGNIZED(99) : .client
            item.status.code = n == 4 ? .error : n == 6 ? .UNRECOGNIZED(-3) : .ok
            item.status.message = n == 4 ? "boom" : ""
            item.droppedAttributesCount = UInt32(n)
            item.droppedEventsCount = 1
            item.droppedLinksCount = 2
            item.traceState = "k=v"
            item.flags = 0x101
            var event = Opentelemetry_Proto_Trace_V1_Span.Event()
            event.name = "exception"
            event.timeUnixNano = 5
            event.attributes = Array(attributes.prefix(4))
            item.events = Array(repeating: event, count: n % 4)
            var link = Opentelemetry_Proto_Trace_V1_Span.Link()
            link.traceID = hexBytes(traceHex(99))
            link.spanID = hexBytes(spanHex(n))
            link.attributes = [attributes[0]]
            var badLink = link
            badLink.spanID = Data([1, 2])
            item.links = n % 2 == 0 ? [link, badLink, link] : []
            switch n {
            case 7: item.traceID = Data(count: 16)  // all zeros
            case 8: item.spanID = Data([1, 2, 3])
            case 9: item.parentSpanID = Data([1])
            case 10: item.traceID = Data([1, 2])
            default: break
            }
            spans.append(item)
        }
        var request = traceRequest("api", spans)
        var other = request.resourceSpans[0]
        other.resource.attributes.append(pair("process.command_args", array))
        other.resource.attributes[0] = attribute("service.name", "worker")
        other.scopeSpans.append(other.scopeSpans[0])
        other.scopeSpans[1].scope = Opentelemetry_Proto_Common_V1_InstrumentationScope()
        other.schemaURL = "https://opentelemetry.io/schemas/1.21.0"
        var bare = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        bare.scopeSpans = [other.scopeSpans[1]]
        request.resourceSpans += [other, bare]
        return request
    }

    static func limits() -> TelemetryLimits {
        var limits = TelemetryLimits()
        limits.attributesPerItem = 6
        limits.eventsPerSpan = 2
        limits.valueLength = 12
        return limits
    }

    static func bytes(_ message: some SwiftProtobuf.Message) throws -> [UInt8] { try message.serializedBytes() }

    @Test func yieldsTheReferenceBatch() throws {
        for limits in [TelemetryLimits(), Self.limits()] {
            let decodings = OTLPTraceDecodings(body: try Self.bytes(Self.rich()), limits: limits)
            let fast = try #require(decodings.fast, "the fast decoder declined a well-formed request")
            #expect(fast == decodings.reference)
            #expect(fast.spans.count == 4 * (12 - 4))  // four scopes of 12 spans, 4 of them with bad ids
            #expect(fast.rejected == 4 * 4)
        }
    }

    @Test func skipsUnknownFieldsLikeTheReference() throws {
        var body = try Self.bytes(Self.rich())
        body += [0xF8, 0x07, 0x01, 0x81, 0x08] + Array(repeating: 7, count: 8) + [0x8A, 0x08, 0x02, 0x41, 0x42] + [0x8D, 0x08, 1, 2, 3, 4]
        let decodings = OTLPTraceDecodings(body: body, limits: Self.limits())
        #expect(decodings.fast != nil)
        #expect(decodings.agree)
    }

    /// A length-delimited field: tag, length, payload.
    static func field(_ number: Int, _ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        for var value in [UInt64(number << 3 | 2), UInt64(payload.count)] {
            while value >= 0x80 {
                bytes.append(UInt8(value & 0x7F) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }
        return bytes + payload
    }

    /// Concatenated messages merge in protobuf: a span's bytes twice over (two statuses, two
    /// names) and a resource sent twice; the fast decoder declines or agrees.
    @Test func declinesOrAgreesOnMergedMessages() throws {
        var item = span(trace: 1, span: 1, attributes: [attribute("a", "b")])
        item.status.message = "first"
        var second = item
        second.status.message = "second"
        second.name = "renamed"
        let withoutStatus = { var copy = second; copy.clearStatus(); return copy }()
        for pair in [(item, second), (item, withoutStatus)] {
            let spans = try Self.field(2, Self.bytes(pair.0) + Self.bytes(pair.1))
            let resource = try Self.field(1, Self.bytes(resource("api"))) + Self.field(1, Self.bytes(resource("web")))
            for resourceSpans in [Self.field(2, spans), resource + Self.field(2, spans)] {
                let decodings = OTLPTraceDecodings(body: Self.field(1, resourceSpans))
                #expect(decodings.reference != nil)
                #expect(decodings.agree)
            }
        }
    }

    @Test func invalidUTF8IsRejectedByBoth() throws {
        var body = try Self.bytes(traceRequest("api", [span(trace: 1, span: 1, name: "abcdef")]))
        let index = try #require(body.indices.first { body[$0...].starts(with: Array("abcdef".utf8)) })
        body[index + 2] = 0xFF
        let decodings = OTLPTraceDecodings(body: body)
        #expect(decodings.reference == nil)
        #expect(decodings.fast == nil)
    }

    @Test func everyPrefixAndByteFlipAgrees() throws {
        var small = traceRequest("api", [span(trace: 1, span: 1, attributes: [attribute("k", "v")])])
        small.resourceSpans[0].scopeSpans[0].spans[0].events = [Opentelemetry_Proto_Trace_V1_Span.Event()]
        small.resourceSpans[0].scopeSpans[0].spans[0].status.code = .error
        let body = try Self.bytes(small)
        for end in 0...body.count {
            #expect(OTLPTraceDecodings(body: Array(body[..<end])).agree, "prefix of \(end) bytes")
        }
        for index in body.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF, 0x07] {
                var changed = body
                changed[index] ^= flip
                #expect(OTLPTraceDecodings(body: changed).agree, "byte \(index) ^ \(flip)")
            }
        }
    }

    /// Nested arrays around swift-protobuf's depth limit of 100, in a span and in an event.
    @Test func nestingLimitMatches() throws {
        for depth in 88...98 {
            var nested = Self.value { $0.stringValue = "leaf" }
            for _ in 0..<depth { nested = Self.value { [nested] in $0.arrayValue.values = [nested] } }
            let item = span(trace: 1, span: 1, attributes: [Self.pair("deep", nested)])
            var event = Opentelemetry_Proto_Trace_V1_Span.Event()
            event.attributes = [Self.pair("deep", nested)]
            let withEvent = { var copy = item; copy.events = [event]; return copy }()
            for candidate in [item, withEvent] {
                let decodings = OTLPTraceDecodings(body: try Self.bytes(traceRequest("api", [candidate])))
                #expect(decodings.agree, "depth \(depth)")
                #expect((decodings.fast == nil) == (decodings.reference == nil), "depth \(depth)")
            }
        }
    }

    /// Repeated strings are recognised by their wire bytes (eight at a time, then a byte at a time)
    /// and ASCII skips validation: names and values of every length up to 20, each followed by
    /// itself changed at one position (so the slot's last string differs by one byte), with and
    /// without a multi-byte character, come out exactly as sent.
    @Test func repeatedAndNonASCIIStringsComeOutAsSent() throws {
        var names: [String] = []
        for length in 0...20 {
            let base = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            names.append(base)
            names.append(base)
            for position in 0..<length {
                var bytes = Array(base.utf8)
                bytes[position] = UInt8(ascii: "Z")
                names.append(String(decoding: bytes, as: UTF8.self))
            }
            names.append(base + "é")
            names.append("é" + base)
        }
        let spans = names.enumerated().map { index, name in
            span(trace: 1, span: index + 1, name: name, attributes: [attribute(name, name), attribute("k", name)])
        }
        let decodings = OTLPTraceDecodings(body: try Self.bytes(traceRequest("api", spans)))
        let fast = try #require(decodings.fast)
        #expect(decodings.agree)
        #expect(fast.spans.map(\.name) == names)
        #expect(fast.spans.map { $0.attributes.first?.key ?? "-" } == names)
        #expect(fast.spans.map { $0.attributes["k"] ?? .empty } == names.map { TelemetryValue.string($0) })
    }
}
