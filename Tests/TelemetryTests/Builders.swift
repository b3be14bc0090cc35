import Foundation
import OTLP
import SwiftProtobuf
import Telemetry

// Requests built from the generated OTLP types, as an SDK would send them.

typealias TraceRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
typealias LogsRequest = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest
typealias MetricsRequest = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest

func hexBytes(_ hex: String) -> Data {
    var data = Data()
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        data.append(UInt8(hex[index..<next], radix: 16) ?? 0)
        index = next
    }
    return data
}

func traceHex(_ n: Int) -> String { String(format: "%032x", n + 1) }
func spanHex(_ n: Int) -> String { String(format: "%016x", n + 1) }

func attribute(_ key: String, _ value: String) -> Opentelemetry_Proto_Common_V1_KeyValue {
    var pair = Opentelemetry_Proto_Common_V1_KeyValue()
    pair.key = key
    pair.value.stringValue = value
    return pair
}

func resource(_ service: String, instance: String? = nil) -> Opentelemetry_Proto_Resource_V1_Resource {
    var resource = Opentelemetry_Proto_Resource_V1_Resource()
    resource.attributes = [attribute("service.name", service), attribute("service.instance.id", instance ?? service)]
    return resource
}

/// A span of trace `trace`, id `span`, child of `parent` (nil: a root).
func span(
    trace: Int, span id: Int, parent: Int? = nil, name: String = "work", start: UInt64 = 1_000, end: UInt64 = 2_000,
    attributes: [Opentelemetry_Proto_Common_V1_KeyValue] = []
) -> Opentelemetry_Proto_Trace_V1_Span {
    var span = Opentelemetry_Proto_Trace_V1_Span()
    span.traceID = hexBytes(traceHex(trace))
    span.spanID = hexBytes(spanHex(id))
    if let parent { span.parentSpanID = hexBytes(spanHex(parent)) }
    span.name = name
    span.kind = .server
    span.startTimeUnixNano = start
    span.endTimeUnixNano = end
    span.attributes = attributes
    return span
}

func traceRequest(_ service: String, _ spans: [Opentelemetry_Proto_Trace_V1_Span]) -> TraceRequest {
    var scope = Opentelemetry_Proto_Trace_V1_ScopeSpans()
    scope.scope.name = "test"
    scope.spans = spans
    var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
    resourceSpans.resource = resource(service)
    resourceSpans.scopeSpans = [scope]
    var request = TraceRequest()
    request.resourceSpans = [resourceSpans]
    return request
}

func logsRequest(_ service: String, count: Int, first: Int = 0, trace: Int? = nil) -> LogsRequest {
    var scope = Opentelemetry_Proto_Logs_V1_ScopeLogs()
    scope.logRecords = (first..<(first + count)).map { n in
        var record = Opentelemetry_Proto_Logs_V1_LogRecord()
        record.timeUnixNano = UInt64(n + 1)
        record.severityNumber = n % 2 == 0 ? .info : .error
        record.body.stringValue = "record \(n)"
        if let trace {
            record.traceID = hexBytes(traceHex(trace))
            record.spanID = hexBytes(spanHex(1))
        }
        return record
    }
    var resourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
    resourceLogs.resource = resource(service)
    resourceLogs.scopeLogs = [scope]
    var request = LogsRequest()
    request.resourceLogs = [resourceLogs]
    return request
}

/// A monotonic sum `name` with `values.count` cumulative points.
func counterRequest(_ service: String, name: String, values: [Double], from time: UInt64 = 1) -> MetricsRequest {
    var sum = Opentelemetry_Proto_Metrics_V1_Sum()
    sum.isMonotonic = true
    sum.aggregationTemporality = .cumulative
    sum.dataPoints = values.enumerated().map { offset, value in
        var point = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
        point.timeUnixNano = time + UInt64(offset)
        point.asDouble = value
        return point
    }
    var metric = Opentelemetry_Proto_Metrics_V1_Metric()
    metric.name = name
    metric.sum = sum
    var scope = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
    scope.metrics = [metric]
    var resourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
    resourceMetrics.resource = resource(service)
    resourceMetrics.scopeMetrics = [scope]
    var request = MetricsRequest()
    request.resourceMetrics = [resourceMetrics]
    return request
}

extension OTLPIngest {
    /// Posts `message` as protobuf (what the Python SDK's http exporter sends).
    func post(_ signal: OTLPSignal, _ message: some SwiftProtobuf.Message) async throws -> OTLPReply {
        await handle(signal: signal, encoding: .protobuf, contentEncoding: nil, body: try message.serializedBytes())
    }
}
