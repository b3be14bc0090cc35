import Foundation
import OTLP
import SwiftProtobuf
import Telemetry
import Testing

/// OTLP/JSON (hex ids, integer enums, int64 as strings), gzip, and the encodings refused.
@Suite struct EncodingTests {
    static let traceJSON = """
        {"resourceSpans":[{"resource":{"attributes":[
            {"key":"service.name","value":{"stringValue":"web"}},
            {"key":"service.instance.id","value":{"stringValue":"web-1"}},
            {"key":"replicas","value":{"intValue":"2"}}]},
          "scopeSpans":[{"scope":{"name":"manual"},"spans":[
            {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"",
             "name":"GET /","kind":2,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":1544712661000000000,
             "attributes":[{"key":"http.status","value":{"intValue":500}},{"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"boolValue":true}]}}}],
             "status":{"code":2,"message":"boom"},"unknownField":{"x":1}},
            {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","parentSpanId":"eee19b7ec3c1b174",
             "name":"child","kind":"SPAN_KIND_INTERNAL","startTimeUnixNano":"1544712660100000000","endTimeUnixNano":"1544712660200000000",
             "events":[{"timeUnixNano":"1544712660150000000","name":"retry"}]}
          ]}]}]}
        """

    @Test("OTLP/JSON: hex ids (either case), integer and named enums, int64 as strings or numbers, unknown fields ignored")
    func jsonTraces() async throws {
        let ingest = OTLPIngest(store: TelemetryStore())
        let reply = await ingest.handle(signal: .traces, encoding: .json, contentEncoding: nil, body: Array(Self.traceJSON.utf8))
        #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
        #expect(reply.contentType == "application/json")
        #expect(String(decoding: reply.body, as: UTF8.self) == "{}")
        let id = try #require(TraceID(hex: "5b8efff798038103d269b633813fc60c"))
        let spans = try #require(await ingest.store.spans(of: id))
        #expect(spans.count == 2)
        let root = spans[0]
        #expect(root.spanID.description == "eee19b7ec3c1b174")
        #expect(root.parentSpanID.isNone)
        #expect(root.kind == .server)
        #expect(root.status == .error)
        #expect(root.statusMessage == "boom")
        #expect(root.durationNano == 1_000_000_000)
        #expect(root.attributes["http.status"] == .int(500))
        #expect(root.attributes["tags"] == .composite("[\"a\",true]"))
        #expect(root.resource == TelemetryResourceKey(serviceName: "web", instanceID: "web-1"))
        #expect(spans[1].kind == .internal)
        #expect(spans[1].parentSpanID == root.spanID)
        #expect(spans[1].events.map(\.name) == ["retry"])
        #expect(await ingest.store.traceSummary(id)?.hasError == true)
    }

    @Test("OTLP/JSON logs and metrics; a log's trace id links it to its trace")
    func jsonLogsAndMetrics() async throws {
        let ingest = OTLPIngest(store: TelemetryStore())
        let logs = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"web"}}]},
              "scopeLogs":[{"logRecords":[{"timeUnixNano":"5","severityNumber":13,"severityText":"Warning",
                "body":{"stringValue":"slow"},"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
                "attributes":[{"key":"ms","value":{"doubleValue":12.5}}]}]}]}]}
            """
        #expect(await ingest.handle(signal: .logs, encoding: .json, contentEncoding: nil, body: Array(logs.utf8)).status == 200)
        let record = try #require(await ingest.store.logs().first)
        #expect(record.severityName == "WARN")
        #expect(record.traceID?.description == "5b8efff798038103d269b633813fc60c")
        #expect(record.spanID.description == "eee19b7ec3c1b174")
        #expect(record.attributes["ms"] == .double(12.5))
        let metrics = """
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"web"}}]},
              "scopeMetrics":[{"metrics":[{"name":"requests","unit":"1","sum":{"aggregationTemporality":2,"isMonotonic":true,
                "dataPoints":[{"timeUnixNano":"10","asInt":"3"},{"timeUnixNano":"20","asInt":"7",
                  "exemplars":[{"asInt":"1","traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}]}]}},
                {"name":"latency","histogram":{"aggregationTemporality":1,"dataPoints":[{"timeUnixNano":"10","count":"3","sum":6,
                  "bucketCounts":["1","2","0"],"explicitBounds":[1,5],"min":1,"max":4}]}}]}]}]}
            """
        #expect(await ingest.handle(signal: .metrics, encoding: .json, contentEncoding: nil, body: Array(metrics.utf8)).status == 200)
        #expect(await ingest.store.points(of: "web", instrument: "requests").map(\.point.value) == [3, 7])
        let histogram = try #require(await ingest.store.points(of: "web", instrument: "latency").first?.point)
        #expect(histogram.count == 3 && histogram.bucketCounts == [1, 2, 0] && histogram.bounds == [1, 5] && histogram.max == 4)
        #expect(await ingest.store.instruments(of: "web").map(\.kind) == [.histogram, .sum])
    }

    @Test("partial success in JSON names the rejected count")
    func jsonPartialSuccess() async throws {
        let body = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000000000","spanId":"eee19b7ec3c1b174","name":"x"}]}]}]}
            """
        let reply = await OTLPIngest(store: TelemetryStore()).handle(signal: .traces, encoding: .json, contentEncoding: nil, body: Array(body.utf8))
        #expect(reply.status == 200)
        let response = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse(jsonUTF8Bytes: reply.body)
        #expect(response.partialSuccess.rejectedSpans == 1)
    }

    @Test("gzip bodies are inflated; a bomb is 413 at the limit; broken gzip is 400; other encodings 415")
    func gzip() async throws {
        let ingest = OTLPIngest(store: TelemetryStore(), maxBodyBytes: 64 * 1_024)
        let plain = try logsRequest("api", count: 3).serializedBytes() as [UInt8]
        let compressed = try #require(Gzip.deflate(plain))
        #expect(await ingest.handle(signal: .logs, encoding: .protobuf, contentEncoding: "gzip", body: compressed).status == 200)
        #expect(await ingest.store.logs().count == 3)

        let bomb = try #require(Gzip.deflate([UInt8](repeating: 0, count: 10 * 1_024 * 1_024)))
        #expect(bomb.count < 64 * 1_024)
        #expect(await ingest.handle(signal: .logs, encoding: .protobuf, contentEncoding: "gzip", body: bomb).status == 413)
        #expect(await ingest.handle(signal: .logs, encoding: .protobuf, contentEncoding: "gzip", body: Array(compressed.dropLast(4))).status == 400)
        #expect(await ingest.handle(signal: .logs, encoding: .protobuf, contentEncoding: "br", body: plain).status == 415)
        #expect(await ingest.store.logs().count == 3)
    }

    @Test("content types: protobuf and JSON with parameters; anything else is unsupported")
    func contentTypes() {
        #expect(OTLPEncoding(contentType: "application/x-protobuf") == .protobuf)
        #expect(OTLPEncoding(contentType: "application/json; charset=utf-8") == .json)
        #expect(OTLPEncoding(contentType: "Application/JSON") == .json)
        #expect(OTLPEncoding(contentType: "text/plain") == nil)
        #expect(OTLPEncoding(contentType: nil) == nil)
    }
}
