import Foundation

/// Maps control API requests to a `ControlHandler` and its answers to JSON responses.
///
/// Routes (docs/control-api.md): `GET /v1/status`, `POST /v1/resources/{name}/{stop|start|restart}`,
/// `POST /v1/{stop|start|restart}` with `{"resources": [...]}`, `POST /v1/shutdown`, and the
/// read-only `GET /v1/telemetry/…` (ControlRouter+Telemetry.swift).
package struct ControlRouter: Sendable {
    let handler: any ControlHandler
    /// The run's telemetry; nil: the telemetry endpoints answer 404 `noTelemetry`.
    let telemetry: ControlTelemetry?

    package init(handler: any ControlHandler, telemetry: ControlTelemetry? = nil) {
        self.handler = handler
        self.telemetry = telemetry
    }

    /// The answer to one request.
    package func respond(to request: ControlRequest) async -> ControlResponse {
        let segments = request.pathSegments
        guard segments.first == "v1" else {
            return Self.error(404, "no such endpoint: \(request.path)", code: "notFound")
        }
        let route = Array(segments.dropFirst())
        if route.first == "telemetry" { return await respondTelemetry(route.dropFirst(), request) }
        switch route.count {
        case 1 where route[0] == "status":
            guard request.method == "GET" else { return Self.methodNotAllowed("GET") }
            if let wait = Self.readyWait(request.query) {
                return Self.json(200, await handler.status(waitingUntilReadyFor: wait))
            }
            return Self.json(200, await handler.status())
        case 1 where route[0] == "shutdown":
            guard request.method == "POST" else { return Self.methodNotAllowed("POST") }
            let answer = await handler.shutdown()
            return Self.json(202, answer)
        case 1:
            guard let action = ControlAction(rawValue: route[0]) else { break }
            guard request.method == "POST" else { return Self.methodNotAllowed("POST") }
            guard let body = try? JSONDecoder().decode(ControlActionRequest.self, from: Data(request.body)) else {
                return Self.error(400, "expected a JSON body {\"resources\": [\"name\", …]}", code: "badRequest")
            }
            return await perform(action, on: body.resources)
        case 3 where route[0] == "resources":
            guard let action = ControlAction(rawValue: route[2]) else { break }
            guard request.method == "POST" else { return Self.methodNotAllowed("POST") }
            return await perform(action, on: [route[1]])
        default:
            break
        }
        return Self.error(404, "no such endpoint: \(request.path)", code: "notFound")
    }

    /// `wait=ready&timeout=SECONDS` (at most 60, default 30): how long a status request may wait
    /// for the app to be ready; nil without `wait=ready`.
    static func readyWait(_ query: String?) -> Duration? {
        guard let query else { return nil }
        var fields: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            fields[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        guard fields["wait"] == "ready" else { return nil }
        let asked = fields["timeout"].flatMap(Double.init).flatMap { $0.isNaN ? nil : $0 }  // "nan" would trap below
        let seconds = asked.map { min(max($0, 0), 60) } ?? 30
        return .milliseconds(Int64(seconds * 1000))
    }

    private func perform(_ action: ControlAction, on names: [String]) async -> ControlResponse {
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
            return Self.error(400, "name at least one resource", code: "badRequest")
        }
        do {
            let resources = try await handler.perform(action, on: names)
            return Self.json(200, ControlActionResponse(action: action, resources: resources))
        } catch {
            return Self.json(error.status, error.body)
        }
    }

    // MARK: - Responses

    /// A JSON answer.
    package static func json(_ status: Int, _ value: some Encodable) -> ControlResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else {
            return ControlResponse(
                status: 500, headers: ["Content-Type": "application/json"],
                body: Array("{\"code\":\"internal\",\"error\":\"cannot encode the answer\"}\n".utf8))
        }
        return ControlResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(data) + [10])
    }

    /// An error answer with a `ControlErrorBody`.
    package static func error(_ status: Int, _ message: String, code: String) -> ControlResponse {
        json(status, ControlErrorBody(error: message, code: code))
    }

    private static func methodNotAllowed(_ allowed: String) -> ControlResponse {
        var response = error(405, "use \(allowed) here", code: "methodNotAllowed")
        response.headers["Allow"] = allowed
        return response
    }
}
