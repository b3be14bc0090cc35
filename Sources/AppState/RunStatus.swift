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
        /// The containers (one per replica) of a resource that runs in a container, nil for a
        /// process. Its `pids` are then the engine clients'.
        package var containers: [String]?

        package init(
            name: String, type: String, state: String, pids: [Int32], restarts: Int, urls: [String], upSince: Double?,
            containers: [String]? = nil
        ) {
            self.name = name
            self.type = type
            self.state = state
            self.pids = pids
            self.restarts = restarts
            self.urls = urls
            self.upSince = upSince
            self.containers = containers
        }

        /// `healthy` or `unhealthy` for a running, health-checked resource (its state says so);
        /// nil otherwise. `ps` and the dashboard show it as its own column.
        package var health: String? {
            state == "healthy" || state == "unhealthy" ? state : nil
        }
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
