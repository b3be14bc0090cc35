/// A resource of the running app: the one status value behind the control API
/// (`GET /v1/status`), `.aspire/status.json`, `aspire ps` and the dashboard, so they cannot
/// disagree. The supervisor fills in what it knows (states, pids, readiness); `up` adds the type,
/// URLs and containers. The JSON is documented in docs/control-api.md and its OpenAPI file.
package struct ResourceStatus: Sendable, Hashable {
    package var name: String
    /// `project`, `executable`, `container`, `redis`, … (`job` for a helper the manifest does not name).
    package var type: String
    /// The resource's replicas folded into one state (the first replica's when there is one).
    package var state: ResourceState
    /// The current (or last) process id of each replica that has one.
    package var pids: [Int32]
    /// How many times the supervisor restarted it (all replicas together).
    package var restarts: Int
    /// Its endpoint URLs.
    package var urls: [String]
    /// When it last came up (seconds since 1970); nil while it is not up.
    package var upSince: Double?
    /// Healthy (or running, with no health check), or finished with every replica exiting 0.
    package var ready: Bool
    /// Nothing will change by itself any more: each replica exited or failed with no restart
    /// pending, or it was stopped.
    package var finished: Bool
    /// Stopped by `stop` and waiting for `start`.
    package var stoppedByUser: Bool
    package var replicas: [ResourceReplica]
    /// What decides readiness; nil when running is ready.
    package var healthProbe: HealthProbe?
    /// The containers (one per replica) of a resource that runs in a container; nil for a
    /// process. Its `pids` are then the engine clients'.
    package var containers: [String]?
    /// Why it was last restarted; nil when it never was (or only by a new `up`).
    package var lastRestart: RestartReason?
    /// While it is `waiting`: the resources it waits for that are not ready yet (plan order);
    /// empty otherwise. `up -d` counts a resource that waits for a `not started` one as settled.
    package var waitingFor: [String] = []
    /// `persistent` for a `lifetime: persistent` server (it outlives the run; its `pids` are the
    /// server's own); nil for the default session lifetime, which the JSON leaves out.
    package var lifetime: ResourceLifetime?

    package init(
        name: String, type: String = "job", state: ResourceState, pids: [Int32] = [], restarts: Int = 0,
        urls: [String] = [], upSince: Double? = nil, ready: Bool = false, finished: Bool = false,
        stoppedByUser: Bool = false, replicas: [ResourceReplica] = [], healthProbe: HealthProbe? = nil,
        containers: [String]? = nil
    ) {
        self.name = name
        self.type = type
        self.state = state
        self.pids = pids
        self.restarts = restarts
        self.urls = urls
        self.upSince = upSince
        self.ready = ready
        self.finished = finished
        self.stoppedByUser = stoppedByUser
        self.replicas = replicas
        self.healthProbe = healthProbe
        self.containers = containers
    }

    /// Whether readiness means passing a probe (`healthProbe` is set).
    package var healthCheck: Bool { healthProbe != nil }

    /// The verdict of a running, probed resource: `port` for one made ready by its port (the
    /// default readiness), else its state's `healthy`/`unhealthy`; nil when it is not running
    /// under a probe.
    package var health: ResourceHealth? {
        switch state {
        case .healthy: healthProbe == .port ? .port : .healthy
        case .unhealthy: healthProbe == .port ? .port : .unhealthy
        default: nil
        }
    }

    /// Finished without being ready: it failed, exited non-zero, or was stopped.
    package var hasFailed: Bool { finished && !ready }
}

/// How long a resource's process lives (`lifetime:` in the manifest).
package enum ResourceLifetime: String, Codable, Sendable, Hashable {
    /// Stopped with the run (the default).
    case session
    /// Outlives `up`; the next `up` adopts it when its configuration is unchanged.
    case persistent
}

/// One process of a resource.
package struct ResourceReplica: Codable, Sendable, Hashable {
    /// `name` for the first replica, `name-1`, `name-2`, … for the others.
    package var name: String
    package var state: ResourceState
    /// The current (or last) process id.
    package var pid: Int32?
    /// How many times the supervisor restarted this replica.
    package var restarts: Int
    /// The replica's container, when the resource runs in one; `pid` is then the engine client's.
    package var container: String?

    package init(name: String, state: ResourceState, pid: Int32? = nil, restarts: Int = 0, container: String? = nil) {
        self.name = name
        self.state = state
        self.pid = pid
        self.restarts = restarts
        self.container = container
    }
}

// MARK: - JSON

extension ResourceStatus: Codable {
    private enum CodingKeys: String, CodingKey {
        case name, type, state, health, pids, restarts, urls, upSince, healthCheck, ready, finished, stoppedByUser
        case replicas, healthProbe, containers, lastRestart, waitingFor, lifetime
    }

    /// Reads the keys this type writes; the derived ones (`health`, `healthCheck`) are ignored,
    /// and the readiness keys default to false so an older, smaller `status.json` still reads.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        type = try container.decode(String.self, forKey: .type)
        state = try container.decode(ResourceState.self, forKey: .state)
        pids = try container.decodeIfPresent([Int32].self, forKey: .pids) ?? []
        restarts = try container.decodeIfPresent(Int.self, forKey: .restarts) ?? 0
        urls = try container.decodeIfPresent([String].self, forKey: .urls) ?? []
        upSince = try container.decodeIfPresent(Double.self, forKey: .upSince)
        ready = try container.decodeIfPresent(Bool.self, forKey: .ready) ?? false
        finished = try container.decodeIfPresent(Bool.self, forKey: .finished) ?? false
        stoppedByUser = try container.decodeIfPresent(Bool.self, forKey: .stoppedByUser) ?? false
        replicas = try container.decodeIfPresent([ResourceReplica].self, forKey: .replicas) ?? []
        healthProbe = try container.decodeIfPresent(HealthProbe.self, forKey: .healthProbe)
        containers = try container.decodeIfPresent([String].self, forKey: .containers)
        lastRestart = try container.decodeIfPresent(RestartReason.self, forKey: .lastRestart)
        waitingFor = try container.decodeIfPresent([String].self, forKey: .waitingFor) ?? []
        lifetime = try container.decodeIfPresent(ResourceLifetime.self, forKey: .lifetime)
    }

    /// Writes every stored key plus `health` (null when there is none: the column is always
    /// there) and `healthCheck`; `upSince`, `healthProbe` and `containers` only when set.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(type, forKey: .type)
        try container.encode(state, forKey: .state)
        try container.encode(health, forKey: .health)
        try container.encode(pids, forKey: .pids)
        try container.encode(restarts, forKey: .restarts)
        try container.encode(urls, forKey: .urls)
        try container.encodeIfPresent(upSince, forKey: .upSince)
        try container.encode(healthCheck, forKey: .healthCheck)
        try container.encode(ready, forKey: .ready)
        try container.encode(finished, forKey: .finished)
        try container.encode(stoppedByUser, forKey: .stoppedByUser)
        try container.encode(replicas, forKey: .replicas)
        try container.encodeIfPresent(healthProbe, forKey: .healthProbe)
        try container.encodeIfPresent(containers, forKey: .containers)
        try container.encodeIfPresent(lastRestart, forKey: .lastRestart)
        if !waitingFor.isEmpty { try container.encode(waitingFor, forKey: .waitingFor) }
        try container.encodeIfPresent(lifetime, forKey: .lifetime)
    }
}
