import Foundation
import OTLP
import SwiftProtobuf

/// The fast path for OTLP/protobuf trace exports: reads the wire format straight into
/// ``TelemetrySpan``s, without building swift-protobuf's messages first (decoding those was
/// ~70 % of the ingest floor: a heap object per span and per attribute value, copies of each).
///
/// It yields exactly what `spans(TraceRequest(serializedBytes:))` yields, or declines
/// (``FastPathDeclined``) and the caller takes that path: on malformed input (so the error is
/// swift-protobuf's), and on what only odd senders write (a singular message twice, groups, a
/// known field with another wire type). Resources and scopes (once per batch) and array/map
/// values are decoded by swift-protobuf, with the depth limit they would have had in place.
/// `Tests/TelemetryTests/FastTraceDecodingTests.swift` and the `otlp` fuzz target compare both.
extension OTLPConversion {
    /// swift-protobuf's default nesting limit for a whole request.
    static let messageDepthLimit = 100

    func fastSpans(_ body: [UInt8]) -> Batch<TelemetrySpan>? {
        body.withUnsafeBytes { fastSpans(raw: $0) }
    }

    /// The same from bytes in place (the HTTP server's buffer); an empty body is declined.
    func fastSpans(raw: UnsafeRawBufferPointer) -> Batch<TelemetrySpan>? {
        guard !raw.isEmpty else { return nil }
        var decoder = FastTraceDecoder(conversion: self)
        do throws(FastPathDeclined) {
            try decoder.request(raw)
            return decoder.batch
        } catch {
            return nil
        }
    }
}

/// One request's decoding state (see ``OTLPConversion/fastSpans(_:)``).
struct FastTraceDecoder {
    let conversion: OTLPConversion
    var batch = OTLPConversion.Batch<TelemetrySpan>()
    var strings = PositionalStrings()
    /// How many attributes the last span kept: the next span's array is reserved at that size, so
    /// in the usual batch (every span alike) it is built in place at its exact size, with no copy.
    var lastAttributeCount = 0

    init(conversion: OTLPConversion) {
        self.conversion = conversion
    }

    var limits: TelemetryLimits { conversion.limits }

    /// `ExportTraceServiceRequest` (depth 1).
    mutating func request(_ raw: UnsafeRawBufferPointer) throws(FastPathDeclined) {
        var reader = try ProtoWireReader(raw)
        while let (number, wire) = try reader.field() {
            if number == 1 {
                guard wire == 2 else { throw FastPathDeclined() }
                try resourceSpans(try reader.bytes())
            } else {
                try reader.skip(wire)
            }
        }
    }

    /// `ResourceSpans` (depth 2): its resource first (it may come after the spans on the wire).
    private mutating func resourceSpans(_ raw: UnsafeRawBufferPointer) throws(FastPathDeclined) {
        var reader = try ProtoWireReader(raw)
        var resourceBytes: UnsafeRawBufferPointer?
        var scopes: [UnsafeRawBufferPointer] = []
        while let (number, wire) = try reader.field() {
            switch (number, wire) {
            case (1, 2):
                guard resourceBytes == nil else { throw FastPathDeclined() }  // a second one merges: rare
                resourceBytes = try reader.bytes()
            case (2, 2): scopes.append(try reader.bytes())
            case (3, _): try reader.skipString(wire)
            case (1, _), (2, _): throw FastPathDeclined()
            default: try reader.skip(wire)
            }
        }
        let proto: ProtoResource
        if let resourceBytes {
            proto = try Self.message(ProtoResource.self, resourceBytes, depth: 3)
        } else {
            proto = ProtoResource()
        }
        let resource = conversion.resource(proto, hasResource: resourceBytes != nil)
        batch.resources.append(resource)
        for scope in scopes { try scopeSpans(scope, resource: resource.key) }
    }

    /// `ScopeSpans` (depth 3).
    private mutating func scopeSpans(_ raw: UnsafeRawBufferPointer, resource: TelemetryResourceKey) throws(FastPathDeclined) {
        var reader = try ProtoWireReader(raw)
        var scopeBytes: UnsafeRawBufferPointer?
        var spans: [UnsafeRawBufferPointer] = []
        while let (number, wire) = try reader.field() {
            switch (number, wire) {
            case (1, 2):
                guard scopeBytes == nil else { throw FastPathDeclined() }
                scopeBytes = try reader.bytes()
            case (2, 2): spans.append(try reader.bytes())
            case (3, _): try reader.skipString(wire)
            case (1, _), (2, _): throw FastPathDeclined()
            default: try reader.skip(wire)
            }
        }
        var scope = ""
        if let scopeBytes {
            let proto = try Self.message(Opentelemetry_Proto_Common_V1_InstrumentationScope.self, scopeBytes, depth: 4)
            scope = conversion.cut(proto.name)
        }
        batch.items.reserveCapacity(batch.items.count + spans.count)
        for span in spans { try self.span(span, resource: resource, scope: scope) }
    }

    /// `Span` (depth 4), converted as ``OTLPConversion/spans(_:)`` converts it.
    private mutating func span(_ raw: UnsafeRawBufferPointer, resource: TelemetryResourceKey, scope: String) throws(FastPathDeclined) {
        var reader = try ProtoWireReader(raw)
        var traceBytes = UnsafeRawBufferPointer(start: nil, count: 0)
        var spanBytes = traceBytes
        var parentBytes = traceBytes
        var name = ""
        var kind = 0
        var start: UInt64 = 0
        var end: UInt64 = 0
        var dropped = 0
        var attributeCount = 0
        var events: [TelemetrySpan.Event] = []
        var eventCount = 0
        var links: [TelemetrySpan.Link] = []
        var linkCount = 0
        var statusBytes: UnsafeRawBufferPointer?
        var droppedCounts: (UInt32, UInt32, UInt32) = (0, 0, 0)
        var attributes: [TelemetryAttribute] = []
        attributes.reserveCapacity(lastAttributeCount)
        while let (number, wire) = try reader.field() {
            switch (number, wire) {
            case (1, 2): traceBytes = try reader.bytes()
            case (2, 2): spanBytes = try reader.bytes()
            case (3, _): try reader.skipString(wire)
            case (4, 2): parentBytes = try reader.bytes()
            case (5, 2): name = try strings.string(try reader.bytes(), slot: 0, cut: conversion.cut)
            case (6, 0): kind = Int(Int32(truncatingIfNeeded: try reader.varint()))
            case (7, 1): start = try reader.fixed64()
            case (8, 1): end = try reader.fixed64()
            case (9, 2):
                let slot = attributeCount < 24 ? 1 + 2 * attributeCount : -1
                let attribute = try keyValue(try reader.bytes(), depth: 5, slot: slot)
                if attributeCount < limits.attributesPerItem { attributes.append(attribute) }
                attributeCount += 1
            case (10, 0): droppedCounts.0 = UInt32(truncatingIfNeeded: try reader.varint())
            case (11, 2):
                let event = try self.event(try reader.bytes())
                if eventCount < limits.eventsPerSpan { events.append(event) }
                eventCount += 1
            case (12, 0): droppedCounts.1 = UInt32(truncatingIfNeeded: try reader.varint())
            case (13, 2):
                let link = try self.link(try reader.bytes())
                if linkCount < limits.eventsPerSpan, let link { links.append(link) }
                linkCount += 1
            case (14, 0): droppedCounts.2 = UInt32(truncatingIfNeeded: try reader.varint())
            case (15, 2):
                guard statusBytes == nil else { throw FastPathDeclined() }
                statusBytes = try reader.bytes()
            case (16, _): try reader.skip(wire)
            case (1...15, _): throw FastPathDeclined()
            default: try reader.skip(wire)
            }
        }
        var status = 0
        var statusMessage = ""
        if let statusBytes { (status, statusMessage) = try self.status(statusBytes) }
        guard let traceID = TraceID(bytes: traceBytes) else {
            batch.reject("a span's trace_id is not 16 bytes (or is all zeros)")
            return
        }
        guard let spanID = SpanID(bytes: spanBytes), !spanID.isNone else {
            batch.reject("a span's span_id is not 8 bytes")
            return
        }
        guard let parent = SpanID(bytes: parentBytes) else {
            batch.reject("a span's parent_span_id is not 8 bytes")
            return
        }
        lastAttributeCount = attributes.count
        dropped = Int(droppedCounts.0) + Int(droppedCounts.1) + Int(droppedCounts.2)
        dropped += max(0, attributeCount - limits.attributesPerItem)
        dropped += max(0, eventCount - limits.eventsPerSpan)
        batch.items.append(
            TelemetrySpan(
                traceID: traceID, spanID: spanID, parentSpanID: parent, name: name,
                kind: TelemetrySpan.Kind(rawValue: kind) ?? .unspecified, startUnixNano: start, endUnixNano: end,
                status: TelemetrySpan.Status(rawValue: status) ?? .unset, statusMessage: statusMessage, resource: resource,
                scope: scope, attributes: Self.trimmed(attributes), events: events, links: links, droppedCount: dropped))
    }

    /// `items` itself when it was built at (about) its size; an exact-size copy when it grew past
    /// the reserve (doubling), so a kept span never holds much more than its attributes.
    private static func trimmed(_ items: [TelemetryAttribute]) -> [TelemetryAttribute] {
        guard !items.isEmpty else { return [] }
        guard items.capacity > items.count + 4 else { return items }
        return [TelemetryAttribute](unsafeUninitializedCapacity: items.count) { buffer, count in
            count = buffer.initialize(fromContentsOf: items)
        }
    }

    /// `Status` (depth 5): its code and message.
    private func status(_ raw: UnsafeRawBufferPointer) throws(FastPathDeclined) -> (Int, String) {
        var reader = try ProtoWireReader(raw)
        var code = 0
        var message = ""
        while let (number, wire) = try reader.field() {
            switch (number, wire) {
            case (2, 2): message = conversion.cut(try ProtoWireReader.string(try reader.bytes()))
            case (3, 0): code = Int(Int32(truncatingIfNeeded: try reader.varint()))
            case (2, _), (3, _): throw FastPathDeclined()
            default: try reader.skip(wire)
            }
        }
        return (code, message)
    }

    /// `Span.Event` (depth 5).
    private mutating func event(_ raw: UnsafeRawBufferPointer) throws(FastPathDeclined) -> TelemetrySpan.Event {
        var reader = try ProtoWireReader(raw)
        var time: UInt64 = 0
        var name = ""
        var attributes: [TelemetryAttribute] = []
        var count = 0
        while let (number, wire) = try reader.field() {
            switch (number, wire) {
            case (1, 1): time = try reader.fixed64()
            case (2, 2): name = conversion.cut(try ProtoWireReader.string(try reader.bytes()))
            case (3, 2):
                let attribute = try keyValue(try reader.bytes(), depth: 6, slot: -1)
                if count < limits.attributesPerItem { attributes.append(attribute) }
                count += 1
            case (4, _): try reader.skip(wire)
            case (1...3, _): throw FastPathDeclined()
            default: try reader.skip(wire)
            }
        }
        return TelemetrySpan.Event(name: name, timeUnixNano: time, attributes: attributes)
    }

    /// `Span.Link` (depth 5); nil when its ids are not valid (the link is left out).
    private mutating func link(_ raw: UnsafeRawBufferPointer) throws(FastPathDeclined) -> TelemetrySpan.Link? {
        var reader = try ProtoWireReader(raw)
        var traceBytes = UnsafeRawBufferPointer(start: nil, count: 0)
        var spanBytes = traceBytes
        var attributes: [TelemetryAttribute] = []
        var count = 0
        while let (number, wire) = try reader.field() {
            switch (number, wire) {
            case (1, 2): traceBytes = try reader.bytes()
            case (2, 2): spanBytes = try reader.bytes()
            case (3, _): try reader.skipString(wire)
            case (4, 2):
                let attribute = try keyValue(try reader.bytes(), depth: 6, slot: -1)
                if count < limits.attributesPerItem { attributes.append(attribute) }
                count += 1
            case (5, _), (6, _): try reader.skip(wire)
            case (1...4, _): throw FastPathDeclined()
            default: try reader.skip(wire)
            }
        }
        guard let trace = TraceID(bytes: traceBytes), let span = SpanID(bytes: spanBytes) else { return nil }
        return TelemetrySpan.Link(traceID: trace, spanID: span, attributes: attributes)
    }

    /// `KeyValue` at `depth`; `slot` (≥ 0) names its place for ``PositionalStrings``.
    private mutating func keyValue(_ raw: UnsafeRawBufferPointer, depth: Int, slot: Int) throws(FastPathDeclined) -> TelemetryAttribute {
        var reader = try ProtoWireReader(raw)
        var key = ""
        var valueBytes: UnsafeRawBufferPointer?
        while let (number, wire) = try reader.field() {
            switch (number, wire) {
            case (1, 2):
                let bytes = try reader.bytes()
                key = slot >= 0 ? try strings.string(bytes, slot: slot, cut: conversion.cut) : conversion.cut(try ProtoWireReader.string(bytes))
            case (2, 2):
                guard valueBytes == nil else { throw FastPathDeclined() }
                valueBytes = try reader.bytes()
            case (1, _), (2, _): throw FastPathDeclined()
            default: try reader.skip(wire)
            }
        }
        guard let valueBytes else { return TelemetryAttribute(key, .empty) }
        return TelemetryAttribute(key, try value(valueBytes, depth: depth + 1, slot: slot >= 0 ? slot + 1 : -1))
    }

    /// `AnyValue` at `depth`, as ``OTLPConversion/value(_:)`` converts it.
    private mutating func value(_ raw: UnsafeRawBufferPointer, depth: Int, slot: Int) throws(FastPathDeclined) -> TelemetryValue {
        var reader = try ProtoWireReader(raw)
        var result = TelemetryValue.empty
        var seen = false
        while let (number, wire) = try reader.field() {
            guard number > 8 || !seen else { throw FastPathDeclined() }  // a second member: overwrite or merge, rare
            switch (number, wire) {
            case (1, 2):
                let bytes = try reader.bytes()
                result = .string(slot >= 0 ? try strings.string(bytes, slot: slot, cut: conversion.cut) : conversion.cut(try ProtoWireReader.string(bytes)))
            case (2, 0): result = .bool(try reader.varint() != 0)
            case (3, 0): result = .int(Int64(bitPattern: try reader.varint()))
            case (4, 1): result = .double(Double(bitPattern: try reader.fixed64()))
            case (5, 2), (6, 2):
                _ = try reader.bytes()
                result = conversion.value(try Self.message(ProtoAnyValue.self, raw, depth: depth))
            case (7, 2): result = .bytes(conversion.cut(Self.hex(try reader.bytes())))
            case (8, 0): result = .string("strindex:\(Int32(truncatingIfNeeded: try reader.varint()))")
            case (1...8, _): throw FastPathDeclined()
            default: try reader.skip(wire)
            }
            if number <= 8 { seen = true }
        }
        return result
    }

    /// A message swift-protobuf decodes here, with the nesting budget it had at `depth` of the request.
    private static func message<M: SwiftProtobuf.Message>(_ type: M.Type, _ raw: UnsafeRawBufferPointer, depth: Int) throws(FastPathDeclined) -> M {
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = OTLPConversion.messageDepthLimit + 1 - depth
        do {
            return try M(serializedBytes: Array(raw), options: options)
        } catch {
            throw FastPathDeclined()
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Lowercase hex, two digits a byte (what `String(format: "%02x")` per byte gave).
    static func hex(_ raw: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: raw.count * 2) { (buffer: UnsafeMutableBufferPointer<UInt8>) -> Int in
            for (index, byte) in raw.enumerated() {
                buffer[2 * index] = digits[Int(byte >> 4)]
                buffer[2 * index + 1] = digits[Int(byte & 0xF)]
            }
            return raw.count * 2
        }
    }
}
