import Foundation
package import Logging
import Supervisor

#if canImport(Glibc)
    import Glibc
#endif

/// The control API on a Unix socket: HTTP/1.1, JSON, one request per connection.
///
/// `init` binds `.aspire/control.sock` (mode 0600, in the 0700 state folder) so a failure shows
/// at once; `run()` serves until its task is cancelled, then removes the socket. One task waits
/// for connections; each connection is a child task of it. A connection from another uid than
/// ours (`SO_PEERCRED`) gets 403 and nothing else. Never listens on TCP.
package final class ControlServer: Sendable {
    /// The socket's path.
    package let socketPath: String
    private let listener: Int32
    private let router: ControlRouter
    private let logger: Logger
    private let closed = Locked(false)
    /// How long a client may take to send its request, and to read the answer.
    private let ioTimeout: Duration

    /// Binds the socket (replacing a stale one left by a killed `up`).
    ///
    /// - Parameters:
    ///   - socketPath: where to listen, normally `StateFolder.controlSocketFile`.
    ///   - handler: what the requests do.
    ///   - logger: for connection problems (at debug level; nothing is printed per request).
    ///   - ioTimeout: how long a client may take to send a request or read its answer.
    /// - Throws: `ControlSocketError` when the socket cannot be created.
    /// - Important: call it only while holding the app's run lock: it removes whatever is at
    ///   `socketPath`.
    package init(
        socketPath: String, handler: any ControlHandler, logger: Logger, ioTimeout: Duration = .seconds(5)
    ) throws(ControlSocketError) {
        self.socketPath = socketPath
        listener = try UnixSocket.listen(path: socketPath)
        router = ControlRouter(handler: handler)
        self.logger = logger
        self.ioTimeout = ioTimeout
    }

    deinit {
        close()
    }

    /// Serves until the calling task is cancelled; requests in flight are cancelled and awaited.
    /// Removes the socket file before returning.
    package func run() async {
        defer { close() }
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                guard await SocketWaiter.ready(listener, .read) else { break }
                while let connection = UnixSocket.accept(listener) {
                    group.addTask { await self.serve(connection) }
                }
            }
        }
    }

    /// Whether a peer may use the API: only our own uid (not even root, when we are not root).
    package static func isAllowed(peer: PeerCredentials?, ownUID: UInt32 = geteuid()) -> Bool {
        guard let peer else { return false }
        return peer.uid == ownUID
    }

    // MARK: - One connection

    private func serve(_ fd: Int32) async {
        defer { Glibc.close(fd) }
        let peer = UnixSocket.peerCredentials(fd)
        guard Self.isAllowed(peer: peer) else {
            let who = peer.map { "uid \($0.uid), pid \($0.pid)" } ?? "unknown peer"
            logger.notice("control API: refused a connection from \(who)")
            let response = ControlRouter.error(
                403, "forbidden: only uid \(geteuid()) may use this app's control API (this connection is \(who))",
                code: "forbidden")
            // Read (and drop) the request first: closing with it unread would reset the
            // connection, and the client would see no answer at all instead of the 403.
            _ = try? await readRequest(fd)
            await send(response, to: fd)
            return
        }
        let response: HTTPResponse
        do {
            guard let request = try await readRequest(fd) else { return }
            response = await router.respond(to: request)
        } catch let error as HTTPRequest.ParseError {
            response =
                switch error {
                case .tooLarge: ControlRouter.error(413, "request too large", code: "tooLarge")
                case .unsupportedVersion: ControlRouter.error(505, "use HTTP/1.1 or HTTP/1.0", code: "badRequest")
                case .malformed(let why): ControlRouter.error(400, "malformed request: \(why)", code: "badRequest")
                }
        } catch {
            logger.debug("control API: dropped a connection: \(error)")
            return
        }
        await send(response, to: fd)
    }

    private enum ReadFailure: Error {
        case timedOut
        case failed(Int32)
    }

    /// Reads one request; nil when the client closed the connection first.
    private func readRequest(_ fd: Int32) async throws -> HTTPRequest? {
        let deadline = ContinuousClock.now + ioTimeout
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let request = try HTTPRequest.parse(buffer) { return request }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer += chunk[0..<count]
            } else if count == 0 {
                return nil
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                guard try await SocketWaiter.wait(fd, for: .read, until: deadline) else { throw ReadFailure.timedOut }
            } else if errno != EINTR {
                throw ReadFailure.failed(errno)
            }
        }
    }

    /// Writes the whole response (best effort: a client that went away is not an error).
    private func send(_ response: HTTPResponse, to fd: Int32) async {
        let deadline = ContinuousClock.now + ioTimeout
        let bytes = response.serialized
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress.map { $0 + offset }, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                offset += count
            } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                guard (try? await SocketWaiter.wait(fd, for: .write, until: deadline)) == true else { return }
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    /// Closes the listener and removes the socket file, once.
    private func close() {
        let first = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        Glibc.close(listener)
        unlink(socketPath)
    }
}
