import HTTPTypes
import Hummingbird

/// Lets a request through only with the session cookie (or `Authorization: Bearer TOKEN`), checks
/// state-changing requests for CSRF, and adds the security headers to every response.
///
/// Open without a session: `/login` and the three files of ``Assets/byPath`` (which hold no
/// data), to GET and HEAD. Everything else, including unknown paths under `/assets/`, answers
/// 401: JSON under `/api/`, a small page elsewhere. Wrong Bearer tokens count against the
/// client's login limit, as wrong login tokens do.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = DashboardContext
    let cookieName: String
    let session: String
    let token: String
    let title: String
    let limiter: LoginLimiter

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await authorize(request, context: context, next: next)
        } catch let error as any HTTPResponseError {
            // The router's 404 and 405 are thrown: turn them into responses here so they get the headers too.
            response = try error.response(from: request, context: context)
        }
        SecurityHeaders.add(to: &response, path: request.uri.path)
        return response
    }

    /// Passes the request on, or answers 401/403.
    func authorize(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if path == "/login" || Self.isOpenAsset(request) {
            return try await next(request, context)
        }
        if let bearer = bearerToken(request) {
            if let seconds = limiter.retryAfter(context.clientKey) {
                return Reply.tooManyAttempts(seconds, html: nil)
            }
            if Secrets.equal(bearer, token) { return try await next(request, context) }
            limiter.charge(context.clientKey)
        }
        guard hasSession(request) else {
            if path.hasPrefix("/api/") {
                return Reply.error(.unauthorized, "not logged in: open the dashboard URL printed by `aspire up`")
            }
            return Reply.html(Pages.unauthorized(title: title), status: .unauthorized)
        }
        if request.method != .get, request.method != .head, let problem = csrfProblem(request) {
            return Reply.error(.forbidden, problem)
        }
        return try await next(request, context)
    }

    // MARK: - Checks

    func hasSession(_ request: Request) -> Bool {
        guard let cookie = request.cookies[cookieName] else { return false }
        return Secrets.equal(cookie.value, session)
    }

    /// The token of an `Authorization: Bearer …` header, right or wrong.
    func bearerToken(_ request: Request) -> Substring? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        return header.dropFirst("Bearer ".count)
    }

    /// A GET or HEAD of one of the dashboard's files.
    static func isOpenAsset(_ request: Request) -> Bool {
        (request.method == .get || request.method == .head) && Assets.byPath[request.uri.path] != nil
    }

    /// Why a cookie-authenticated POST is refused, or nil when it may go on.
    func csrfProblem(_ request: Request) -> String? {
        guard let name = SecurityHeaders.csrfHeader, request.headers[name] == "1" else {
            return "missing the X-Aspire-Dashboard: 1 header (cross-site request refused)"
        }
        if let origin = request.headers[.origin] {
            let host = request.head.authority ?? ""
            guard origin == "http://\(host)" else { return "request from another origin (\(origin)) refused" }
        }
        return nil
    }
}

// MARK: - Headers

/// The headers every dashboard response carries, and the CSRF header's name.
enum SecurityHeaders {
    /// The header a state-changing request must carry: a cross-site form cannot set it, and a
    /// cross-site `fetch` that sets it needs a CORS preflight this server never grants.
    static let csrfHeader = HTTPField.Name("X-Aspire-Dashboard")

    /// Scripts, styles and connections from this server only; no inline script or style, no frames.
    static let contentSecurityPolicy = [
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
        "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    /// Adds the CSP, nosniff, no-referrer, DENY framing, and no-store (no-cache for an asset).
    static func add(to response: inout Response, path: String) {
        response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        for (name, value) in [("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY")] {
            if let name = HTTPField.Name(name) { response.headers[name] = value }
        }
        if response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = Assets.byPath[path] != nil && response.status == .ok ? "no-cache" : "no-store"
        }
    }
}
