import ControlPlane
import Foundation
import Telemetry
import Testing

/// The control API's `/v1/telemetry/…` routes, on a real store filled through the OTLP ingest path.
@Suite struct TelemetryRoutesTests {
    static let key = "K3yK3yK3yK3yK3yK3yK3yK3yK3yK3y00"
    static let trace = "5b8efff798038103d269b633813fc60c"

    /// A store holding one trace across `web` and `api` (api's span failed), three log records
    /// (one carrying the OTLP key in its body) and a counter of `api`.
    static func filledStore(limits: TelemetryLimits = TelemetryLimits()) async -> TelemetryStore {
        let store = TelemetryStore(limits: limits)
        let ingest = OTLPIngest(store: store)
        let spans = """
            {"resourceSpans": [
              {"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "web"}}]},
               "scopeSpans": [{"spans": [{"traceId": "\(trace)", "spanId": "0000000000000001", "name": "GET /",
                 "kind": 2, "startTimeUnixNano": "1000000000", "endTimeUnixNano": "1100000000"}]}]},
              {"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "api"}}]},
               "scopeSpans": [{"spans": [{"traceId": "\(trace)", "spanId": "0000000000000002", "parentSpanId": "0000000000000001",
                 "name": "SELECT", "kind": 3, "startTimeUnixNano": "1020000000", "endTimeUnixNano": "1080000000",
                 "status": {"code": 2, "message": "boom"}}]}]}]}
            """
        let logs = """
            {"resourceLogs": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "api"}}]},
              "scopeLogs": [{"logRecords": [
                {"timeUnixNano": "1030000000", "severityNumber": 9, "body": {"stringValue": "querying"}, "traceId": "\(trace)", "spanId": "0000000000000002"},
                {"timeUnixNano": "1040000000", "severityNumber": 17, "body": {"stringValue": "query failed"},
                 "attributes": [{"key": "db", "value": {"stringValue": "shop"}}]},
                {"timeUnixNano": "1050000000", "severityNumber": 13, "body": {"stringValue": "env key=\(key)"}}]}]}]}
            """
        let metrics = """
            {"resourceMetrics": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "api"}}]},
              "scopeMetrics": [{"metrics": [{"name": "requests", "unit": "1", "sum": {"isMonotonic": true, "aggregationTemporality": 2,
                "dataPoints": [{"timeUnixNano": "1000000000", "asInt": "3"}, {"timeUnixNano": "2000000000", "asInt": "5"}]}}]}]}]}
            """
        for (signal, body) in [(OTLPSignal.traces, spans), (.logs, logs), (.metrics, metrics)] {
            let reply = await ingest.handle(signal: signal, encoding: .json, contentEncoding: nil, body: Array(body.utf8))
            #expect(reply.status == 200, "\(signal): \(String(decoding: reply.body, as: UTF8.self))")
        }
        return store
    }

    static func get<T: Decodable>(_ router: ControlRouter, _ path: String, _ query: String? = nil, as type: T.Type) async throws -> T {
        let response = await router.respond(to: ControlRequest(method: "GET", path: path, query: query))
        #expect(response.status == 200, "\(path)?\(query ?? ""): \(String(decoding: response.body, as: UTF8.self))")
        return try JSONDecoder().decode(type, from: Data(response.body))
    }

    static func router(_ store: TelemetryStore) -> ControlRouter {
        ControlRouter(handler: ControlTransportTests.StubHandler(), telemetry: ControlTelemetry(store: store, apiKey: key))
    }

    @Test("logs filter by resource, severity, trace, text, and `after` returns only newer records")
    func logs() async throws {
        let router = Self.router(await Self.filledStore())
        let all = try await Self.get(router, "/v1/telemetry/logs", as: TelemetryLogsPage.self)
        #expect(all.logs.map(\.message) == ["querying", "query failed", "env key=***"])
        #expect(all.last == 3)
        let severe = try await Self.get(router, "/v1/telemetry/logs", "severity=warn", as: TelemetryLogsPage.self)
        #expect(severe.logs.map(\.severity) == ["ERROR", "WARN"])
        let traced = try await Self.get(router, "/v1/telemetry/logs", "trace=\(Self.trace)", as: TelemetryLogsPage.self)
        #expect(traced.logs.map(\.spanId) == ["0000000000000002"])
        let text = try await Self.get(router, "/v1/telemetry/logs", "text=SHOP", as: TelemetryLogsPage.self)
        #expect(text.logs.map(\.message) == ["query failed"])
        let none = try await Self.get(router, "/v1/telemetry/logs", "resource=web", as: TelemetryLogsPage.self)
        #expect(none.logs.isEmpty && none.last == 3)
        let after = try await Self.get(router, "/v1/telemetry/logs", "after=2", as: TelemetryLogsPage.self)
        #expect(after.logs.map(\.sequence) == [3])
        let bad = await router.respond(to: ControlRequest(method: "GET", path: "/v1/telemetry/logs", query: "severity=loud"))
        #expect(bad.status == 400)
        let badTrace = await router.respond(to: ControlRequest(method: "GET", path: "/v1/telemetry/logs", query: "trace=xyz"))
        #expect(badTrace.status == 400)
    }

    @Test("the OTLP key never leaves the API, whatever the telemetry holds")
    func keyMasked() async throws {
        let router = Self.router(await Self.filledStore())
        for (path, query) in [("/v1/telemetry/logs", ""), ("/v1/telemetry/logs", "text=env")] {
            let response = await router.respond(to: ControlRequest(method: "GET", path: path, query: query))
            #expect(!String(decoding: response.body, as: UTF8.self).contains(Self.key))
        }
    }

    @Test("traces list with min duration and resource; one trace has its spans and logs; unknown ids are 404")
    func traces() async throws {
        let router = Self.router(await Self.filledStore())
        let list = try await Self.get(router, "/v1/telemetry/traces", as: TelemetryTracesPage.self)
        #expect(list.traces.count == 1)
        let trace = try #require(list.traces.first)
        #expect(trace.traceId == Self.trace && trace.rootName == "GET /" && trace.resources == ["api", "web"])
        #expect(trace.durationNano == 100_000_000 && trace.spanCount == 2 && trace.hasError)
        let slow = try await Self.get(router, "/v1/telemetry/traces", "minDuration=150ms", as: TelemetryTracesPage.self)
        #expect(slow.traces.isEmpty)
        let fast = try await Self.get(router, "/v1/telemetry/traces", "minDuration=50ms&resource=api", as: TelemetryTracesPage.self)
        #expect(fast.traces.count == 1)
        let badDuration = await router.respond(to: ControlRequest(method: "GET", path: "/v1/telemetry/traces", query: "minDuration=fast"))
        #expect(badDuration.status == 400)

        let detail = try await Self.get(router, "/v1/telemetry/traces/\(Self.trace.uppercased())", as: TelemetryTraceDetail.self)
        #expect(detail.spans.map(\.name) == ["GET /", "SELECT"])
        #expect(detail.spans[1].parentSpanId == "0000000000000001" && detail.spans[1].status == "error")
        #expect(detail.spans[1].statusMessage == "boom" && detail.spans[1].kind == "client")
        #expect(detail.logs.map(\.message) == ["querying"])
        let missing = await router.respond(
            to: ControlRequest(method: "GET", path: "/v1/telemetry/traces/00000000000000000000000000000001"))
        #expect(missing.status == 404)
        #expect(String(decoding: missing.body, as: UTF8.self).contains("unknownTrace"))
    }

    @Test("a resource's instruments and one instrument's points; unknown names are 404 with a hint")
    func metrics() async throws {
        let router = Self.router(await Self.filledStore())
        let instruments = try await Self.get(router, "/v1/telemetry/resources/api/instruments", as: TelemetryInstrumentsPage.self)
        #expect(instruments.instruments.map(\.name) == ["requests"])
        #expect(instruments.instruments.first?.isMonotonic == true && instruments.instruments.first?.pointCount == 2)
        let points = try await Self.get(router, "/v1/telemetry/resources/api/instruments/requests", as: TelemetryPointsPage.self)
        #expect(points.points.map(\.value) == [3, 5])
        let typo = await router.respond(to: ControlRequest(method: "GET", path: "/v1/telemetry/resources/api/instruments/requets"))
        #expect(typo.status == 404 && String(decoding: typo.body, as: UTF8.self).contains("did you mean 'requests'"))
        let nobody = await router.respond(to: ControlRequest(method: "GET", path: "/v1/telemetry/resources/db/instruments"))
        #expect(nobody.status == 404 && String(decoding: nobody.body, as: UTF8.self).contains("telemetry came from: api, web"))
        let resources = try await Self.get(router, "/v1/telemetry/resources", as: TelemetryResourcesPage.self)
        #expect(resources.resources.map(\.name) == ["api", "web"])
    }

    @Test("without a receiver the telemetry routes answer 404 noTelemetry; they are GET only")
    func noTelemetry() async {
        let bare = ControlRouter(handler: ControlTransportTests.StubHandler())
        let response = await bare.respond(to: ControlRequest(method: "GET", path: "/v1/telemetry/logs"))
        #expect(response.status == 404 && String(decoding: response.body, as: UTF8.self).contains("noTelemetry"))
        let router = Self.router(TelemetryStore())
        let post = await router.respond(to: ControlRequest(method: "POST", path: "/v1/telemetry/logs"))
        #expect(post.status == 405)
    }
}
