import Foundation
import Telemetry
import Testing

/// `aspire otel`'s text (``TelemetryText``) and the words its flags take (``TelemetryArguments``).
@Suite struct TelemetryTextTests {
    static func span(
        _ id: String, parent: String?, name: String, resource: String, start: UInt64, end: UInt64, error: String? = nil
    ) throws -> TelemetrySpanJSON {
        var object: [String: Any] = [
            "spanId": id, "name": name, "kind": "server", "resource": resource, "instance": resource, "scope": "",
            "startUnixNano": start, "endUnixNano": end, "durationNano": end - start, "status": error == nil ? "ok" : "error",
            "attributes": [], "events": [], "links": [], "droppedCount": 0,
        ]
        if let parent { object["parentSpanId"] = parent }
        if let error { object["statusMessage"] = error }
        return try JSONDecoder().decode(TelemetrySpanJSON.self, from: JSONSerialization.data(withJSONObject: object))
    }

    static func trace(spans: [TelemetrySpanJSON], hasError: Bool) throws -> TelemetryTraceJSON {
        let object: [String: Any] = [
            "traceId": "5b8efff798038103d269b633813fc60c", "rootName": "GET /", "rootResource": "web", "resources": ["api", "web"],
            "startUnixNano": 1_000_000_000, "durationNano": 100_000_000, "spanCount": spans.count, "hasError": hasError,
        ]
        return try JSONDecoder().decode(TelemetryTraceJSON.self, from: JSONSerialization.data(withJSONObject: object))
    }

    @Test("the waterfall nests children under parents by start time, places bars, marks errors, shows orphans as roots")
    func waterfall() throws {
        let spans = [
            try Self.span("b", parent: "a", name: "SELECT", resource: "api", start: 1_050_000_000, end: 1_100_000_000, error: "boom"),
            try Self.span("a", parent: nil, name: "GET /", resource: "web", start: 1_000_000_000, end: 1_100_000_000),
            try Self.span("c", parent: "a", name: "auth", resource: "api", start: 1_000_000_000, end: 1_010_000_000),
            try Self.span("d", parent: "gone", name: "late", resource: "web", start: 1_090_000_000, end: 1_095_000_000),
        ]
        let detail = TelemetryTraceDetail(trace: try Self.trace(spans: spans, hasError: true), spans: spans, logs: [])
        let text = TelemetryText.waterfall(detail, barWidth: 20)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "trace 5b8efff798038103d269b633813fc60c  GET /  100ms  4 spans  ERROR")
        #expect(lines[1] == "  GET /     web  |====================|  +0ns  100ms")
        #expect(lines[2] == "    auth    api  |==                  |  +0ns  10.0ms")
        #expect(lines[3] == "!   SELECT  api  |          !!!!!!!!!!|  +50.0ms  50.0ms  error: boom")
        #expect(lines[4] == "  late      web  |                  = |  +90.0ms  5.00ms")
        #expect(lines.count == 5)
    }

    @Test("a parent cycle shows each span once")
    func cycle() throws {
        let spans = [
            try Self.span("a", parent: "b", name: "x", resource: "web", start: 0, end: 10),
            try Self.span("b", parent: "a", name: "y", resource: "web", start: 5, end: 10),
        ]
        #expect(TelemetryText.treeOrder(spans).map(\.span.spanId).sorted() == ["a", "b"])
    }

    @Test("durations, times and log lines")
    func pieces() throws {
        #expect(TelemetryText.duration(850) == "850ns")
        #expect(TelemetryText.duration(12_300) == "12.3µs")
        #expect(TelemetryText.duration(3_400_000) == "3.40ms")
        #expect(TelemetryText.duration(1_250_000_000) == "1.25s")
        #expect(TelemetryText.duration(123_000_000_000) == "2m03s")
        #expect(TelemetryText.time(1_795_678_700_123_000_000) == "2026-11-26 07:38:20.123")
        #expect(TelemetryText.time(0) == "1970-01-01 00:00:00.000")
        let record = try JSONDecoder().decode(
            TelemetryLogJSON.self,
            from: Data(
                """
                {"sequence": 1, "timeUnixNano": 0, "resource": "api", "instance": "api-1", "severityNumber": 17, "severity": "ERROR",
                 "message": "bad\\nthing \\u001b[31m", "scope": "", "traceId": "5b8efff798038103d269b633813fc60c", "attributes": []}
                """.utf8))
        #expect(
            TelemetryText.logLine(record, resourceWidth: 5)
                == "1970-01-01 00:00:00.000  api    ERROR  bad thing  [31m  [trace 5b8efff798038103d269b633813fc60c]")
    }

    @Test("severities and durations parse as people type them; bad words are nil, never a trap")
    func arguments() {
        #expect(TelemetryArguments.severity("warn") == 13)
        #expect(TelemetryArguments.severity("WARNING") == 13)
        #expect(TelemetryArguments.severity("error") == 17)
        #expect(TelemetryArguments.severity("17") == 17)
        #expect(TelemetryArguments.severity("25") == nil)
        #expect(TelemetryArguments.severity("loud") == nil)
        #expect(TelemetryArguments.durationNano("50ms") == 50_000_000)
        #expect(TelemetryArguments.durationNano("1.5s") == 1_500_000_000)
        #expect(TelemetryArguments.durationNano("1m30s") == 90_000_000_000)
        #expect(TelemetryArguments.durationNano("250us") == 250_000)
        #expect(TelemetryArguments.durationNano("0") == 0)
        for bad in ["", "50", "ms", "5x", "-1s", "1e400s", "9999999h", "1..2s", "nan", "infs"] {
            #expect(TelemetryArguments.durationNano(bad) == nil, "\(bad)")
        }
    }
}
