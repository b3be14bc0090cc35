package import AppModel
package import AppState
import AppStatus
package import ControlPlane
import Dashboard
import Supervisor
import Foundation
package import Telemetry

// MARK: - The adapter between the running `up` and the dashboard

/// The dashboard's view of a running app, built by `up` from what it already has.
///
/// - Parameters:
///   - manifest: The app (types, replicas, the graph).
///   - folder: Its state folder: the logs are followed in `.aspire/logs/<name>.log`.
///   - environments: What each resource was started with (`up` computes it for the env files).
///   - status: The current snapshot, as `ps` shows it (the status recorder's, or the supervisor's).
///   - perform: Starts, stops or restarts a resource; throw ``DashboardActionError`` to refuse.
/// - Returns: A backend for `DashboardServer`.
func makeDashboardBackend(
    manifest: Manifest,
    folder: StateFolder,
    environments: [String: [ResolvedEnvironment]],
    status: @escaping @Sendable () async -> RunStatus?,
    perform: @escaping @Sendable (DashboardAction, String) async throws -> Void = { _, _ in
        throw DashboardActionError(.unsupported, "this app cannot be controlled from the dashboard")
    }
) -> some DashboardBackend {
    AppDashboardBackend(manifest: manifest, folder: folder, environments: environments, status: status, action: perform)
}

/// Answers the dashboard from the manifest, the status snapshot and the log files.
struct AppDashboardBackend: DashboardBackend {
    var manifest: Manifest
    var folder: StateFolder
    var environments: [String: [ResolvedEnvironment]]
    var status: @Sendable () async -> RunStatus?
    var action: @Sendable (DashboardAction, String) async throws -> Void

    func resources() async -> [ResourceStatus] {
        await status()?.resources ?? []
    }

    func logTail(resource: String?, lines: Int) async -> [DashboardLogLine] {
        let names: [String]
        if let resource {
            names = [resource]
        } else {
            let running = await status()?.resources.map(\.name)
            names = running ?? LogFiles.names(in: folder)
        }
        return names.flatMap { name in
            LogFiles.tail(LogFiles.path(of: name, in: folder), lines: lines).lines.map {
                DashboardLogLine(resource: name, text: LogFiles.withoutTimestamp($0))
            }
        }
    }

    func logStream(resource: String?) -> AsyncStream<DashboardLogLine> {
        // The dashboard shows no stamps, as `up`'s console does not.
        let follower = LogFollower(folder: folder, names: resource.map { [$0] })
        return AsyncStream(unfolding: {
            await follower.next().map { DashboardLogLine(resource: $0.resource, text: LogFiles.withoutTimestamp($0.text)) }
        })
    }

    func environment(resource: String) async -> [DashboardVariable]? {
        guard let environment = environments[resource]?.first else { return nil }
        return environment.map { DashboardVariable(name: $0.name, value: $0.value.value, isSecret: $0.value.isSecret) }
    }

    func graph() async -> DashboardGraph {
        let states = Dictionary(
            (await status()?.resources ?? []).map { ($0.name, $0.state) }, uniquingKeysWith: { first, _ in first })
        let graph = ResourceGraph(manifest)
        var edges: [DashboardGraph.Edge] = []
        var seen = Set<DashboardGraph.Edge>()
        for edge in graph.edges {
            let kind: DashboardGraph.EdgeKind =
                switch edge.kind {
                case .reference, .expression: .reference
                case .waitFor: .waitFor
                case .waitForCompletion: .waitForCompletion
                case .parent: .parent
                }
            let mapped = DashboardGraph.Edge(from: edge.from, to: edge.to, kind: kind)
            if seen.insert(mapped).inserted { edges.append(mapped) }
        }
        let nodes = manifest.resources.map {
            DashboardGraph.Node(name: $0.name, type: manifest.typeName(of: $0), state: states[$0.name])
        }
        return DashboardGraph(nodes: nodes, edges: edges)
    }

    func perform(_ action: DashboardAction, resource: String) async throws {
        try await self.action(action, resource)
    }
}

// MARK: - Stable port and the login URL on disk

/// `.aspire/dashboard.json` (0600): the dashboard's port, kept across runs like the resources'
/// ports, and the current login URL, for `aspire dashboard` to print.
package struct DashboardState: Codable, Sendable {
    package var port: Int
    package var loginURL: String?

    package static func path(in folder: StateFolder) -> String { folder.file("dashboard.json") }

    /// The port to use: `requested` when given, else last run's while it is free, else a fresh one.
    package static func port(in folder: StateFolder, requested: Int? = nil) -> Int {
        if let requested { return requested }
        if let previous = folder.readJSON(DashboardState.self, from: path(in: folder)), PortProbe.isFree(previous.port)
        {
            return previous.port
        }
        return PortProbe.ephemeralPort() ?? 18_888
    }

    /// Forgets the last run's login URL (its token is dead), keeping the port.
    package static func forgetLoginURL(in folder: StateFolder) {
        guard let previous = folder.readJSON(DashboardState.self, from: path(in: folder)) else { return }
        try? folder.writeJSON(DashboardState(port: previous.port), to: path(in: folder), mode: 0o600)
    }

    /// Records the port and login URL (mode 0600: the URL holds the token).
    package static func save(port: Int, loginURL: String, in folder: StateFolder) {
        try? folder.writeJSON(DashboardState(port: port, loginURL: loginURL), to: path(in: folder), mode: 0o600)
    }
}

// MARK: - Serving it from `up`

/// Serves the dashboard for the running `up`: from the same status and control verbs as the
/// control API, so the console, `ps` and the dashboard agree on states, names and URLs.
package struct DashboardLauncher: Sendable {
    package var manifest: Manifest
    package var folder: StateFolder
    package var environments: [String: [ResolvedEnvironment]]
    package var control: SupervisorControl
    /// `--dashboard-port`; nil keeps last run's port.
    package var requestedPort: Int?
    /// Where the login URL and warnings are written.
    package var output: RunnerOutput
    /// What the OTLP receiver stores, for the structured logs, traces and metrics pages.
    package var telemetry: TelemetryStore?

    package init(
        manifest: Manifest, folder: StateFolder, environments: [String: [ResolvedEnvironment]], control: SupervisorControl,
        requestedPort: Int?, output: RunnerOutput = .standard, telemetry: TelemetryStore? = nil
    ) {
        self.telemetry = telemetry
        self.manifest = manifest
        self.folder = folder
        self.environments = environments
        self.control = control
        self.requestedPort = requestedPort
        self.output = output
    }

    /// Serves until cancelled; a port that cannot be bound is a warning, not the end of the app.
    package func run() async {
        let control = control
        let output = output
        let backend = makeDashboardBackend(
            manifest: manifest, folder: folder, environments: environments,
            status: { await control.status() },
            perform: { action, name in try await Self.perform(action, on: name, control: control) })
        let port = DashboardState.port(in: folder, requested: requestedPort)
        let server = DashboardServer(backend: backend, port: port, title: manifest.name, telemetry: telemetry)
        let folder = folder
        do {
            try await server.run { bound in
                let url = server.loginURL(port: bound)
                DashboardState.save(port: bound, loginURL: url, in: folder)
                output.out("Dashboard: \(url)\n")
            }
        } catch is CancellationError {
        } catch {
            if !Task.isCancelled {
                output.error("warning: no dashboard on 127.0.0.1:\(port): \(error) (choose another with --dashboard-port)")
            }
        }
    }

    static func perform(_ action: DashboardAction, on name: String, control: SupervisorControl) async throws {
        let verb: ControlAction =
            switch action {
            case .start: .start
            case .stop: .stop
            case .restart: .restart
            }
        do {
            _ = try await control.perform(verb, on: [name])
        } catch {
            let code: DashboardActionError.Code =
                switch error.status {
                case 404: .unknownResource
                case 409: .conflict
                case 400..<500: .conflict
                default: .failed
                }
            throw DashboardActionError(code, error.body.error)
        }
    }
}
