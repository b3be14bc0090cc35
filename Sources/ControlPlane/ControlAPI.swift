package import AppState

// The JSON bodies of the control API (docs/control-api.md). A status is a superset of
// `.aspire/status.json` (`RunStatus`): the same keys, plus readiness and replicas.

/// What `POST /v1/resources/{name}/{action}` does.
package enum ControlAction: String, Codable, Sendable, Hashable, CaseIterable {
    case stop, start, restart
}

/// One process of a resource.
package struct ControlReplica: Codable, Sendable, Hashable {
    /// `name` for the first replica, `name-1`, `name-2`, … for the others.
    package var name: String
    package var state: String
    package var pid: Int32?
    package var restarts: Int
    /// The replica's container (name), when the resource runs in one; `pid` is then the engine
    /// client's.
    package var container: String?

    package init(name: String, state: String, pid: Int32?, restarts: Int, container: String? = nil) {
        self.name = name
        self.state = state
        self.pid = pid
        self.restarts = restarts
        self.container = container
    }
}

/// A resource of the running app: `RunStatus.Resource`'s keys plus what the control plane knows.
package struct ControlResource: Codable, Sendable, Hashable {
    package var name: String
    package var type: String
    /// waiting, starting, running, healthy, unhealthy, exited with code N, killed by SIGx, a
    /// failure reason, stopped (the words `up` prints).
    package var state: String
    package var pids: [Int32]
    package var restarts: Int
    package var urls: [String]
    /// When the resource last came up (seconds since 1970).
    package var upSince: Double?
    /// Whether readiness means passing a health check.
    package var healthCheck: Bool
    /// Healthy (or running, with no health check), or finished with exit code 0.
    package var ready: Bool
    /// Nothing will change by itself any more (exited or failed with no restart pending, or
    /// stopped).
    package var finished: Bool
    /// Stopped by `stop` and waiting for `start`.
    package var stoppedByUser: Bool
    package var replicas: [ControlReplica]
    /// What decides readiness: `http`, `tcp`, `exec`, or `port` (the default for a resource with
    /// an endpoint and no health check); absent when running is ready.
    package var healthProbe: String?
    /// The containers (one per replica) of a resource that runs in a container; nil otherwise.
    package var containers: [String]?

    package init(
        name: String, type: String, state: String, pids: [Int32], restarts: Int, urls: [String], upSince: Double?,
        healthCheck: Bool, ready: Bool, finished: Bool, stoppedByUser: Bool, replicas: [ControlReplica],
        healthProbe: String? = nil, containers: [String]? = nil
    ) {
        self.name = name
        self.type = type
        self.state = state
        self.pids = pids
        self.restarts = restarts
        self.urls = urls
        self.upSince = upSince
        self.healthCheck = healthCheck
        self.ready = ready
        self.finished = finished
        self.stoppedByUser = stoppedByUser
        self.replicas = replicas
        self.healthProbe = healthProbe
        self.containers = containers
    }

    /// Finished without being ready: it failed, exited non-zero, or was stopped.
    package var hasFailed: Bool { finished && !ready }

    /// The same resource in the shape of `.aspire/status.json`.
    package var runStatusResource: RunStatus.Resource {
        RunStatus.Resource(
            name: name, type: type, state: state, pids: pids, restarts: restarts, urls: urls, upSince: upSince,
            healthProbe: healthProbe, containers: containers)
    }
}

/// `GET /v1/status`.
package struct ControlStatus: Codable, Sendable, Hashable {
    package var app: String
    /// The manifest's path.
    package var manifest: String
    /// The pid of `aspire up`.
    package var pid: Int32
    package var startedAt: Double
    /// A shutdown is under way.
    package var shuttingDown: Bool
    package var resources: [ControlResource]

    package init(
        app: String, manifest: String, pid: Int32, startedAt: Double, shuttingDown: Bool, resources: [ControlResource]
    ) {
        self.app = app
        self.manifest = manifest
        self.pid = pid
        self.startedAt = startedAt
        self.shuttingDown = shuttingDown
        self.resources = resources
    }

    /// The same snapshot in the shape of `.aspire/status.json`.
    package var runStatus: RunStatus {
        RunStatus(
            app: app, manifest: manifest, pid: pid, startedAt: startedAt,
            resources: resources.map(\.runStatusResource))
    }
}

/// The body of `POST /v1/{action}`: several resources at once.
package struct ControlActionRequest: Codable, Sendable, Hashable {
    package var resources: [String]

    package init(resources: [String]) { self.resources = resources }
}

/// The answer to a stop, start or restart: the resources' states once it is done.
package struct ControlActionResponse: Codable, Sendable, Hashable {
    package var action: ControlAction
    package var resources: [ControlResource]

    package init(action: ControlAction, resources: [ControlResource]) {
        self.action = action
        self.resources = resources
    }
}

/// The answer to `POST /v1/shutdown`.
package struct ControlShutdownResponse: Codable, Sendable, Hashable {
    /// Always true: the app is stopping.
    package var shuttingDown: Bool
    /// The shutdown was already under way (this request changed nothing).
    package var alreadyShuttingDown: Bool

    package init(shuttingDown: Bool, alreadyShuttingDown: Bool) {
        self.shuttingDown = shuttingDown
        self.alreadyShuttingDown = alreadyShuttingDown
    }
}

/// The body of every error answer (4xx, 5xx).
package struct ControlErrorBody: Codable, Sendable, Hashable {
    /// One line for a person, e.g. "no resource named 'wbe' in this app; did you mean 'web'?".
    package var error: String
    /// A stable identifier: badRequest, forbidden, notFound, unknownResource, notInRun,
    /// methodNotAllowed, notRunning, shuttingDown, finished, tooLarge, internal.
    package var code: String
    /// The resources the error is about, when it is about some.
    package var resources: [String]?

    package init(error: String, code: String, resources: [String]? = nil) {
        self.error = error
        self.code = code
        self.resources = resources
    }
}
