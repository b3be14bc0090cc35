package import AppHost
package import AppModel
package import AppState
import ControlPlane
import Foundation
import Logging
package import Supervisor
package import Telemetry
import TelemetryGRPC

/// `aspire up` as a library call: runs a validated manifest's resources under a supervisor, with
/// the control API on `.aspire/control.sock`, the dashboard and `.aspire/status.json`, until they
/// have all finished or a stop is asked for. The CLI parses, calls this, and prints the outcome.
package enum AppRunner {
    /// What to run and how.
    package struct Options: Sendable {
        /// Start only these resources and what they wait for (names checked by the caller); empty: all.
        package var resources: [String] = []
        /// Seconds a child gets between SIGTERM and SIGKILL.
        package var gracePeriod: Double = 5
        /// Serve the web dashboard.
        package var dashboard = true
        /// The dashboard's port; nil: the last run's, else a free one.
        package var dashboardPort: Int?
        /// The environment the resources' `${VAR}`s and inherited variables come from.
        package var hostEnvironment: [String: String]
        /// Colour in the resources' console prefixes.
        package var color = false
        /// Become the child subreaper (process-wide: only the CLI's `up`, one run per process).
        package var adoptOrphans = false
        /// Stop on SIGINT, SIGTERM and SIGHUP (the CLI); tests stop with `stopWhen`.
        package var stopOnSignals = false
        /// When this returns, the app is stopped as by Ctrl-C (nil: never).
        package var stopWhen: (@Sendable () async -> Void)?
        /// How much telemetry the OTLP receiver keeps (`up --otel-max-…`).
        package var telemetryLimits = TelemetryLimits()
        /// Show the live board at the bottom of the terminal on standard output (the CLI decides:
        /// a TTY, colour on, no `--no-board`/`ASPIRE_NO_BOARD=1`).
        package var liveBoard = false

        package init(hostEnvironment: [String: String]) {
            self.hostEnvironment = hostEnvironment
        }
    }

    /// How a run ended.
    package struct Outcome: Sendable {
        /// The supervisor's outcome; nil when the run ended without one.
        package var supervisor: SupervisorOutcome?

        /// Every resource ended cleanly (exit 0, or stopped): `up` exits 0.
        package var isSuccess: Bool { supervisor?.isSuccess ?? false }
        /// The resources that did not end cleanly, in plan order.
        package var failures: [ServiceFailure] { supervisor?.failures ?? [] }
    }

    /// Why a run did not start (or ended without an outcome).
    package enum Failure: Error, Sendable, CustomStringConvertible {
        /// Another `up` of this app holds the run lock.
        case alreadyRunning(StateError)
        /// The state folder, ports, secrets or env files could not be used.
        case state(StateError)
        /// Resources that cannot be planned (no command found, a parameter without a value).
        case cannotPlan([LaunchPlanner.Problem])
        /// The supervisor refused the plan or could not set up (e.g. open a log file): a
        /// `SupervisorError`, reported as it is.
        case supervisor(any Error)
        /// `--detach`: the background `up` could not be started.
        case cannotStartInBackground(String)

        /// The lines to report, one per problem, without `error: `.
        package var lines: [String] {
            switch self {
            case .alreadyRunning(let error), .state(let error): [error.description]
            case .cannotPlan(let problems): problems.map(\.description)
            case .supervisor(let error): ["\(error)"]
            case .cannotStartInBackground(let reason): ["cannot start aspire up in the background: \(reason)"]
            }
        }

        package var description: String { lines.joined(separator: "\n") }

        /// True for a problem of the app or its state (exit 1); false for I/O (exit 2).
        package var isAppProblem: Bool {
            switch self {
            case .alreadyRunning, .cannotPlan, .supervisor: true
            case .state, .cannotStartInBackground: false
            }
        }
    }

    /// Runs `app` until every resource has finished or a stop is asked for.
    package static func run(
        _ app: Manifest, options: Options, output: RunnerOutput = .standard
    ) async throws(Failure) -> Outcome {
        guard options.liveBoard else { return try await run(app, options: options, output: output, board: nil) }
        let board = BoardWiring()
        defer { board.board.finish() }  // erased before the CLI prints how the run ended
        return try await run(app, options: options, output: board.output, board: board)
    }

    private static func run(
        _ app: Manifest, options: Options, output: RunnerOutput, board: BoardWiring?
    ) async throws(Failure) -> Outcome {
        let resources = options.resources
        let folder = StateFolder(manifestDirectory: app.directory)
        let lock: RunLock
        do {
            lock = try RunLock(folder: folder)
        } catch {
            // Already running is the app's state (1); a state folder that cannot be used is I/O (2).
            if case .alreadyRunning = error.code { throw .alreadyRunning(error) }
            throw .state(error)
        }
        ContainerCleanup.removeLeftovers(of: app)  // containers a killed `up` of this app left behind
        defer { ContainerCleanup.removeLeftovers(of: app, announce: false) }  // and any that outlive this run's stop
        var store = BindingsStore(folder: folder, manifest: app, environment: options.hostEnvironment)
        store.runningPersistent = Set(PersistentRecord.live(state: folder.path).keys)
        var bindings: Bindings
        let problems: [BindingsStore.Problem]
        do {
            (bindings, problems) = try store.prepare(mode: .run)
        } catch {
            throw .state(error)
        }
        bindings.dotnetProjects = ProjectDetector.dotnetProjects(of: app)  // they export over OTLP/gRPC
        bindings.runID = SecretGenerator.generate(Parameter.Generate(length: 8, upper: false))  // service.instance.id
        let planner = LaunchPlanner(manifest: app, bindings: bindings, folder: folder, hostEnvironment: options.hostEnvironment)
        var (plan, planProblems) = planner.plan()
        plan.gracePeriod = Clamped.duration(seconds: options.gracePeriod)
        let selected = resources.isEmpty ? nil : Set(resources.compactMap { app.runnableOwner(of: $0) })
        let needed = selected.map { plan.closure(of: $0) }
        let blocking = (problems.map { LaunchPlanner.Problem(resource: $0.resource, message: $0.message) } + planProblems)
            .filter { needed?.contains($0.resource) ?? true }
        if !blocking.isEmpty { throw .cannotPlan(blocking) }

        // What each child gets is also written to .aspire/env/<name>.env (0600).
        let resolver = EnvironmentResolver(manifest: app, bindings: bindings)
        var environments: [String: [ResolvedEnvironment]] = [:]
        for resource in app.resources where resource.isRunnable {
            environments[resource.name] = try? planner.injectedEnvironments(of: resource, resolver: resolver)
        }
        do {
            try EnvFileWriter.write(environments, folder: folder)
        } catch {
            throw .state(error)
        }

        output.out(EndpointSummary.text(app, resolver: resolver, only: needed))
        var urls: [String: [String]] = [:]
        for resource in app.resources where resource.isRunnable {
            urls[resource.name] = resource.run.endpoints.compactMap {
                try? resolver.endpointValue(EndpointID(resource.name, $0.name), field: .url).value
            }
        }
        let logger = Logger(label: "aspire")
        let supervisor = Supervisor(plan: plan, options: SupervisorOptions(
                only: selected, console: board?.board ?? FileDescriptorConsoleSink(), color: options.color,
                adoptOrphans: options.adoptOrphans,
                // Containers go before adopted leftovers are stopped: podman's conmon is one of them.
                beforeStoppingDescendants: { ContainerCleanup.removeLeftovers(of: app, announce: false) },
                retirePersistent: { [state = folder.path, environment = options.hostEnvironment] name in
                    if let record = PersistentRecord.read(state: state, name: name) {
                        PersistentServers.stop(record, state: state, environment: environment)
                    }
                }), logger: logger)
        DashboardState.forgetLoginURL(in: folder)
        var containerNames: [String: [String]] = [:]
        for resource in app.resources { containerNames[resource.name] = planner.containerNames(of: resource) }
        let control = Self.control(for: supervisor, app: app, urls: urls, containers: containerNames)
        let recorder = StatusRecorder(folder: folder, control: control)
        let telemetry = TelemetryStore(limits: options.telemetryLimits)
        let otlp = bindings.telemetry
        let otlpGateways = planner.otlpGatewayAddresses()  // docker's bridge, for containers (docs/telemetry.md)
        let server = Self.controlServer(
            control, telemetry: otlp.map { ControlTelemetry(store: telemetry, apiKey: $0.apiKey) }, folder: folder, logger: logger,
            output: output)
        let dashboard =
            options.dashboard
            ? DashboardLauncher(
                manifest: app, folder: folder, environments: environments, control: control,
                requestedPort: options.dashboardPort, output: output, telemetry: telemetry)
            : nil
        let stopOnSignals = options.stopOnSignals
        let stopWhen = options.stopWhen
        let result: Result<SupervisorOutcome?, any Error>
        do {
            result = .success(try await withThrowingTaskGroup(of: SupervisorOutcome?.self) { group in
                group.addTask { try await supervisor.run() }
                group.addTask {
                    await server?.run()
                    return nil
                }
                group.addTask {
                    await recorder.run()
                    return nil
                }
                if let otlp {  // the OTLP/HTTP and OTLP/gRPC receivers (docs/telemetry.md)
                    group.addTask {
                        do {
                            try await TelemetryReceiver.start(
                                port: otlp.port, apiKey: otlp.apiKey, store: telemetry, alsoListenOn: otlpGateways,
                                onExtraAddressError: { host, error in
                                    output.error("warning: no OTLP receiver on \(host):\(otlp.port), containers cannot send telemetry: \(error)")
                                })
                        } catch {
                            if !Task.isCancelled { output.error("warning: no OTLP receiver on 127.0.0.1:\(otlp.port): \(error)") }
                        }
                        return nil
                    }
                    if let grpcPort = otlp.grpcPort {
                        group.addTask {
                            do {
                                try await OTLPGRPCReceiver(
                                    port: grpcPort, apiKey: otlp.apiKey, store: telemetry, alsoListenOn: otlpGateways,
                                    onExtraAddressError: { host, error in
                                        output.error("warning: no OTLP/gRPC receiver on \(host):\(grpcPort): \(error)")
                                    }
                                ).run()
                            } catch {
                                if !Task.isCancelled { output.error("warning: no OTLP/gRPC receiver on 127.0.0.1:\(grpcPort): \(error)") }
                            }
                            return nil
                        }
                    }
                }
                if let board {
                    group.addTask {
                        await board.run(control: control, supervisor: supervisor)
                        return nil
                    }
                }
                if let dashboard {
                    group.addTask {
                        await dashboard.run()
                        return nil
                    }
                }
                if stopOnSignals {
                    group.addTask {
                        for await _ in UnixSignals(.interrupt, .terminate, .hangup) {
                            await supervisor.requestShutdown()
                        }
                        return nil
                    }
                }
                if let stopWhen {
                    group.addTask {
                        await stopWhen()
                        if !Task.isCancelled { await supervisor.requestShutdown() }
                        return nil
                    }
                }
                var result: SupervisorOutcome?
                for try await value in group {
                    if let value {
                        result = value
                        group.cancelAll()
                        break
                    }
                }
                return result
            })
        } catch {
            result = .failure(error)  // only the supervisor's task throws
        }
        withExtendedLifetime(lock) {}
        switch result {
        case .success(let outcome): return Outcome(supervisor: outcome)
        case .failure(let error): throw .supervisor(error)
        }
    }

    /// What the control API and the dashboard both answer from: the supervisor plus the app's
    /// names, types and URLs.
    static func control(
        for supervisor: Supervisor, app: Manifest, urls: [String: [String]], containers: [String: [String]] = [:]
    ) -> SupervisorControl {
        var types: [String: String] = [:]
        for resource in app.resources { types[resource.name] = app.typeName(of: resource) }
        var described = SupervisorControl.App(
            name: app.name, manifest: app.file, pid: getpid(), startedAt: Date().timeIntervalSince1970,
            types: types, urls: urls, containers: containers)
        described.persistent = Set(app.resources.filter { $0.run.lifetime == .persistent }.map(\.name))
        described.stateDirectory = StateFolder(manifestDirectory: app.directory).path
        return SupervisorControl(supervisor: supervisor, app: described)
    }

    /// The control API for `restart`/`stop`/`start`/`ps`, on `.aspire/control.sock`; nil (with a
    /// warning) when the socket cannot be created — the app still runs.
    static func controlServer(
        _ control: SupervisorControl, telemetry: ControlTelemetry? = nil, folder: StateFolder, logger: Logger, output: RunnerOutput
    ) -> ControlServer? {
        do {
            return try ControlServer(socketPath: folder.controlSocketFile, handler: control, telemetry: telemetry, logger: logger)
        } catch {
            output.error("warning: no control API (restart, stop and start will not work): \(error.description)")
            return nil
        }
    }
}

extension LaunchPlan {
    /// `names` plus every service they wait for, transitively.
    func closure(of names: Set<String>) -> Set<String> {
        var result = Set<String>()
        var pending = Array(names)
        while let name = pending.popLast() {
            guard result.insert(name).inserted, let service = services.first(where: { $0.name == name }) else { continue }
            pending += service.waitFor + service.waitForCompletion
        }
        return result
    }
}
