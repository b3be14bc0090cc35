import AppModel
import Foundation
package import Telemetry

/// What the control API's telemetry endpoints read: the run's store, and the OTLP key, which
/// no answer may contain (telemetry is passed through as received, the key is masked).
package struct ControlTelemetry: Sendable {
    package var store: TelemetryStore
    package var apiKey: String

    package init(store: TelemetryStore, apiKey: String) {
        self.store = store
        self.apiKey = apiKey
    }
}

// Read-only routes under /v1/telemetry (docs/control-api.md):
//   GET /v1/telemetry/resources
//   GET /v1/telemetry/logs?resource=R&severity=S&trace=ID&text=T&after=N&limit=N
//   GET /v1/telemetry/traces?resource=R&minDuration=50ms&limit=N
//   GET /v1/telemetry/traces/{traceId}
//   GET /v1/telemetry/resources/{name}/instruments
//   GET /v1/telemetry/resources/{name}/instruments/{instrument}
extension ControlRouter {
    /// The answer to a request whose path starts with `/v1/telemetry`.
    func respondTelemetry(_ route: ArraySlice<String>, _ request: ControlRequest) async -> ControlResponse {
        guard let telemetry else {
            return Self.error(404, "this app has no OTLP receiver (no telemetry is collected)", code: "noTelemetry")
        }
        guard request.method == "GET" else {
            var response = Self.error(405, "use GET here", code: "methodNotAllowed")
            response.headers["Allow"] = "GET"
            return response
        }
        let query = TelemetryQuery(request.query)
        let store = telemetry.store
        let answer: ControlResponse
        switch Array(route) {
        case ["resources"]:
            let list = await store.resourceList().map { TelemetryResourcesPage.Entry(name: $0.key.serviceName, instance: $0.key.instanceID) }
            answer = Self.json(200, TelemetryResourcesPage(resources: list))
        case ["logs"]:
            var filter = LogFilter(resources: Set(query.all("resource")))
            if let word = query.first("severity") {
                guard let severity = TelemetryArguments.severity(word) else {
                    return Self.error(400, "unknown severity '\(word)' (trace, debug, info, warn, error, fatal or 0-24)", code: "badRequest")
                }
                filter.minSeverity = severity
            }
            if let text = query.first("trace") {
                guard let trace = TraceID(hex: text) else {
                    return Self.error(400, "'\(text)' is not a trace id (32 hex digits)", code: "badRequest")
                }
                filter.traceID = trace
            }
            filter.text = query.first("text") ?? ""
            guard let after = query.number("after", default: 0), let limit = query.number("limit", default: 500) else {
                return Self.error(400, "after and limit are whole numbers", code: "badRequest")
            }
            filter.after = after
            filter.limit = Int(clamping: min(limit, 10_000))
            let (records, last) = await store.logPage(filter)
            answer = Self.json(200, TelemetryLogsPage(logs: records.map(TelemetryLogJSON.init), last: last))
        case ["traces"]:
            var filter = TraceFilter(resources: Set(query.all("resource")))
            if let text = query.first("minDuration") {
                guard let nanos = TelemetryArguments.durationNano(text) else {
                    return Self.error(400, "'\(text)' is not a duration (e.g. 50ms, 1.5s, 2m)", code: "badRequest")
                }
                filter.minDurationNano = nanos
            }
            guard let limit = query.number("limit", default: 200) else {
                return Self.error(400, "limit is a whole number", code: "badRequest")
            }
            filter.limit = Int(clamping: min(limit, 10_000))
            answer = Self.json(200, TelemetryTracesPage(traces: await store.traces(filter).map(TelemetryTraceJSON.init)))
        case let path where path.count == 2 && path[0] == "traces":
            guard let trace = TraceID(hex: path[1]) else {
                return Self.error(400, "'\(path[1])' is not a trace id (32 hex digits)", code: "badRequest")
            }
            guard let detail = await store.traceDetail(trace) else {
                return Self.error(
                    404, "no trace \(trace) in the app's telemetry (never received, or evicted at the cap)", code: "unknownTrace")
            }
            answer = Self.json(
                200,
                TelemetryTraceDetail(
                    trace: TelemetryTraceJSON(detail.summary), spans: detail.spans.map(TelemetrySpanJSON.init),
                    logs: detail.logs.map(TelemetryLogJSON.init)))
        case let path where path.count == 3 && path[0] == "resources" && path[2] == "instruments":
            let instruments = await store.instruments(of: path[1])
            guard !instruments.isEmpty else { return await Self.unknownMetrics(path[1], store: store) }
            answer = Self.json(200, TelemetryInstrumentsPage(resource: path[1], instruments: instruments.map(TelemetryInstrumentJSON.init)))
        case let path where path.count == 4 && path[0] == "resources" && path[2] == "instruments":
            let instruments = await store.instruments(of: path[1])
            guard !instruments.isEmpty else { return await Self.unknownMetrics(path[1], store: store) }
            guard let instrument = instruments.first(where: { $0.name == path[3] }) else {
                let names = instruments.map(\.name)
                let hint = DidYouMean.suggestion(for: path[3], in: names).map { "; did you mean '\($0)'?" } ?? " (it has: \(names.joined(separator: ", ")))"
                return Self.error(404, "\(path[1]) has no instrument named '\(path[3])'\(hint)", code: "unknownInstrument")
            }
            let points = await store.points(of: path[1], instrument: instrument.name)
            answer = Self.json(
                200,
                TelemetryPointsPage(
                    resource: path[1], instrument: TelemetryInstrumentJSON(instrument),
                    points: points.map { TelemetryPointJSON(instance: $0.instance, point: $0.point) }))
        default:
            return Self.error(404, "no such endpoint: \(request.path)", code: "notFound")
        }
        return Self.masking(telemetry.apiKey, in: answer)
    }

    static func unknownMetrics(_ name: String, store: TelemetryStore) async -> ControlResponse {
        let senders = Set(await store.resourceList().map(\.key.serviceName)).sorted()
        let hint = senders.isEmpty ? "no resource has sent telemetry yet" : "telemetry came from: \(senders.joined(separator: ", "))"
        return error(404, "no metrics from '\(name)' (\(hint))", code: "unknownResource")
    }

    /// `answer` with every occurrence of `key` replaced by `***` (the key may reach telemetry if
    /// an app logs its own environment; it must not leave through the API).
    static func masking(_ key: String, in answer: ControlResponse) -> ControlResponse {
        let needle = Array(key.utf8)
        guard needle.count >= 8 else { return answer }  // a key is 32 characters; never mask trivia
        let body = answer.body
        guard body.count >= needle.count else { return answer }
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var index = 0
        var changed = false
        let first = needle[0]
        while index < body.count {
            if body[index] == first, index + needle.count <= body.count, body[index..<(index + needle.count)].elementsEqual(needle) {
                out += Array("***".utf8)
                index += needle.count
                changed = true
            } else {
                out.append(body[index])
                index += 1
            }
        }
        guard changed else { return answer }
        var masked = answer
        masked.body = out
        return masked
    }
}

/// A query string's fields, percent-decoded; a field may repeat (`resource=a&resource=b`).
struct TelemetryQuery {
    private var fields: [(String, String)] = []

    init(_ query: String?) {
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let key = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            fields.append((key, value))
        }
    }

    static func decode(_ text: Substring) -> String {
        let plus = text.replacingOccurrences(of: "+", with: " ")
        return ControlRequest.percentDecoded(plus) ?? plus
    }

    /// Every value of `key`, comma lists split (`resource=a,b`), empty ones dropped.
    func all(_ key: String) -> [String] {
        fields.filter { $0.0 == key }.flatMap { $0.1.split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
    }

    func first(_ key: String) -> String? {
        fields.first { $0.0 == key && !$0.1.isEmpty }?.1
    }

    /// A non-negative whole number, `fallback` when absent; nil when malformed.
    func number(_ key: String, default fallback: UInt64) -> UInt64? {
        guard let text = first(key) else { return fallback }
        return UInt64(text)
    }
}
