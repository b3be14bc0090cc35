/// Where a resource (or one replica of it) is in its life, as the control API, `.aspire/status.json`,
/// `ps` and the dashboard report it.
///
/// In JSON it is one string, the words `up` prints (docs/control-api.md): `waiting`, `not started`, `starting`,
/// `running`, `healthy`, `unhealthy`, `exited with code N`, `killed by SIGx`, a failure reason,
/// `stopped`. Readers switch on the cases; nobody compares those words.
package enum ResourceState: Sendable, Hashable, CustomStringConvertible {
    /// Not started yet: waiting for its `waitFor`/`waitForCompletion` dependencies.
    case waiting
    /// `explicitStart: true`: planned, and waiting for `aspire start NAME` (or the dashboard).
    case notStarted
    /// Being spawned.
    case starting
    /// The process runs (its health check, if any, has not passed yet).
    case running
    /// The process runs and its health check passes.
    case healthy
    /// The process runs but its health check failed `retries` times in a row.
    case unhealthy
    /// The process called exit with this code (a restart may be pending).
    case exited(code: Int32)
    /// A signal killed the process; `signal` is its name (`SIGKILL`, or `signal 42`).
    case killed(signal: String)
    /// It could not start or was not started; the reason is one line without the resource name
    /// (`command 'x' not found`, `not started: dependency 'db' exited with code 3`).
    case failed(reason: String)
    /// Stopped by the supervisor (a `stop`, a shutdown), or never started because of a shutdown.
    case stopped

    /// Whether a process is up: running, healthy or unhealthy.
    package var isUp: Bool {
        switch self {
        case .running, .healthy, .unhealthy: true
        case .waiting, .notStarted, .starting, .exited, .killed, .failed, .stopped: false
        }
    }

    /// The words `up` prints, which are also the JSON value.
    package var description: String {
        switch self {
        case .waiting: "waiting"
        case .notStarted: "not started"
        case .starting: "starting"
        case .running: "running"
        case .healthy: "healthy"
        case .unhealthy: "unhealthy"
        case .exited(let code): Self.exitedPrefix + String(code)
        case .killed(let signal): Self.killedPrefix + signal
        case .failed(let reason): reason
        case .stopped: "stopped"
        }
    }

    /// Reads the words back: anything that is not one of the fixed words, an exit or a signal is
    /// a failure reason (as it was written).
    package init(_ text: String) {
        switch text {
        case "waiting": self = .waiting
        case "not started": self = .notStarted
        case "starting": self = .starting
        case "running": self = .running
        case "healthy": self = .healthy
        case "unhealthy": self = .unhealthy
        case "stopped": self = .stopped
        default:
            if text.hasPrefix(Self.exitedPrefix), let code = Int32(text.dropFirst(Self.exitedPrefix.count)) {
                self = .exited(code: code)
            } else if text.hasPrefix(Self.killedPrefix), text.count > Self.killedPrefix.count {
                self = .killed(signal: String(text.dropFirst(Self.killedPrefix.count)))
            } else {
                self = .failed(reason: text)
            }
        }
    }

    private static let exitedPrefix = "exited with code "
    private static let killedPrefix = "killed by "
}

extension ResourceState: Codable {
    package init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// What decides whether a resource is ready (docs/supervisor.md#readiness).
package enum HealthProbe: String, Sendable, Hashable, Codable, CaseIterable {
    /// A GET answered 2xx/3xx.
    case http
    /// A TCP connect succeeded.
    case tcp
    /// A command exited 0.
    case exec
    /// No health check, an endpoint: its port accepts a connection (the default readiness).
    case port
}

/// The health column of `ps` and the dashboard: the verdict of a running, health-checked
/// resource.
package enum ResourceHealth: String, Sendable, Hashable, Codable, CaseIterable {
    /// Its health check passes.
    case healthy
    /// Its health check failed `retries` times in a row.
    case unhealthy
    /// It is ready because its port accepts connections (no health check of its own).
    case port
}
