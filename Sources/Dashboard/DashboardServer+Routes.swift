import AppStatus
import Foundation
package import Hummingbird

// MARK: - Routes

extension DashboardServer {
    /// The dashboard's routes behind ``SessionMiddleware`` (docs/dashboard.md lists them).
    ///
    /// - Returns: A router for `Application(router:)`; the tests drive it with `app.test(.router)`.
    package func makeRouter() -> Router<DashboardContext> {
        let router = Router(context: DashboardContext.self, options: .autoGenerateHeadEndpoints)
        // Middleware applies to the routes added after it, and to unknown paths: add it first.
        router.add(
            middleware: SessionMiddleware(
                cookieName: cookieName, session: session, token: token, title: title, limiter: limiter))

        router.get("/login") { request, context in self.login(request, client: context.clientKey) }
        for (path, asset) in Assets.byPath {
            router.get(RouterPath(path)) { _, _ in Reply.body(asset.body, contentType: asset.contentType) }
        }

        // Pages.
        router.get("/") { _, _ in
            Reply.html(Pages.resources(title: self.title, resources: await self.backend.resources(), now: Self.now()))
        }
        router.get("/logs") { request, _ in await self.logsPage(request) }
        router.get("/env/{name}") { _, context in await self.environmentPage(context.parameters.get("name") ?? "") }
        router.get("/graph") { _, _ in
            Reply.html(Pages.graph(title: self.title, svg: GraphSVG.render(await self.backend.graph())))
        }

        addTelemetryRoutes(to: router)

        // JSON API.
        router.get("/api/resources") { _, _ in Reply.json(await self.backend.resources().map(DashboardResource.init)) }
        router.get("/api/resources/{name}") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard let resource = await self.backend.resources().first(where: { $0.name == name }) else {
                return Reply.error(.notFound, Self.unknownResource(name))
            }
            return Reply.json(DashboardResource(status: resource))
        }
        router.post("/api/resources/{name}/{action}") { _, context in
            await self.perform(context.parameters.get("action") ?? "", on: context.parameters.get("name") ?? "")
        }
        router.get("/api/resources/{name}/env") { request, context in
            await self.environment(
                context.parameters.get("name") ?? "",
                reveal: request.uri.queryParameters[values: "reveal"].map(String.init))
        }
        router.get("/api/logs") { request, _ in await self.logs(request) }
        router.get("/api/logs/stream") { request, _ in await self.logStream(request) }
        router.get("/api/graph") { _, _ in Reply.json(await self.backend.graph()) }
        router.get("/api/graph.svg") { _, _ in
            Reply.body(GraphSVG.render(await self.backend.graph()), contentType: "image/svg+xml; charset=utf-8")
        }
        return router
    }

    // MARK: - Login

    /// `GET /login?t=TOKEN[&next=/PATH]`: sets the session cookie and redirects to `/` (or to `next`,
    /// when it is a path on this server). Wrong tokens count against `client`'s login limit.
    func login(_ request: Request, client: String) -> Response {
        if let seconds = limiter.retryAfter(client) {
            return Reply.tooManyAttempts(seconds, html: Pages.tooManyAttempts(title: title, seconds: seconds))
        }
        guard let given = request.uri.queryParameters["t"], Secrets.equal(given, token) else {
            limiter.charge(client)
            return Reply.html(Pages.unauthorized(title: title, badToken: true), status: .unauthorized)
        }
        var response = Response.redirect(to: Self.localPath(request.uri.queryParameters["next"]) ?? "/", type: .normal)
        response.setCookie(Cookie(name: cookieName, value: session, path: "/", httpOnly: true, sameSite: .strict))
        return response
    }

    // MARK: - Pages

    func logsPage(_ request: Request) async -> Response {
        let resources = await backend.resources()
        let selected = request.uri.queryParameters["resource"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        if let selected, !resources.contains(where: { $0.name == selected }) {
            return Reply.html(Pages.notFound(title: title, message: Self.unknownResource(selected)), status: .notFound)
        }
        let lines = await backend.logTail(resource: selected, lines: Self.defaultTail)
        return Reply.html(Pages.logs(title: title, resources: resources.map(\.name), selected: selected, tail: lines))
    }

    func environmentPage(_ name: String) async -> Response {
        guard let variables = await backend.environment(resource: name) else {
            return Reply.html(Pages.notFound(title: title, message: Self.unknownResource(name)), status: .notFound)
        }
        return Reply.html(Pages.environment(title: title, resource: name, variables: variables))
    }

    // MARK: - API

    /// `POST /api/resources/{name}/{action}`.
    func perform(_ actionName: String, on name: String) async -> Response {
        guard let action = DashboardAction(rawValue: actionName) else {
            let known = DashboardAction.allCases.map(\.rawValue).joined(separator: ", ")
            return Reply.error(.badRequest, "unknown action '\(actionName)'; use one of: \(known)")
        }
        guard await backend.resources().contains(where: { $0.name == name }) else {
            return Reply.error(.notFound, Self.unknownResource(name))
        }
        do {
            try await backend.perform(action, resource: name)
            return Reply.json(ActionAnswer(resource: name, action: action, ok: true))
        } catch let error as DashboardActionError {
            let status: HTTPResponse.Status =
                switch error.code {
                case .unknownResource: .notFound
                case .conflict: .conflict
                case .unsupported: .notImplemented
                case .failed: .internalServerError
                }
            return Reply.error(status, "\(name): \(error.message)")
        } catch {
            return Reply.error(.internalServerError, "\(name): \(action.rawValue) failed: \(error)")
        }
    }

    /// `GET /api/resources/{name}/env[?reveal=NAME…]`.
    func environment(_ name: String, reveal: [String]) async -> Response {
        guard let variables = await backend.environment(resource: name) else {
            return Reply.error(.notFound, Self.unknownResource(name))
        }
        let known = Set(variables.map(\.name))
        if let missing = reveal.first(where: { !known.contains($0) }) {
            return Reply.error(.notFound, "\(name) has no variable named '\(missing)'")
        }
        let revealed = Set(reveal)
        let answer = EnvironmentAnswer(
            resource: name,
            variables: variables.map { variable in
                let masked = variable.isSecret && !revealed.contains(variable.name)
                return .init(
                    name: variable.name, value: masked ? nil : variable.value, isSecret: variable.isSecret,
                    masked: masked)
            })
        return Reply.json(answer)
    }

    /// `GET /api/logs[?resource=NAME][&tail=N]`.
    func logs(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        let resource = query["resource"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        if let resource, await !backend.resources().contains(where: { $0.name == resource }) {
            return Reply.error(.notFound, Self.unknownResource(resource))
        }
        let tail = Self.tail(query["tail"])
        let lines = await backend.logTail(resource: resource, lines: tail)
        return Reply.json(
            lines.map { LogAnswer(resource: $0.resource, text: $0.text, html: ANSIRenderer.html($0.text)) })
    }

    /// `GET /api/logs/stream[?resource=NAME][&tail=N]`: server-sent events (see ``LogEventStream``).
    func logStream(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        let resource = query["resource"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let resources = await backend.resources()
        if let resource, !resources.contains(where: { $0.name == resource }) {
            return Reply.error(.notFound, Self.unknownResource(resource))
        }
        guard let slot = streams.take() else {
            var busy = Reply.error(.serviceUnavailable, "too many live streams are open (\(streams.limit))")
            busy.headers[.retryAfter] = "5"
            return busy
        }
        // Subscribe before reading the tail: a line written in between shows twice, never not at all.
        let live = backend.logStream(resource: resource)
        let tail = await backend.logTail(resource: resource, lines: Self.tail(query["tail"]))
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"],
            body: LogEventStream.body(tail: tail, live: live, colors: Palette.colors(of: resources.map(\.name)), slot: slot))
    }

    // MARK: - Helpers

    static var defaultTail: Int { 500 }

    static func tail(_ value: Substring?) -> Int {
        guard let value, let count = Int(value) else { return defaultTail }
        return min(max(count, 0), 10_000)
    }

    /// `next` when it is a path on this server (`/graph`), never another site (`//evil`, `http:`).
    static func localPath(_ next: Substring?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
            next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return nil }
        return String(next)
    }

    static func unknownResource(_ name: String) -> String { "no resource named '\(name)'" }

    static func now() -> Double { Date().timeIntervalSince1970 }
}

// MARK: - Answers

/// `POST /api/resources/{name}/{action}`'s answer.
struct ActionAnswer: Encodable {
    var resource: String
    var action: DashboardAction
    var ok: Bool
}

/// `GET /api/resources/{name}/env`'s answer: `value` is absent while `masked`.
struct EnvironmentAnswer: Encodable {
    struct Variable: Encodable {
        var name: String
        var value: String?
        var isSecret: Bool
        var masked: Bool
    }

    var resource: String
    var variables: [Variable]
}

/// One line of `GET /api/logs`.
struct LogAnswer: Encodable {
    var resource: String
    var text: String
    var html: String
}
