import Foundation
package import Telemetry

// The telemetry endpoints, for `aspire otel …` (docs/control-api.md).
extension ControlClient {
    /// `GET /v1/telemetry/logs`: records matching the filter, oldest first, and the sequence to continue `after`.
    ///
    /// - Throws: `ControlClientError` (`.refused` 400 for a bad severity or trace id).
    package func telemetryLogs(
        resources: [String] = [], severity: String? = nil, trace: String? = nil, text: String? = nil, after: UInt64 = 0,
        limit: Int = 500
    ) throws(ControlClientError) -> TelemetryLogsPage {
        var query = resources.map { ("resource", $0) }
        if let severity { query.append(("severity", severity)) }
        if let trace { query.append(("trace", trace)) }
        if let text, !text.isEmpty { query.append(("text", text)) }
        query += [("after", String(after)), ("limit", String(max(0, limit)))]
        return try get(TelemetryLogsPage.self, "/v1/telemetry/logs", query)
    }

    /// `GET /v1/telemetry/traces`: traces newest first.
    package func telemetryTraces(resources: [String] = [], minDuration: String? = nil, limit: Int = 200) throws(ControlClientError)
        -> TelemetryTracesPage
    {
        var query = resources.map { ("resource", $0) }
        if let minDuration { query.append(("minDuration", minDuration)) }
        query.append(("limit", String(max(0, limit))))
        return try get(TelemetryTracesPage.self, "/v1/telemetry/traces", query)
    }

    /// `GET /v1/telemetry/traces/{id}`.
    ///
    /// - Throws: `ControlClientError`; `.refused` 404 `unknownTrace` when the store has no such trace.
    package func telemetryTrace(_ id: String) throws(ControlClientError) -> TelemetryTraceDetail {
        try get(TelemetryTraceDetail.self, "/v1/telemetry/traces/" + Self.escape(id), [])
    }

    /// `GET /v1/telemetry/resources/{name}/instruments`.
    package func telemetryInstruments(of resource: String) throws(ControlClientError) -> TelemetryInstrumentsPage {
        try get(TelemetryInstrumentsPage.self, "/v1/telemetry/resources/\(Self.escape(resource))/instruments", [])
    }

    /// `GET /v1/telemetry/resources/{name}/instruments/{instrument}`.
    package func telemetryPoints(of resource: String, instrument: String) throws(ControlClientError) -> TelemetryPointsPage {
        try get(
            TelemetryPointsPage.self,
            "/v1/telemetry/resources/\(Self.escape(resource))/instruments/\(Self.escape(instrument))", [])
    }

    private func get<T: Decodable>(_ type: T.Type, _ path: String, _ query: [(String, String)]) throws(ControlClientError) -> T {
        let suffix = query.isEmpty ? "" : "?" + query.map { Self.escape($0.0) + "=" + Self.escape($0.1) }.joined(separator: "&")
        let bytes = try request("GET", path + suffix)
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw ControlClientError(.io("the app sent an answer that is not the expected JSON: \(error)"))
        }
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986).
    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
