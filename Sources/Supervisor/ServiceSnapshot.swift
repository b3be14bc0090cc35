package import Foundation

/// A service as the control plane reports it: its status plus what a client needs to decide
/// whether it is ready, finished, or parked by a `stop`.
package struct ServiceSnapshot: Sendable, Hashable {
    package var status: ServiceStatus
    /// Whether the service has a health check (then ready means healthy, not just running).
    package var hasHealthCheck: Bool
    /// Every replica is up and passing its health check (or running, without one), or the
    /// service finished with every replica exiting 0 (a one-shot job that succeeded).
    package var isReady: Bool
    /// No replica will change by itself any more: each exited or failed with no restart pending,
    /// or was stopped.
    package var isFinished: Bool
    /// Stopped by `Supervisor.stop` and waiting for `start`.
    package var isStoppedByUser: Bool
    /// When the service last came up (all replicas running), nil while it is not up.
    package var upSince: Date?
    /// What decides readiness: `http`, `tcp`, `exec`, `port` (the default for a resource with
    /// an endpoint), or nil (running is ready).
    package var healthProbe: String?

    package init(
        status: ServiceStatus, hasHealthCheck: Bool, isReady: Bool, isFinished: Bool, isStoppedByUser: Bool,
        upSince: Date?, healthProbe: String? = nil
    ) {
        self.status = status
        self.hasHealthCheck = hasHealthCheck
        self.isReady = isReady
        self.isFinished = isFinished
        self.isStoppedByUser = isStoppedByUser
        self.upSince = upSince
        self.healthProbe = healthProbe
    }
}
