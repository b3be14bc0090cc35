package import AppStatus
import Foundation

// The supervisor's own states, in the shape the control plane reports (`ResourceStatus`). The
// supervisor keeps its richer `ServiceState` (a termination with its signal number, for restarts);
// this is the one place it is turned into what a client sees.

extension ResourceStatus {
    /// A service as the supervisor knows it: states, pids, restarts and readiness. The type
    /// (`job` here), URLs and containers are the app's to fill in.
    ///
    /// - Parameters:
    ///   - status: The service's folded and per-replica states.
    ///   - healthCheck: Its health check (or default port readiness), if any.
    ///   - ready: Every replica is up and passing its check (or running, without one), or the
    ///     service finished with every replica exiting 0.
    ///   - finished: No replica will change by itself any more.
    ///   - stoppedByUser: Stopped by `Supervisor.stop` and waiting for `start`.
    ///   - upSince: When the service last came up (all replicas running); nil while it is not up.
    init(
        _ status: ServiceStatus, healthCheck: HealthCheckSpec?, ready: Bool, finished: Bool, stoppedByUser: Bool,
        upSince: Date?
    ) {
        self.init(
            name: status.name, state: status.state.resourceState, pids: status.replicas.compactMap(\.pid),
            restarts: status.replicas.map(\.restarts).reduce(0, +), upSince: upSince?.timeIntervalSince1970,
            ready: ready, finished: finished, stoppedByUser: stoppedByUser,
            replicas: status.replicas.map {
                ResourceReplica(name: $0.name, state: $0.state.resourceState, pid: $0.pid, restarts: $0.restarts)
            },
            healthProbe: healthCheck?.resourceProbe)
    }
}

extension ServiceState {
    /// The state as a client sees it (a signal by its name).
    package var resourceState: ResourceState {
        switch self {
        case .waiting: .waiting
        case .notStarted: .notStarted
        case .starting: .starting
        case .running: .running
        case .healthy: .healthy
        case .unhealthy: .unhealthy
        case .exited(.exited(let code)): .exited(code: code)
        case .exited(.signaled(let signal)): .killed(signal: Syscalls.signalName(signal))
        case .failed(let reason): .failed(reason: reason)
        case .stopped: .stopped
        }
    }
}

extension HealthCheckSpec {
    /// What `ps` and the control API show: `http`, `tcp`, `exec`, or `port` for the default port
    /// readiness.
    var resourceProbe: HealthProbe {
        if kind == .port { return .port }
        switch probe {
        case .http: return .http
        case .tcp, .greeting: return .tcp
        case .exec: return .exec
        }
    }
}
