import Logging
package import ServiceLifecycle

/// Runs a server (a Hummingbird `Application`, any `Service`) until the calling task is
/// cancelled, and then stops it gracefully instead of cancelling it.
///
/// Why: cancelling the task that runs a SwiftNIO async server can drop a connection the server
/// accepted but had not handed out yet, and NIO traps on that ("Deinited NIOAsyncWriter without
/// calling finish()"; apple/swift-nio#2813, whose maintainers advise a graceful shutdown). A child
/// exporting telemetry, or a browser polling the dashboard, while `up` stops hits that window.
/// A graceful shutdown closes the listener and then serves or closes every accepted connection.
/// The dashboard's event streams, which never end by themselves, end at once through
/// ``endingOnShutdown(isolation:_:onShutdown:)``; any other response still running is cut by
/// cancellation after `grace`.
package enum GracefulServing {
    /// Serves `service` until the calling task is cancelled; rethrows what the service throws
    /// (a port that cannot be bound, for one).
    package static func run(_ service: some Service, grace: Duration = .seconds(1)) async throws {
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: service)],
            logger: Logger(label: "aspire.serving", factory: { _ in SwiftLogNoOpLogHandler() }))
        configuration.maximumGracefulShutdownDuration = grace
        let group = ServiceGroup(configuration: configuration)
        // Unstructured, so the caller's cancellation does not reach the server directly: it
        // becomes a graceful shutdown below.
        let serving = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await serving.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }
}

extension GracefulServing {
    /// Runs `operation`, calling `handler` once the server running it starts a graceful shutdown
    /// (at once when it already has). A response that never ends by itself (a server-sent event
    /// stream) ends its loop in `handler`, so a stop does not wait out the grace period.
    package static func endingOnShutdown<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ operation: () async throws -> T, onShutdown handler: @Sendable @escaping () -> Void
    ) async rethrows -> T {
        try await withGracefulShutdownHandler(isolation: isolation, operation: operation, onGracefulShutdown: handler)
    }
}
