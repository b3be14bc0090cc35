import Hummingbird
import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Who is at the other end of a Unix socket (from `SO_PEERCRED`).
package struct PeerCredentials: Sendable, Hashable {
    package var pid: Int32
    package var uid: UInt32
    package var gid: UInt32

    package init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// `struct ucred { pid_t pid; uid_t uid; gid_t gid; }`: Glibc does not import the struct
    /// without _GNU_SOURCE, so it is read as three 32-bit fields.
    private struct UCred: Sendable {
        var pid: UInt32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// The credentials of the process that opened this connection, nil if unavailable.
    static func of(_ channel: any Channel) async -> PeerCredentials? {
        guard let provider = channel as? any SocketOptionProvider else { return nil }
        let future: EventLoopFuture<UCred> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        guard let raw = try? await future.get() else { return nil }
        return PeerCredentials(pid: Int32(bitPattern: raw.pid), uid: raw.uid, gid: raw.gid)
    }
}

/// The control API's request context: Hummingbird's basics plus the connection, for the peer check.
struct ControlRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Answers 403 (`forbidden`) to a connection from another uid than ours, whatever the file
/// modes say; the request goes no further.
struct PeerCredentialsMiddleware: RouterMiddleware {
    typealias Context = ControlRequestContext

    let logger: Logger

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let peer = await PeerCredentials.of(context.channel)
        guard ControlServer.isAllowed(peer: peer) else {
            let who = peer.map { "uid \($0.uid), pid \($0.pid)" } ?? "unknown peer"
            logger.notice("control API: refused a connection from \(who)")
            return ControlRouter.error(
                403, "forbidden: only uid \(geteuid()) may use this app's control API (this connection is \(who))",
                code: "forbidden"
            ).hummingbird
        }
        return try await next(request, context)
    }
}
