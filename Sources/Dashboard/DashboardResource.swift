/// One row of the resource table (and of `GET /api/resources`).
package struct DashboardResource: Sendable, Hashable, Codable {
    /// The resource's name, as in the manifest.
    package var name: String
    /// Its type name: `project`, `executable`, `container`, `redis`, …
    package var type: String
    /// The state as the console and `aspire ps` print it: `waiting`, `running`, `healthy`,
    /// `exited with code 3`, `stopped`, …
    package var state: String
    /// `healthy`, `unhealthy`, or nil when the resource has no health check or it has not run yet.
    package var health: String?
    /// The current process ids (one per running replica).
    package var pids: [Int32]
    /// The resource's endpoint URLs; http and https ones are shown as links.
    package var urls: [String]
    /// How many times the supervisor restarted it (all replicas together).
    package var restarts: Int
    /// When it last came up, in seconds since 1970; nil while it is not up.
    package var upSince: Double?
    /// How many processes it runs.
    package var replicas: Int

    /// Creates a row.
    package init(
        name: String, type: String, state: String, health: String? = nil, pids: [Int32] = [], urls: [String] = [],
        restarts: Int = 0, upSince: Double? = nil, replicas: Int = 1
    ) {
        self.name = name
        self.type = type
        self.state = state
        self.health = health
        self.pids = pids
        self.urls = urls
        self.restarts = restarts
        self.upSince = upSince
        self.replicas = replicas
    }

    /// The state folded into a few kinds, for colours and for which buttons make sense.
    package var stateKind: StateKind { StateKind(state) }

    private enum CodingKeys: String, CodingKey {
        case name, type, state, stateKind, health, pids, urls, restarts, upSince, replicas
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        type = try container.decode(String.self, forKey: .type)
        state = try container.decode(String.self, forKey: .state)
        health = try container.decodeIfPresent(String.self, forKey: .health)
        pids = try container.decodeIfPresent([Int32].self, forKey: .pids) ?? []
        urls = try container.decodeIfPresent([String].self, forKey: .urls) ?? []
        restarts = try container.decodeIfPresent(Int.self, forKey: .restarts) ?? 0
        upSince = try container.decodeIfPresent(Double.self, forKey: .upSince)
        replicas = try container.decodeIfPresent(Int.self, forKey: .replicas) ?? 1
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(type, forKey: .type)
        try container.encode(state, forKey: .state)
        try container.encode(stateKind, forKey: .stateKind)
        try container.encode(health, forKey: .health)
        try container.encode(pids, forKey: .pids)
        try container.encode(urls, forKey: .urls)
        try container.encode(restarts, forKey: .restarts)
        try container.encode(upSince, forKey: .upSince)
        try container.encode(replicas, forKey: .replicas)
    }
}

// MARK: - State kinds

extension DashboardResource {
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

        /// Classifies a state string as the supervisor prints it.
        ///
        /// - Parameter state: e.g. `healthy`, `exited with code 0`, `killed by SIGKILL`.
        package init(_ state: String) {
            switch state {
            case "waiting", "starting": self = .pending
            case "running": self = .running
            case "healthy": self = .healthy
            case "unhealthy": self = .unhealthy
            case "stopped", "exited with code 0": self = .stopped
            default: self = .failed
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
}
