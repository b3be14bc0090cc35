import Foundation
import Hummingbird
import HummingbirdCore
package import Logging
import NIOCore
import Supervisor
import GracefulServing

#if canImport(Glibc)
    import Glibc
#endif

/// The control API on a Unix socket: Hummingbird (HTTP/1.1, JSON) bound to `.aspire/control.sock`.
///
/// `init` checks that the socket can be bound, so a failure shows at once; `run()` binds it,
/// makes it 0600 (in the 0700 state folder) before the first connection is served, and serves
/// until its task is cancelled, then removes the socket. `PeerCredentialsMiddleware` answers 403
/// to any uid but ours (`SO_PEERCRED`). Never listens on TCP.
package final class ControlServer: Sendable {
    /// The socket's path.
    package let socketPath: String
    private let router: ControlRouter
    private let logger: Logger
    /// How long a connection may stay without a complete request head (or idle between requests).
    private let ioTimeout: Duration

    /// Checks that the socket can be bound (replacing a stale one left by a killed `up`).
    ///
    /// - Parameters:
    ///   - socketPath: where to listen, normally `StateFolder.controlSocketFile`.
    ///   - handler: what the requests do.
    ///   - telemetry: what `GET /v1/telemetry/…` reads (nil: those answer 404).
    ///   - logger: for refused connections (at notice level; nothing is printed per request).
    ///   - ioTimeout: how long a client may take to send a request head; a connection that has
    ///     not sent a whole head by then (a slowloris) is closed.
    /// - Throws: `ControlSocketError` when the socket cannot be created.
    /// - Important: call it only while holding the app's run lock: it removes whatever is at
    ///   `socketPath`.
    package init(
        socketPath: String, handler: any ControlHandler, telemetry: ControlTelemetry? = nil, logger: Logger,
        ioTimeout: Duration = .seconds(5)
    ) throws(ControlSocketError) {
        try UnixSocket.probeBind(path: socketPath)
        self.socketPath = socketPath
        router = ControlRouter(handler: handler, telemetry: telemetry)
        self.logger = logger
        self.ioTimeout = ioTimeout
    }

    /// Serves until the calling task is cancelled; removes the socket file before returning.
    package func run() async {
        // A path longer than sun_path is bound through /proc/self/fd/N/ of its folder (kept open
        // while bound).
        let address: UnixSocket.ShortAddress
        do {
            address = try UnixSocket.ShortAddress(path: socketPath)
        } catch {
            logger.error("control API: \(error.description)")
            return
        }
        defer {
            unlink(socketPath)
            address.close()
        }
        let responder = ControlResponder(router: router, peerCheck: PeerCredentialsMiddleware(logger: logger))
        let configuration = HTTP1Channel.Configuration(
            idleTimeout: TimeAmount(ioTimeout),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: ControlRequest.maximumHeadBytes, maxHeaderListSize: ControlRequest.maximumHeadBytes,
                maxHeaderFieldCount: 100))
        let socketPath = self.socketPath
        let application = Application(
            responder: responder,
            server: .http1(configuration: configuration),
            configuration: ApplicationConfiguration(address: .unixDomainSocket(path: address.path), serverName: nil),
            // Before the first connection is served: the folder is 0700 already, the socket
            // becomes 0600 (bind made it 0777 minus the umask).
            onServerRunning: { _ in _ = chmod(socketPath, 0o600) },
            logger: Logger(label: "aspire.control", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        do {
            try await GracefulServing.run(application)
        } catch {
            if !Task.isCancelled { logger.error("control API stopped: \(error)") }
        }
    }

    /// Whether a peer may use the API: only our own uid (not even root, when we are not root).
    package static func isAllowed(peer: PeerCredentials?, ownUID: UInt32 = geteuid()) -> Bool {
        guard let peer else { return false }
        return peer.uid == ownUID
    }
}

/// Turns Hummingbird requests into `ControlRequest`s for `ControlRouter`, behind the peer check.
struct ControlResponder: HTTPResponder {
    typealias Context = ControlRequestContext

    let router: ControlRouter
    let peerCheck: PeerCredentialsMiddleware

    func respond(to request: Request, context: Context) async throws -> Response {
        try await peerCheck.handle(request, context: context) { request, _ in
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: ControlRequest.maximumBodyBytes)
            } catch is NIOTooManyBytesError {
                return ControlRouter.error(413, "request too large", code: "tooLarge").hummingbird
            }
            let control = ControlRequest(
                method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                body: Array(buffer: body))
            return await router.respond(to: control).hummingbird
        }
    }
}

extension ControlResponse {
    /// The same answer as a Hummingbird response (never cached: it is live state).
    var hummingbird: Response {
        // ControlRouter sets only these two.
        var fields: HTTPFields = [.cacheControl: "no-store", .contentLength: String(body.count)]
        if let type = headers["Content-Type"] { fields[.contentType] = type }
        if let allow = headers["Allow"] { fields[.allow] = allow }
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
