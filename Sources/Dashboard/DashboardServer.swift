package import Hummingbird
package import Logging
import HummingbirdCore
import NIOCore
package import Telemetry
import GracefulServing

/// The web dashboard of a running app: a Hummingbird application on 127.0.0.1 only, behind a
/// login token like Aspire's.
///
/// `aspire up` prints ``loginURL``; opening it sets an HttpOnly, SameSite=Strict cookie and
/// redirects to `/`. Every other request without that cookie gets 401 (see docs/dashboard.md for
/// the routes). Run it with ``run(onRunning:)`` as a child task; cancelling the task stops it.
package struct DashboardServer<Backend: DashboardBackend>: Sendable {
    /// Where the data comes from.
    package let backend: Backend
    /// The port asked for (0 lets the system pick; ``run(onRunning:)`` reports the real one).
    package let port: Int
    /// The secret in the login URL.
    package let token: String
    /// The secret the cookie holds once logged in (not the token, so a cookie never shows up in a URL).
    let session: String
    /// Shown in the page titles, e.g. the app's name.
    package let title: String
    /// How long a connection may take to send a whole request (and may sit idle between
    /// requests) before it is closed: a client that sends half a request and stalls is cut off.
    package let requestTimeout: Duration
    let logger: Logger
    /// The app's telemetry for the structured logs, traces and metrics pages; nil shows them empty.
    package let telemetry: TelemetryStore?
    /// Wrong login tokens per client address (a token bucket; 429 when empty). A `var` so that
    /// tests can slow its refill and not depend on how fast a loaded machine runs them.
    var limiter: LoginLimiter
    /// Bounds the open server-sent event streams, console logs and telemetry pages together.
    let streams = StreamSlots()

    /// The default ``requestTimeout``; the control API allows the same.
    package static var defaultRequestTimeout: Duration { .seconds(5) }

    /// Creates a dashboard; nothing listens until ``run(onRunning:)``.
    ///
    /// - Parameters:
    ///   - backend: Answers for the running app.
    ///   - port: The loopback port to bind; keep it stable across runs (0 picks a free one).
    ///   - token: The login token; nil makes a random 128-bit one (a new one each run, as Aspire does).
    ///   - title: Shown in page titles, typically the app's name.
    ///   - requestTimeout: How long a request may take to arrive (tests shorten it).
    ///   - logger: Hummingbird's logger; nil logs nothing (the console belongs to `aspire up`).
    ///   - telemetry: What the OTLP receiver stored, for the telemetry pages.
    package init(
        backend: Backend, port: Int, token: String? = nil, title: String = "aspire",
        requestTimeout: Duration = defaultRequestTimeout, logger: Logger? = nil, telemetry: TelemetryStore? = nil
    ) {
        self.telemetry = telemetry
        self.backend = backend
        self.port = port
        self.token = token ?? Secrets.randomHex(bytes: 16)
        self.session = Secrets.randomHex(bytes: 32)
        self.title = title
        self.requestTimeout = requestTimeout
        self.logger = logger ?? Logger(label: "aspire.dashboard", factory: { _ in SwiftLogNoOpLogHandler() })
        self.limiter = LoginLimiter()
    }

    /// The URL `aspire up` prints: opening it logs the browser in.
    package var loginURL: String { loginURL(port: port) }

    /// The login URL for the port actually bound (when ``port`` is 0).
    ///
    /// - Parameter port: The bound port.
    /// - Returns: `http://127.0.0.1:PORT/login?t=TOKEN`.
    package func loginURL(port: Int) -> String { "http://127.0.0.1:\(port)/login?t=\(token)" }

    /// The cookie's name; it carries the port because browsers share cookies between the ports of a
    /// host, and two apps' dashboards must not log each other out.
    package var cookieName: String { "aspire_dashboard_\(port)" }

    /// The application serving the dashboard on 127.0.0.1:``port``.
    ///
    /// - Parameter onRunning: Called once the socket listens, with the bound port.
    /// - Returns: An application to `run()`, or to drive in tests with `app.test(.router)`.
    package func makeApplication(
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<RouterResponder<DashboardContext>> {
        let (seconds, attoseconds) = requestTimeout.components
        let timeout = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return Application(
            router: makeRouter(),
            // The idle timeout also bounds a request's arrival: it runs from the connection (or the
            // last request part) until the request's end, and pauses while a response is written.
            server: .http1(configuration: .init(idleTimeout: timeout)),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port), serverName: nil),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// Serves until the calling task is cancelled.
    ///
    /// - Parameters:
    ///   - shutdownGrace: How long a graceful stop waits for responses still running before it
    ///     cuts them (event streams end at once, without waiting).
    ///   - onRunning: Called once the socket listens, with the bound port.
    /// - Throws: When the port cannot be bound (taken, or not allowed).
    package func run(
        shutdownGrace: Duration = .seconds(1), onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        try await GracefulServing.run(makeApplication(onRunning: onRunning), grace: shutdownGrace)
    }
}

// MARK: - Secrets

/// Random secrets and their comparison.
enum Secrets {
    /// `bytes` bytes from the system's CSPRNG (getrandom on Linux), as lower-case hex.
    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".unicodeScalars)
        var out = ""
        for _ in 0..<bytes {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            out.unicodeScalars.append(digits[Int(byte >> 4)])
            out.unicodeScalars.append(digits[Int(byte & 0x0F)])
        }
        return out
    }

    /// Compares two secrets in time that depends on their lengths only.
    static func equal(_ lhs: some StringProtocol, _ rhs: some StringProtocol) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
