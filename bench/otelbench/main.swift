// otelbench: the OTLP receiver's ingest and memory benchmarks (bench/otel.py runs it; not part of `make test`).
//
//   otelbench ingest [--seconds S] [--senders N]   4 loopback senders into an in-process receiver, then the floor
//   otelbench load --port P [--seconds S]          the same load into another receiver (the Python one)
//   otelbench memory [--spans N] [--logs N]        RSS at the caps, then after N spans and N log records
//   otelbench floor [--seconds S] [--batches N]    only the floor (decode, convert, store in a loop), for profilers;
//                                                  --batches: exactly N batches (callgrind's instruction counts)
//
// Each prints one JSON object on stdout.
import Dispatch
import Foundation
import OTLP
import SwiftProtobuf
import Telemetry

#if canImport(Glibc)
    import Glibc
#endif

typealias TraceRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
typealias LogsRequest = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest

let spansPerBatch = 512
let spansPerTrace = 8

func attribute(_ key: String, _ value: String) -> Opentelemetry_Proto_Common_V1_KeyValue {
    var pair = Opentelemetry_Proto_Common_V1_KeyValue()
    pair.key = key
    pair.value.stringValue = value
    return pair
}

func resource(_ service: String) -> Opentelemetry_Proto_Resource_V1_Resource {
    var resource = Opentelemetry_Proto_Resource_V1_Resource()
    resource.attributes = [attribute("service.name", service), attribute("service.instance.id", service + "-1")]
    return resource
}

func bigEndian(_ value: UInt64) -> Data { withUnsafeBytes(of: value.bigEndian) { Data($0) } }

/// Batch `index` of 512 spans: 64 traces of 8 spans (a root and 7 children), unique trace ids per batch.
func traceBatch(_ index: Int) -> [UInt8] {
    var scope = Opentelemetry_Proto_Trace_V1_ScopeSpans()
    scope.scope.name = "otelbench"
    let base = UInt64(1_795_000_000) * 1_000_000_000
    for n in 0..<spansPerBatch {
        let trace = UInt64(index * spansPerBatch / spansPerTrace + n / spansPerTrace + 1)
        var span = Opentelemetry_Proto_Trace_V1_Span()
        span.traceID = bigEndian(0xA5A5) + bigEndian(trace)
        span.spanID = bigEndian(UInt64(index * spansPerBatch + n + 1))
        if n % spansPerTrace != 0 { span.parentSpanID = bigEndian(UInt64(index * spansPerBatch + n - n % spansPerTrace + 1)) }
        span.name = n % spansPerTrace == 0 ? "GET /orders/{id}" : "SELECT orders"
        span.kind = n % spansPerTrace == 0 ? .server : .client
        span.startTimeUnixNano = base + UInt64(n) * 1_000_000
        span.endTimeUnixNano = span.startTimeUnixNano + 750_000
        span.attributes = [
            attribute("http.request.method", "GET"), attribute("url.path", "/orders/\(n)"),
            attribute("http.response.status_code", "200"), attribute("server.address", "localhost"),
            attribute("db.system", "postgresql"),
        ]
        scope.spans.append(span)
    }
    var spans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
    spans.resource = resource(index % 2 == 0 ? "frontend" : "api")
    spans.scopeSpans = [scope]
    var request = TraceRequest()
    request.resourceSpans = [spans]
    return (try? Array(request.serializedBytes() as [UInt8])) ?? []
}

/// 512 log records, a third of them inside a span.
func logBatch(_ index: Int) -> [UInt8] {
    var scope = Opentelemetry_Proto_Logs_V1_ScopeLogs()
    for n in 0..<spansPerBatch {
        var record = Opentelemetry_Proto_Logs_V1_LogRecord()
        record.timeUnixNano = UInt64(1_795_000_000) * 1_000_000_000 + UInt64(index * spansPerBatch + n)
        record.severityNumber = .info
        record.body.stringValue = "order \(index * spansPerBatch + n) placed for customer 42 in 12 ms"
        record.attributes = [attribute("order.id", String(n)), attribute("customer", "42"), attribute("code.function", "place")]
        if n % 3 == 0 {
            record.traceID = bigEndian(0xB5B5) + bigEndian(UInt64(index * spansPerBatch + n + 1))
            record.spanID = bigEndian(UInt64(n + 1))
        }
        scope.logRecords.append(record)
    }
    var logs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
    logs.resource = resource("api")
    logs.scopeLogs = [scope]
    var request = LogsRequest()
    request.resourceLogs = [logs]
    return (try? Array(request.serializedBytes() as [UInt8])) ?? []
}

func option(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else {
        return fallback
    }
    return value
}

func emit(_ object: [String: Any]) {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    print(String(decoding: data, as: UTF8.self))
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
}

func residentMB() -> Double {
    let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return kb / 1024
    }
    return 0
}

let mode = CommandLine.arguments.dropFirst().first ?? "ingest"
let seconds = option("--seconds", 10)
let senders = option("--senders", 4)
// 256 distinct batches: 16,384 traces, more than the 10,000 kept, so a batch seen again makes new traces.
let pool = (0..<256).map(traceBatch)
let key = "benchbenchbenchbenchbenchbench00"

/// The floor: the pool's batches through `OTLPIngest.handle` (decode, convert, store) in a loop in one task, no HTTP.
func floor(seconds: Int, batches limit: Int = 0) async -> (spansPerSecond: Double, batches: Int) {
    let store = TelemetryStore()
    let ingest = OTLPIngest(store: store)
    let start = ContinuousClock.now
    var batches = 0
    while limit > 0 ? batches < limit : ContinuousClock.now - start < .seconds(seconds) {
        _ = await ingest.handle(signal: .traces, encoding: .protobuf, contentEncoding: nil, body: pool[batches % pool.count])
        batches += 1
    }
    let elapsed = (ContinuousClock.now - start) / .seconds(1)
    return (Double(await store.counters.spansAccepted) / elapsed, batches)
}

switch mode {
case "floor":
    let result = await floor(seconds: seconds, batches: option("--batches", 0))
    emit(["floorSpansPerSecond": result.spansPerSecond, "batches": result.batches, "seconds": seconds])
case "ingest":
    let store = TelemetryStore()
    let receiver = TelemetryReceiver(port: 0, apiKey: key, store: store)
    let ports = AsyncStream.makeStream(of: Int.self)
    let server = Task { try await receiver.run(onRunning: { ports.continuation.yield($0) }) }
    var iterator = ports.stream.makeAsyncIterator()
    guard let port = await iterator.next() else {
        FileHandle.standardError.write(Data("otelbench: the receiver did not start\n".utf8))
        exit(1)
    }
    let before = await store.counters.spansAccepted
    let load = await LoadGenerator.run(port: port, key: key, pool: pool, senders: senders, seconds: Double(seconds))
    let stored = await store.counters.spansAccepted - before
    server.cancel()
    // The floor: the same batches through the same decode + store path, in a loop, in this process.
    let floorRate = await floor(seconds: seconds).spansPerSecond
    let rate = Double(stored) / load.elapsed
    emit([
        "spansPerSecond": rate, "floorSpansPerSecond": floorRate, "ratioToFloor": rate / floorRate, "requests": load.requests,
        "failed": load.failed, "p50ms": load.p50, "p99ms": load.p99, "senders": senders, "seconds": seconds,
        "batchBytes": pool[0].count,
    ])
case "load":
    let port = option("--port", 4318)
    let load = await LoadGenerator.run(port: port, key: key, pool: pool, senders: senders, seconds: Double(seconds))
    emit([
        "spansPerSecond": Double(load.requests * spansPerBatch) / load.elapsed, "requests": load.requests, "failed": load.failed,
        "p50ms": load.p50, "p99ms": load.p99,
    ])
case "memory":
    let totalSpans = option("--spans", 1_000_000)
    let totalLogs = option("--logs", 1_000_000)
    let logPool = (0..<64).map(logBatch)
    let store = TelemetryStore()
    let ingest = OTLPIngest(store: store)
    let baseline = residentMB()
    var spanBatches = 0
    var logBatches = 0
    func feed(spans: Int, logs: Int) async {
        while spanBatches * spansPerBatch < spans || logBatches * spansPerBatch < logs {
            if spanBatches * spansPerBatch < spans {
                _ = await ingest.handle(signal: .traces, encoding: .protobuf, contentEncoding: nil, body: pool[spanBatches % pool.count])
                spanBatches += 1
            }
            if logBatches * spansPerBatch < logs {
                _ = await ingest.handle(signal: .logs, encoding: .protobuf, contentEncoding: nil, body: logPool[logBatches % logPool.count])
                logBatches += 1
            }
        }
    }
    // At the caps: twice the spans and records the caps hold, so every cap is full and eviction has begun.
    let limits = TelemetryLimits()  // the store's, the defaults
    await feed(spans: 2 * limits.traces * spansPerTrace, logs: 2 * limits.logRecords)
    let atCaps = residentMB()
    let capSizes = await store.sizes()
    await feed(spans: totalSpans, logs: totalLogs)
    let after = residentMB()
    let sizes = await store.sizes()
    emit([
        "baselineMB": baseline, "atCapsMB": atCaps, "afterMB": after, "ratio": after / atCaps,
        "spansIngested": spanBatches * spansPerBatch, "logsIngested": logBatches * spansPerBatch,
        "tracesHeld": sizes.traces, "spansHeld": sizes.spans, "logsHeld": sizes.logs,
        "tracesHeldAtCaps": capSizes.traces, "logsHeldAtCaps": capSizes.logs,
    ])
default:
    FileHandle.standardError.write(Data("usage: otelbench ingest|load|memory|floor [options]\n".utf8))
    exit(2)
}
