import AppModel
package import AppStatus
import Foundation
package import Supervisor

/// The control API of a running `Supervisor`: statuses with readiness, and the control verbs.
package struct SupervisorControl: ControlHandler {
    /// What the supervisor does not know about the app: names, types, URLs.
    package struct App: Sendable, Hashable {
        package var name: String
        /// The manifest's path.
        package var manifest: String
        /// The pid of `aspire up`.
        package var pid: Int32
        /// When `up` started (seconds since 1970).
        package var startedAt: Double
        /// Each runnable resource's type (`project`, `redis`, …); others show as `job`.
        package var types: [String: String]
        /// Each resource's endpoint URLs.
        package var urls: [String: [String]]
        /// The container of each replica, for resources that run in a container.
        package var containers: [String: [String]]
        /// The `lifetime: persistent` resources, and the state folder holding their records
        /// (`PersistentRecord`), whose pids status shows instead of their keepers'.
        package var persistent: Set<String> = []
        package var stateDirectory: String?

        package init(
            name: String, manifest: String, pid: Int32, startedAt: Double, types: [String: String],
            urls: [String: [String]], containers: [String: [String]] = [:]
        ) {
            self.name = name
            self.manifest = manifest
            self.pid = pid
            self.startedAt = startedAt
            self.types = types
            self.urls = urls
            self.containers = containers
        }
    }

    private let supervisor: Supervisor
    private let app: App

    /// Creates the handler for `supervisor` (it may not have started running yet).
    package init(supervisor: Supervisor, app: App) {
        self.supervisor = supervisor
        self.app = app
    }

    package func status() async -> RunStatus {
        let snapshots = await supervisor.snapshot()
        let shuttingDown = await supervisor.isShuttingDown
        return RunStatus(
            app: app.name, manifest: app.manifest, pid: app.pid, startedAt: app.startedAt, shuttingDown: shuttingDown,
            resources: snapshots.map { Self.resource($0, app: app) })
    }

    package func status(waitingUntilReadyFor timeout: Duration) async -> RunStatus {
        let app = self.app
        let snapshots = await supervisor.snapshot(
            until: { snapshots in
                let resources = snapshots.map { Self.resource($0, app: app) }
                let status = RunStatus(
                    app: app.name, manifest: app.manifest, pid: app.pid, startedAt: app.startedAt, shuttingDown: false,
                    resources: resources)
                if case .pending = status.readiness { return false }
                return true
            }, deadline: ContinuousClock.now + timeout)
        let shuttingDown = await supervisor.isShuttingDown
        return RunStatus(
            app: app.name, manifest: app.manifest, pid: app.pid, startedAt: app.startedAt, shuttingDown: shuttingDown,
            resources: snapshots.map { Self.resource($0, app: app) })
    }

    package func perform(_ action: ControlAction, on names: [String]) async throws(ControlRefusal) -> [ResourceStatus]
    {
        do {
            switch action {
            case .stop: try await supervisor.stop(names)
            case .start: try await supervisor.start(names)
            case .restart: try await supervisor.restart(names)
            }
        } catch {
            throw Self.refusal(for: error)
        }
        let resources = await status().resources
        return names.compactMap { name in resources.first { $0.name == name } }
    }

    package func shutdown() async -> ControlShutdownResponse {
        let started = await supervisor.requestGracefulShutdown()
        return ControlShutdownResponse(shuttingDown: true, alreadyShuttingDown: !started)
    }

    // MARK: - Mapping

    /// The supervisor's view of a service completed with what only the app knows: its type,
    /// URLs and containers.
    private static func resource(_ snapshot: ResourceStatus, app: App) -> ResourceStatus {
        var resource = snapshot
        resource.type = app.types[snapshot.name] ?? "job"
        resource.urls = app.urls[snapshot.name] ?? []
        if let containers = app.containers[snapshot.name] {
            resource.containers = containers
            for index in resource.replicas.indices where index < containers.count {
                resource.replicas[index].container = containers[index]
            }
        }
        if app.persistent.contains(snapshot.name) { markPersistent(&resource, app: app) }
        return resource
    }

    /// A persistent server: its lifetime, and (while its keeper runs) the server's own pid
    /// rather than the keeper's.
    private static func markPersistent(_ resource: inout ResourceStatus, app: App) {
        resource.lifetime = .persistent
        guard resource.state.isUp, resource.containers == nil, let state = app.stateDirectory,
            let record = PersistentRecord.read(state: state, name: resource.name), record.isAlive
        else { return }
        resource.pids = [record.pid]
        if !resource.replicas.isEmpty { resource.replicas[0].pid = record.pid }
    }

    /// The HTTP answer for a refused control request (404 for unknown names, with did-you-mean).
    package static func refusal(for error: ControlError) -> ControlRefusal {
        switch error.code {
        case .unknownServices(let names):
            let hint =
                names.count == 1
                ? DidYouMean.suffix(for: names[0], in: error.known)
                : "; its resources are: \(error.known.joined(separator: ", "))"
            return ControlRefusal(
                status: 404,
                body: ControlErrorBody(error: error.description + hint, code: "unknownResource", resources: names))
        case .notInRun(let names):
            return ControlRefusal(
                status: 409, body: ControlErrorBody(error: error.description, code: "notInRun", resources: names))
        case .notRunning:
            return ControlRefusal(status: 409, body: ControlErrorBody(error: error.description, code: "notRunning"))
        case .shuttingDown:
            return ControlRefusal(status: 409, body: ControlErrorBody(error: error.description, code: "shuttingDown"))
        case .finished:
            return ControlRefusal(status: 409, body: ControlErrorBody(error: error.description, code: "finished"))
        }
    }
}
