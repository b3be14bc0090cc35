import Foundation
import OTLP
import SwiftProtobuf
import Telemetry
import Testing

@Suite struct StoreTests {
    func ingest(_ limits: TelemetryLimits = TelemetryLimits()) -> OTLPIngest {
        OTLPIngest(store: TelemetryStore(limits: limits))
    }

    @Test("spans arriving before their parent, from two resources, assemble into one trace")
    func assembly() async throws {
        let ingest = ingest()
        // The api's spans (children) arrive first, then the frontend's root and client span.
        #expect(try await ingest.post(.traces, traceRequest("api", [span(trace: 7, span: 3, parent: 2, name: "GET /items", start: 1_200, end: 1_800)])).status == 200)
        #expect(try await ingest.post(.traces, traceRequest("frontend", [
            span(trace: 7, span: 2, parent: 1, name: "call api", start: 1_100, end: 1_900),
            span(trace: 7, span: 1, name: "GET /checkout", start: 1_000, end: 2_000),
        ])).status == 200)
        let traces = await ingest.store.traces()
        #expect(traces.count == 1)
        let summary = try #require(traces.first)
        #expect(summary.rootName == "GET /checkout")
        #expect(summary.resources == ["api", "frontend"])
        #expect(summary.spanCount == 3)
        #expect(summary.durationNano == 1_000)
        let spans = try #require(await ingest.store.spans(of: summary.traceID))
        #expect(spans.map(\.name) == ["GET /checkout", "call api", "GET /items"])
        #expect(spans[2].parentSpanID == spans[1].spanID)
        #expect(spans[2].resource.serviceName == "api")
    }

    @Test("past the trace cap the oldest traces go first; memory stays at the cap")
    func traceEviction() async throws {
        var limits = TelemetryLimits()
        limits.traces = 10
        let ingest = ingest(limits)
        for n in 0..<25 {
            _ = try await ingest.post(.traces, traceRequest("api", [span(trace: n, span: 1, start: UInt64(n), end: UInt64(n + 1))]))
        }
        let traces = await ingest.store.traces()
        #expect(traces.count == 10)
        #expect(Set(traces.map(\.traceID.description)) == Set((15..<25).map(traceHex)))
        #expect(await ingest.store.counters.tracesEvicted == 15)
        // A late span of an evicted trace starts it again, evicting the next oldest.
        _ = try await ingest.post(.traces, traceRequest("api", [span(trace: 0, span: 2)]))
        #expect(await ingest.store.sizes().traces == 10)
        let evicted = try #require(TraceID(hex: traceHex(15)))
        #expect(await ingest.store.traceSummary(evicted) == nil)
    }

    @Test("a full trace rejects further spans as a partial success")
    func spansPerTrace() async throws {
        var limits = TelemetryLimits()
        limits.spansPerTrace = 3
        let ingest = ingest(limits)
        let reply = try await ingest.post(.traces, traceRequest("api", (1...5).map { span(trace: 1, span: $0) }))
        #expect(reply.status == 200)
        let response = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse(serializedBytes: reply.body)
        #expect(response.partialSuccess.rejectedSpans == 2)
        #expect(!response.partialSuccess.errorMessage.isEmpty)
        #expect(await ingest.store.sizes().spans == 3)
    }

    @Test("spans with bad ids are rejected, the rest of the batch is kept")
    func badIDs() async throws {
        let ingest = ingest()
        var bad = span(trace: 1, span: 9)
        bad.traceID = Data([1, 2, 3])
        var zero = span(trace: 1, span: 8)
        zero.traceID = Data(count: 16)
        let reply = try await ingest.post(.traces, traceRequest("api", [bad, zero, span(trace: 1, span: 1)]))
        let response = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse(serializedBytes: reply.body)
        #expect(response.partialSuccess.rejectedSpans == 2)
        #expect(await ingest.store.sizes().spans == 1)
    }

    @Test("a fully accepted request answers an empty response")
    func fullSuccess() async throws {
        let reply = try await ingest().post(.logs, logsRequest("api", count: 2))
        #expect(reply.status == 200)
        #expect(reply.contentType == "application/x-protobuf")
        #expect(reply.body.isEmpty)
    }

    @Test("past the log cap the oldest records go first")
    func logEviction() async throws {
        var limits = TelemetryLimits()
        limits.logRecords = 100
        let ingest = ingest(limits)
        for batch in 0..<5 {
            _ = try await ingest.post(.logs, logsRequest("api", count: 50, first: batch * 50))
        }
        let logs = await ingest.store.logs(LogFilter(limit: 1_000))
        #expect(logs.count == 100)
        #expect(logs.first?.body.text == "record 150")
        #expect(logs.last?.body.text == "record 249")
        #expect(logs.first?.sequence == 151)
        #expect(await ingest.store.counters.logsEvicted == 150)
    }

    @Test("log filters: resource, minimum severity, text, trace, after")
    func logFilters() async throws {
        let ingest = ingest()
        _ = try await ingest.post(.logs, logsRequest("api", count: 4))
        _ = try await ingest.post(.logs, logsRequest("web", count: 2, first: 10, trace: 5))
        let store = ingest.store
        #expect(await store.logs(LogFilter(resources: ["web"])).map(\.body.text) == ["record 10", "record 11"])
        #expect(await store.logs(LogFilter(minSeverity: 17)).map(\.body.text) == ["record 1", "record 3", "record 11"])
        #expect(await store.logs(LogFilter(text: "ORD 3")).map(\.body.text) == ["record 3"])
        #expect(await store.logs(LogFilter(traceID: TraceID(hex: traceHex(5)))).count == 2)
        #expect(await store.logs(LogFilter(after: 4)).map(\.body.text) == ["record 10", "record 11"])
        #expect(await store.logs(LogFilter(limit: 1)).map(\.body.text) == ["record 11"])
    }

    @Test("metric points are capped per resource, oldest first across instruments")
    func metricEviction() async throws {
        var limits = TelemetryLimits()
        limits.metricPointsPerResource = 50
        let ingest = ingest(limits)
        _ = try await ingest.post(.metrics, counterRequest("api", name: "a", values: (0..<40).map(Double.init)))
        _ = try await ingest.post(.metrics, counterRequest("api", name: "b", values: (0..<30).map(Double.init), from: 100))
        _ = try await ingest.post(.metrics, counterRequest("web", name: "a", values: [1, 2]))
        let instruments = await ingest.store.instruments(of: "api")
        #expect(instruments.map(\.name) == ["a", "b"])
        #expect(instruments.map(\.pointCount) == [20, 30])
        #expect(instruments.first?.kind == .sum)
        #expect(instruments.first?.isMonotonic == true)
        let points = await ingest.store.points(of: "api", instrument: "a")
        #expect(points.map(\.point.value) == (20..<40).map(Double.init))
        #expect(await ingest.store.points(of: "web", instrument: "a").count == 2)
        #expect(await ingest.store.counters.pointsEvicted == 20)
    }

    @Test("attributes past the per-item cap are dropped and counted")
    func attributeCap() async throws {
        var limits = TelemetryLimits()
        limits.attributesPerItem = 4
        let ingest = ingest(limits)
        let many = (0..<10).map { attribute("k\($0)", "v\($0)") }
        _ = try await ingest.post(.traces, traceRequest("api", [span(trace: 1, span: 1, attributes: many)]))
        let id = try #require(TraceID(hex: traceHex(1)))
        let spans = try #require(await ingest.store.spans(of: id))
        #expect(spans.first?.attributes.map(\.key) == ["k0", "k1", "k2", "k3"])
        #expect(spans.first?.droppedCount == 6)
    }

    @Test("trace filters: resource and minimum duration")
    func traceFilters() async throws {
        let ingest = ingest()
        _ = try await ingest.post(.traces, traceRequest("api", [span(trace: 1, span: 1, start: 0, end: 10)]))
        _ = try await ingest.post(.traces, traceRequest("web", [span(trace: 2, span: 1, start: 5, end: 1_000)]))
        #expect(await ingest.store.traces(TraceFilter(resources: ["api"])).count == 1)
        #expect(await ingest.store.traces(TraceFilter(minDurationNano: 100)).map(\.resources) == [["web"]])
        #expect(await ingest.store.traces().map(\.traceID.description) == [traceHex(2), traceHex(1)])
    }

    @Test("a malformed body is 400 and stores nothing")
    func malformed() async throws {
        let ingest = ingest()
        for signal in OTLPSignal.allCases {
            let reply = await ingest.handle(signal: signal, encoding: .protobuf, contentEncoding: nil, body: [0xFF, 0xFF, 0xFF])
            #expect(reply.status == 400)
            let json = await ingest.handle(signal: signal, encoding: .json, contentEncoding: nil, body: Array("{\"resource".utf8))
            #expect(json.status == 400)
            #expect(String(decoding: json.body, as: UTF8.self).contains("\"code\":3"))
        }
        let sizes = await ingest.store.sizes()
        #expect(sizes.traces == 0 && sizes.logs == 0 && sizes.points == 0)
        #expect(await ingest.store.resourceList().isEmpty)
    }
}
