package import AppStatus
/// What the control API does; `ControlRouter` maps requests onto it. The supervisor-backed
/// implementation is `SupervisorControl`; tests may use their own.
package protocol ControlHandler: Sendable {
    /// The app and every resource, now.
    func status() async -> RunStatus

    /// The app and every resource once the app is ready or something failed (its `readiness`
    /// is no longer pending), a shutdown began, or `timeout` passed: what `up --detach` waits on.
    func status(waitingUntilReadyFor timeout: Duration) async -> RunStatus

    /// Stops, starts or restarts resources; returns once done (see `Supervisor.stop` and friends).
    ///
    /// - Returns: the resources' states afterwards, in the order asked.
    /// - Throws: `ControlRefusal` with the HTTP status and body to answer; nothing was changed.
    func perform(_ action: ControlAction, on resources: [String]) async throws(ControlRefusal) -> [ResourceStatus]

    /// Starts a graceful shutdown (a second request does not escalate).
    func shutdown() async -> ControlShutdownResponse
}

extension ControlHandler {
    /// Answers at once (handlers that cannot wait for changes).
    package func status(waitingUntilReadyFor timeout: Duration) async -> RunStatus {
        await status()
    }
}

/// A request the handler turned down: the HTTP status and the error body.
package struct ControlRefusal: Error, Sendable, Hashable {
    package var status: Int
    package var body: ControlErrorBody

    package init(status: Int, body: ControlErrorBody) {
        self.status = status
        self.body = body
    }
}
