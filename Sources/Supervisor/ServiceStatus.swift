import AppStatus
/// Where a service (or one replica of it) is in its life.
package enum ServiceState: Sendable, Hashable, CustomStringConvertible {
    /// Not started yet: waiting for its `waitFor`/`waitForCompletion` dependencies.
    case waiting
    /// `explicitStart`: waiting for `Supervisor.start`.
    case notStarted
    /// Being spawned.
    case starting
    /// The process runs (its health check, if any, has not passed yet).
    case running
    /// The process runs and its health check passes.
    case healthy
    /// The process runs but its health check failed `retries` times in a row.
    case unhealthy
    /// The process ended by itself (a restart may be pending).
    case exited(TerminationStatus)
    /// It could not start or was not started; the reason is one line without the service name.
    case failed(String)
    /// The supervisor stopped it (or never started it because of a shutdown).
    case stopped

    /// Whether the process is up (running, healthy or unhealthy).
    package var isUp: Bool { resourceState.isUp }

    /// The words `up` prints: those of the state a client sees (``resourceState``).
    package var description: String { resourceState.description }
}

/// One process of a service, as `statuses()` reports it.
package struct ReplicaStatus: Sendable, Hashable {
    /// `name` for the first replica, `name-1`, `name-2`, … for the others.
    package var name: String
    package var state: ServiceState
    /// The current (or last) process id.
    package var pid: Int32?
    /// How many times the supervisor restarted this replica.
    package var restarts: Int
}

/// A service as `statuses()` reports it.
package struct ServiceStatus: Sendable, Hashable {
    package var name: String
    /// The replicas' states folded into one (the first replica's when there is only one).
    package var state: ServiceState
    package var replicas: [ReplicaStatus]
}

extension ServiceState {
    /// Folds replica states into one: a problem anywhere wins, then the least advanced state.
    static func aggregate(_ states: [ServiceState]) -> ServiceState {
        guard let first = states.first else { return .stopped }
        if states.count == 1 { return first }
        if let failed = states.first(where: { if case .failed = $0 { true } else { false } }) { return failed }
        for candidate in [ServiceState.unhealthy, .waiting, .notStarted, .starting, .running] where states.contains(candidate) {
            return candidate
        }
        if states.allSatisfy({ $0 == .healthy }) { return .healthy }
        if states.contains(.healthy) { return .running }
        if let bad = states.first(where: { if case .exited(let status) = $0 { !status.isSuccess } else { false } }) {
            return bad
        }
        if states.allSatisfy({ $0 == .stopped }) { return .stopped }
        return states.first(where: { if case .exited = $0 { true } else { false } }) ?? first
    }
}
