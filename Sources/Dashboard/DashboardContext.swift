package import Hummingbird
package import NIOCore

/// The dashboard's request context: Hummingbird's basic one plus the client's address, which
/// the login limit counts attempts by.
package struct DashboardContext: RequestContext, RemoteAddressRequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The peer of the connection; nil in `app.test(.router)`, which has no socket.
    package let remoteAddress: SocketAddress?

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text, the login limit's key ("local" without a socket).
    var clientKey: String { remoteAddress?.ipAddress ?? "local" }
}
