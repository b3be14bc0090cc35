import Dashboard
import Foundation
import OTLP
import SwiftProtobuf
import Telemetry
import Testing

// Telemetry as an SDK sends it: OTLP protobuf requests, encoded, then decoded and stored by the
// receiver's own ingest path (OTLPIngest), so the pages read what a real export leaves behind.

typealias OTLPSpan = Opentelemetry_Proto_Trace_V1_Span
typealias OTLPKeyValue = Opentelemetry_Proto_Common_V1_KeyValue

enum Fixture {
    static func bytes(_ hex: String) -> Data {
        var data = Data()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            data.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return data
    }

    static func traceHex(_ n: Int) -> String { String(format: "%032x", n) }
    static func spanHex(_ n: Int) -> String { String(format: "%016x", n) }

    static func attribute(_ key: String, _ value: String) -> OTLPKeyValue {
        var pair = OTLPKeyValue()
        pair.key = key
        pair.value.stringValue = value
        return pair
    }

    static func resource(_ service: String) -> Opentelemetry_Proto_Resource_V1_Resource {
        var resource = Opentelemetry_Proto_Resource_V1_Resource()
        resource.attributes = [attribute("service.name", service), attribute("service.instance.id", "\(service)-1")]
        return resource
    }

    /// A span; times in milliseconds from a fixed base.
    static func span(
        trace: Int, id: Int, parent: Int? = nil, name: String, start: UInt64, end: UInt64, error: Bool = false,
        attributes: [OTLPKeyValue] = [], event: String? = nil
    ) -> OTLPSpan {
        var span = OTLPSpan()
        span.traceID = bytes(traceHex(trace))
        span.spanID = bytes(spanHex(id))
        if let parent { span.parentSpanID = bytes(spanHex(parent)) }
        span.name = name
        span.kind = parent == nil ? .server : .client
        span.startTimeUnixNano = base + start * 1_000_000
        span.endTimeUnixNano = base + end * 1_000_000
        span.attributes = attributes
        if error { span.status.code = .error }
        if let event {
            var item = Opentelemetry_Proto_Trace_V1_Span.Event()
            item.name = event
            item.timeUnixNano = span.startTimeUnixNano + 1_000
            item.attributes = [attribute("exception.type", "TimeoutError")]
            span.events = [item]
        }
        return span
    }

    /// 2026-12-07 08:00:00 UTC in nanoseconds.
    static let base: UInt64 = 1_796_630_400 * 1_000_000_000

    static func post(_ store: TelemetryStore, _ service: String, spans: [OTLPSpan]) async throws {
        var scope = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        scope.scope.name = "fixture"
        scope.spans = spans
        var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        resourceSpans.resource = resource(service)
        resourceSpans.scopeSpans = [scope]
        var request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest()
        request.resourceSpans = [resourceSpans]
        try await ingest(store, .traces, request)
    }

    /// Log records: (severity number, body, trace, attributes).
    static func post(_ store: TelemetryStore, _ service: String, logs: [(Int, String, Int?, [OTLPKeyValue])]) async throws {
        var scope = Opentelemetry_Proto_Logs_V1_ScopeLogs()
        scope.logRecords = logs.enumerated().map { index, item in
            var record = Opentelemetry_Proto_Logs_V1_LogRecord()
            record.timeUnixNano = base + UInt64(index) * 1_000_000
            record.severityNumber = Opentelemetry_Proto_Logs_V1_SeverityNumber(rawValue: item.0) ?? .info
            record.body.stringValue = item.1
            if let trace = item.2 {
                record.traceID = bytes(traceHex(trace))
                record.spanID = bytes(spanHex(1))
            }
            record.attributes = item.3
            return record
        }
        var resourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
        resourceLogs.resource = resource(service)
        resourceLogs.scopeLogs = [scope]
        var request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        request.resourceLogs = [resourceLogs]
        try await ingest(store, .logs, request)
    }

    /// A cumulative counter with `values` one second apart, and a cumulative histogram.
    static func postMetrics(_ store: TelemetryStore, _ service: String, counter values: [Double]) async throws {
        var counter = Opentelemetry_Proto_Metrics_V1_Metric()
        counter.name = "requests"
        counter.unit = "{request}"
        counter.description_p = "Requests <served>"
        counter.sum.isMonotonic = true
        counter.sum.aggregationTemporality = .cumulative
        counter.sum.dataPoints = values.enumerated().map { index, value in
            var point = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
            point.startTimeUnixNano = base
            point.timeUnixNano = base + UInt64(index + 1) * 1_000_000_000
            point.asDouble = value
            return point
        }
        var histogram = Opentelemetry_Proto_Metrics_V1_Metric()
        histogram.name = "latency"
        histogram.unit = "ms"
        histogram.histogram.aggregationTemporality = .cumulative
        histogram.histogram.dataPoints = (1...3).map { index in
            var point = Opentelemetry_Proto_Metrics_V1_HistogramDataPoint()
            point.startTimeUnixNano = base
            point.timeUnixNano = base + UInt64(index) * 1_000_000_000
            point.explicitBounds = [10, 100, 1000]
            point.bucketCounts = [UInt64(10 * index), UInt64(10 * index), 0, 0]
            point.count = UInt64(20 * index)
            point.sum = Double(1000 * index)
            return point
        }
        var scope = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
        scope.metrics = [counter, histogram]
        var resourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
        resourceMetrics.resource = resource(service)
        resourceMetrics.scopeMetrics = [scope]
        var request = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest()
        request.resourceMetrics = [resourceMetrics]
        try await ingest(store, .metrics, request)
    }

    static func ingest(_ store: TelemetryStore, _ signal: OTLPSignal, _ message: some SwiftProtobuf.Message) async throws {
        let body: [UInt8] = try message.serializedBytes()
        let reply = await OTLPIngest(store: store).handle(
            signal: signal, encoding: .protobuf, contentEncoding: nil, body: body)
        #expect(reply.status == 200, "the receiver took the \(signal) request")
    }

    /// A store like a small app's: a checkout trace across three services with an error, a fast
    /// trace of one service, logs of both (one in the trace), a counter and a histogram.
    static func store() async throws -> TelemetryStore {
        let store = TelemetryStore()
        // Trace 1: frontend -> api -> db (the api span failed); the child arrives before its parent.
        try await post(store, "api", spans: [
            span(trace: 1, id: 2, parent: 1, name: "GET /orders", start: 5, end: 80, error: true,
                 attributes: [attribute("http.route", "/orders")], event: "exception"),
            span(trace: 1, id: 3, parent: 2, name: "SELECT orders", start: 10, end: 60),
        ])
        try await post(store, "frontend", spans: [
            span(trace: 1, id: 1, name: "GET /checkout", start: 0, end: 100, attributes: [attribute("user", "<b>bob</b>")]),
        ])
        // Trace 2: frontend only, 2 ms, with a hostile name.
        try await post(store, "frontend", spans: [span(trace: 2, id: 9, name: "<script>alert(1)</script>", start: 200, end: 202)])
        try await post(store, "api", logs: [
            (9, "listening on 8080", nil, []),
            (17, "order lookup failed: <timeout>", 1, [attribute("order.id", "42 & <more>")]),
        ])
        try await post(store, "frontend", logs: [(5, "cache warm", nil, []), (13, "slow checkout", 1, [])])
        try await postMetrics(store, "api", counter: [10, 20, 40, 40])
        return store
    }
}
