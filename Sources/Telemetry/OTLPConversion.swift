import Foundation
import OTLP
import Quoting

/// Turns decoded OTLP requests into the store's values, applying the per-item caps.
///
/// Runs on the request's task, outside the store, so decoding and conversion of concurrent
/// requests overlap and the store only inserts.
struct OTLPConversion: Sendable {
    var limits: TelemetryLimits

    /// What one request turned into: the items kept, and how many were rejected and why.
    struct Batch<Item: Sendable>: Sendable {
        var resources: [TelemetryResource] = []
        var items: [Item] = []
        var rejected = 0
        var reasons: Set<String> = []

        mutating func reject(_ reason: String) {
            rejected += 1
            reasons.insert(reason)
        }

        /// The partial-success message: each reason once, sorted.
        var message: String { reasons.sorted().joined(separator: "; ") }
    }

    // MARK: - Resources, scopes, attributes

    func resource(_ proto: ProtoResource, hasResource: Bool) -> TelemetryResource {
        let attributes = self.attributes(proto.attributes)
        let name: String
        if case .string(let text) = attributes["service.name"] ?? .empty, !text.isEmpty {
            name = text
        } else {
            name = "unknown_service"
        }
        let instance = attributes["service.instance.id"]?.text ?? ""
        return TelemetryResource(key: TelemetryResourceKey(serviceName: name, instanceID: instance), attributes: attributes)
    }

    func attributes(_ list: [ProtoKeyValue]) -> [TelemetryAttribute] {
        var result: [TelemetryAttribute] = []
        result.reserveCapacity(min(list.count, limits.attributesPerItem))
        for pair in list.prefix(limits.attributesPerItem) {
            result.append(TelemetryAttribute(cut(pair.key), value(pair.value)))
        }
        return result
    }

    func value(_ proto: ProtoAnyValue) -> TelemetryValue {
        switch proto.value {
        case .stringValue(let text): .string(cut(text))
        case .boolValue(let flag): .bool(flag)
        case .intValue(let number): .int(number)
        case .doubleValue(let number): .double(number)
        case .bytesValue(let data): .bytes(cut(data.map { String(format: "%02x", $0) }.joined()))
        case .arrayValue, .kvlistValue: .composite(cut(Self.json(proto)))
        case .stringValueStrindex(let index): .string("strindex:\(index)")
        case nil: .empty
        }
    }

    /// Nested values as compact JSON text.
    static func json(_ proto: ProtoAnyValue) -> String {
        switch proto.value {
        case .stringValue(let text): JSON.string(text)
        case .boolValue(let flag): String(flag)
        case .intValue(let number): String(number)
        case .doubleValue(let number): number.isFinite ? String(number) : JSON.string(String(number))
        case .bytesValue(let data): JSON.string(data.base64EncodedString())
        case .arrayValue(let array): "[" + array.values.map(json).joined(separator: ",") + "]"
        case .kvlistValue(let list):
            "{" + list.values.map { JSON.string($0.key) + ":" + json($0.value) }.joined(separator: ",") + "}"
        case .stringValueStrindex(let index): String(index)
        case nil: "null"
        }
    }

    /// `text` cut to ``TelemetryLimits/valueLength`` characters.
    func cut(_ text: String) -> String {
        text.utf8.count <= limits.valueLength ? text : String(text.prefix(limits.valueLength))
    }

    // MARK: - Traces

    func spans(_ request: TraceRequest) -> Batch<TelemetrySpan> {
        var batch = Batch<TelemetrySpan>()
        for resourceSpans in request.resourceSpans {
            let resource = self.resource(resourceSpans.resource, hasResource: resourceSpans.hasResource)
            batch.resources.append(resource)
            for scopeSpans in resourceSpans.scopeSpans {
                let scope = cut(scopeSpans.scope.name)
                for span in scopeSpans.spans {
                    guard let traceID = TraceID(bytes: span.traceID) else {
                        batch.reject("a span's trace_id is not 16 bytes (or is all zeros)")
                        continue
                    }
                    guard let spanID = SpanID(bytes: span.spanID), !spanID.isNone else {
                        batch.reject("a span's span_id is not 8 bytes")
                        continue
                    }
                    guard let parent = SpanID(bytes: span.parentSpanID) else {
                        batch.reject("a span's parent_span_id is not 8 bytes")
                        continue
                    }
                    batch.items.append(convert(span, traceID: traceID, spanID: spanID, parent: parent, resource: resource.key, scope: scope))
                }
            }
        }
        return batch
    }

    private func convert(
        _ span: ProtoSpan, traceID: TraceID, spanID: SpanID, parent: SpanID, resource: TelemetryResourceKey, scope: String
    ) -> TelemetrySpan {
        var dropped = Int(span.droppedAttributesCount) + Int(span.droppedEventsCount) + Int(span.droppedLinksCount)
        dropped += max(0, span.attributes.count - limits.attributesPerItem)
        dropped += max(0, span.events.count - limits.eventsPerSpan)
        let events = span.events.prefix(limits.eventsPerSpan).map {
            TelemetrySpan.Event(name: cut($0.name), timeUnixNano: $0.timeUnixNano, attributes: attributes($0.attributes))
        }
        let links: [TelemetrySpan.Link] = span.links.prefix(limits.eventsPerSpan).compactMap {
            guard let trace = TraceID(bytes: $0.traceID), let span = SpanID(bytes: $0.spanID) else { return nil }
            return TelemetrySpan.Link(traceID: trace, spanID: span, attributes: attributes($0.attributes))
        }
        return TelemetrySpan(
            traceID: traceID, spanID: spanID, parentSpanID: parent, name: cut(span.name),
            kind: TelemetrySpan.Kind(rawValue: span.kind.rawValue) ?? .unspecified,
            startUnixNano: span.startTimeUnixNano, endUnixNano: span.endTimeUnixNano,
            status: TelemetrySpan.Status(rawValue: span.status.code.rawValue) ?? .unset,
            statusMessage: cut(span.status.message), resource: resource, scope: scope,
            attributes: attributes(span.attributes), events: events, links: links, droppedCount: dropped)
    }

    // MARK: - Logs

    func logs(_ request: LogsRequest) -> Batch<TelemetryLogRecord> {
        var batch = Batch<TelemetryLogRecord>()
        for resourceLogs in request.resourceLogs {
            let resource = self.resource(resourceLogs.resource, hasResource: resourceLogs.hasResource)
            batch.resources.append(resource)
            for scopeLogs in resourceLogs.scopeLogs {
                let scope = cut(scopeLogs.scope.name)
                for record in scopeLogs.logRecords {
                    let traceID = TraceID(bytes: record.traceID)
                    guard record.traceID.isEmpty || traceID != nil else {
                        batch.reject("a log record's trace_id is not 16 bytes")
                        continue
                    }
                    guard let spanID = SpanID(bytes: record.spanID) else {
                        batch.reject("a log record's span_id is not 8 bytes")
                        continue
                    }
                    batch.items.append(
                        TelemetryLogRecord(
                            sequence: 0,
                            timeUnixNano: record.timeUnixNano != 0 ? record.timeUnixNano : record.observedTimeUnixNano,
                            severityNumber: record.severityNumber.rawValue, severityText: cut(record.severityText),
                            body: value(record.body), resource: resource.key, scope: scope,
                            attributes: attributes(record.attributes), traceID: traceID, spanID: spanID,
                            eventName: cut(record.eventName)))
                }
            }
        }
        return batch
    }
}
