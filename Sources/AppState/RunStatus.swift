import Foundation

/// A snapshot of a running app, written by `up` to `.aspire/status.json` on every change and
/// read by `ps` (and anything else that wants to know without talking to the supervisor).
package struct RunStatus: Codable, Sendable, Hashable {
    package struct Resource: Codable, Sendable, Hashable {
        package var name: String
        package var type: String
        /// waiting, starting, running, healthy, unhealthy, exited (code N), failed: …, stopped.
        package var state: String
        package var pids: [Int32]
        package var restarts: Int
        package var urls: [String]
        /// When the resource last came up (seconds since 1970), for uptime.
        package var upSince: Double?
        /// What decides readiness (`http`, `tcp`, `exec`, `port`); absent when running is ready.
        package var healthProbe: String?
        /// The containers (one per replica) of a resource that runs in a container, nil for a
        /// process. Its `pids` are then the engine clients'.
        package var containers: [String]?

        package init(
            name: String, type: String, state: String, pids: [Int32], restarts: Int, urls: [String], upSince: Double?,
            healthProbe: String? = nil, containers: [String]? = nil
        ) {
            self.name = name
            self.type = type
            self.state = state
            self.pids = pids
            self.restarts = restarts
            self.urls = urls
            self.upSince = upSince
            self.healthProbe = healthProbe
            self.containers = containers
        }

        /// `healthy` or `unhealthy` for a running, health-checked resource (its state says so),
        /// `port` for one made ready by its port accepting connections (the default with an
        /// endpoint and no health check); nil otherwise. `ps` and the dashboard show it as its
        /// own column.
        package var health: String? {
            guard state == "healthy" || state == "unhealthy" else { return nil }
            return healthProbe == "port" ? "port" : state
        }

        /// The state as `ps` shows it beside `health`: `running` for a health-checked running
        /// resource, else `state` itself.
        package var tableState: String { health == nil ? state : "running" }
    }

    package var app: String
    package var manifest: String
    /// The pid of `aspire up`.
    package var pid: Int32
    package var startedAt: Double
    package var resources: [Resource]

    package init(app: String, manifest: String, pid: Int32, startedAt: Double, resources: [Resource]) {
        self.app = app
        self.manifest = manifest
        self.pid = pid
        self.startedAt = startedAt
        self.resources = resources
    }
}

extension StateFolder {
    package var statusFile: String { file("status.json") }

    /// The last snapshot written by a running `up`, or nil when none runs.
    package func runningStatus() -> RunStatus? {
        guard RunLock.runningPID(folder: self) != nil else { return nil }
        return readJSON(RunStatus.self, from: statusFile)
    }
}
