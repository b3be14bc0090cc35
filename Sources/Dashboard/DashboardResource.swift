package import AppStatus

/// A resource as `GET /api/resources` answers it: the app's ``ResourceStatus`` (the control API's
/// keys) plus `stateKind`, which the page colours by, and `lastRestartText`, the restart reason
/// in words (`changed: app.py`), which the restarts cell shows.
struct DashboardResource: Encodable {
    var status: ResourceStatus

    private enum CodingKeys: String, CodingKey {
        case stateKind, lastRestartText
    }

    func encode(to encoder: any Encoder) throws {
        try status.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(StateKind(status.state), forKey: .stateKind)
        try container.encodeIfPresent(status.lastRestart?.description, forKey: .lastRestartText)
    }
}

// MARK: - State kinds

/// A resource state folded into what the page colours differently.
package enum StateKind: String, Sendable, Hashable, Codable {
    /// `waiting` or `starting`.
    case pending
    /// `running` (no health verdict yet, or no check).
    case running
    /// `healthy`.
    case healthy
    /// `unhealthy`.
    case unhealthy
    /// `stopped`, or `exited with code 0`.
    case stopped
    /// Anything else: a non-zero exit, a signal, `failed: …`, `not started: …`.
    case failed

    /// Classifies a state.
    package init(_ state: ResourceState) {
        switch state {
        case .waiting, .starting: self = .pending
        case .running: self = .running
        case .healthy: self = .healthy
        case .unhealthy: self = .unhealthy
        case .stopped, .notStarted, .exited(code: 0): self = .stopped
        case .exited, .killed, .failed: self = .failed
        }
    }

    /// Whether a process is up in this state (so `stop` makes sense, `start` does not).
    package var isUp: Bool {
        switch self {
        case .running, .healthy, .unhealthy: true
        case .pending, .stopped, .failed: false
        }
    }
}
