import AppHost
import AppModel
import AppState
import ArgumentParser
import CMallocPolicy
import ControlPlane
import Foundation
import Logging
import Supervisor
import Telemetry

/// `aspire up`: run the app — resources in dependency order, injected environment, probes,
/// restarts, prefixed logs — until Ctrl-C/SIGTERM, or until every resource has finished.
/// It serves the control API on `.aspire/control.sock` meanwhile. With `--detach` it runs
/// itself in the background and returns once every resource is ready.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Run the app; Ctrl-C stops it cleanly (-d: in the background).")

    @OptionGroup var manifest: ManifestOptions
    @Argument(help: "Start only these resources and what they wait for.") var resources: [String] = []
    @Option(help: "Seconds a child gets between SIGTERM and SIGKILL.") var gracePeriod: Double = 5
    @Flag(
        name: [.customShort("d"), .long],
        help: "Run in the background (output in .aspire/up.log); return once every resource is ready, or exit 1 if one fails.")
    var detach = false
    @Option(help: "With --detach: seconds to wait for every resource to be ready.") var waitTimeout: Double = 300
    @Option(help: "The dashboard's loopback port (default: the last run's, else a free one).") var dashboardPort: Int?
    @Flag(help: "Do not serve the web dashboard.") var noDashboard = false

    /// Marks the background `up` that `--detach` starts (removed before anything else sees it).
    static let detachedChildVariable = "ASPIRE_UP_DETACHED_CHILD"

    func run() async throws {
        let isDetachedChild = ProcessInfo.processInfo.environment[Self.detachedChildVariable] != nil
        if isDetachedChild { unsetenv(Self.detachedChildVariable) }
        UnixSignal.ignoreBrokenPipe()
        let (app, _) = try manifest.loadValidManifest()
        aspire_malloc_release_freed()  // the supervisor runs for hours: its memory is what it uses
        for name in resources where app[name] == nil {
            let hint = DidYouMean.suggestion(for: name, in: app.resourceNames).map { "; did you mean '\($0)'?" } ?? ""
            Console.error("error: no resource named '\(name)' in \(manifest.file)\(hint)")
            throw ExitCode(1)
        }
        if detach && !isDetachedChild {
            try await runDetached(app)
            return
        }
        let folder = StateFolder(manifestDirectory: app.directory)
        let lock: RunLock
        do {
            lock = try RunLock(folder: folder)
        } catch {
            Console.error("error: \(error.description)")
            // Already running is the app's state (1); a state folder that cannot be used is I/O (2).
            if case .alreadyRunning = error.code { throw ExitCode(1) }
            throw ExitCode(2)
        }
        ContainerCleanup.removeLeftovers(of: app)  // containers a killed `up` of this app left behind
        defer { ContainerCleanup.removeLeftovers(of: app, announce: false) }  // and any that outlive this run's stop
        let (prepared, problems, _) = try manifest.bindings(for: app, mode: .run)
        var bindings = prepared
        bindings.runID = SecretGenerator.generate(Parameter.Generate(length: 8, upper: false))  // service.instance.id
        var hostEnvironment = ProcessInfo.processInfo.environment
        hostEnvironment[Self.detachedChildVariable] = nil
        let planner = LaunchPlanner(manifest: app, bindings: bindings, folder: folder, hostEnvironment: hostEnvironment)
        var (plan, planProblems) = planner.plan()
        plan.gracePeriod = Clamped.duration(seconds: gracePeriod)
        let selected = resources.isEmpty ? nil : Set(resources.compactMap { app.runnableOwner(of: $0) })
        let needed = selected.map { plan.closure(of: $0) }
        let blocking = (problems.map { LaunchPlanner.Problem(resource: $0.resource, message: $0.message) } + planProblems)
            .filter { needed?.contains($0.resource) ?? true }
        if !blocking.isEmpty {
            for problem in blocking { Console.error("error: \(problem.description)") }
            throw ExitCode(1)
        }

        // What each child gets is also written to .aspire/env/<name>.env (0600).
        let resolver = EnvironmentResolver(manifest: app, bindings: bindings)
        var environments: [String: [ResolvedEnvironment]] = [:]
        for resource in app.resources where resource.isRunnable {
            environments[resource.name] = try? planner.injectedEnvironments(of: resource, resolver: resolver)
        }
        do {
            try EnvFileWriter.write(environments, folder: folder)
        } catch {
            Console.error("error: \(error.description)")
            throw ExitCode(2)
        }

        Console.out(EndpointSummary.text(app, resolver: resolver, only: needed))
        var urls: [String: [String]] = [:]
        for resource in app.resources where resource.isRunnable {
            urls[resource.name] = resource.run.endpoints.compactMap {
                try? resolver.endpointValue(EndpointID(resource.name, $0.name), field: .url).value
            }
        }
        let color = Console.useColor(fileDescriptor: 1)
        let logger = Logger(label: "aspire")
        let supervisor = Supervisor(plan: plan, options: SupervisorOptions(
                only: selected, color: color, adoptOrphans: true,
                // Containers go before adopted leftovers are stopped: podman's conmon is one of them.
                beforeStoppingDescendants: { ContainerCleanup.removeLeftovers(of: app, announce: false) }), logger: logger)
        DashboardState.forgetLoginURL(in: folder)
        var containerNames: [String: [String]] = [:]
        for resource in app.resources { containerNames[resource.name] = planner.containerNames(of: resource) }
        let control = Self.control(for: supervisor, app: app, urls: urls, containers: containerNames)
        let recorder = StatusRecorder(folder: folder, control: control)
        let server = Self.controlServer(control, folder: folder, logger: logger)
        let dashboard =
            noDashboard
            ? nil
            : DashboardLauncher(
                manifest: app, folder: folder, environments: environments, control: control,
                requestedPort: dashboardPort)
        let telemetry = TelemetryStore()
        let outcome = try await withThrowingTaskGroup(of: SupervisorOutcome?.self) { group in
            group.addTask { try await supervisor.run() }
            group.addTask {
                await server?.run()
                return nil
            }
            group.addTask {
                await recorder.run()
                return nil
            }
            if let endpoint = bindings.telemetry {  // OTLP/HTTP receiver (docs/telemetry.md)
                group.addTask {
                    do {
                        try await TelemetryReceiver.start(port: endpoint.port, apiKey: endpoint.apiKey, store: telemetry)
                    } catch {
                        if !Task.isCancelled { Console.error("warning: no OTLP receiver on 127.0.0.1:\(endpoint.port): \(error)") }
                    }
                    return nil
                }
            }
            if let dashboard {
                group.addTask {
                    await dashboard.run()
                    return nil
                }
            }
            group.addTask {
                for await _ in UnixSignals(.interrupt, .terminate, .hangup) {
                    await supervisor.requestShutdown()
                }
                return nil
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
        }
        withExtendedLifetime(lock) {}
        guard let outcome, outcome.isSuccess else {
            for failure in outcome?.failures ?? [] { Console.error("error: \(failure.description)") }
            throw ExitCode(1)
        }
    }
}

extension UpCommand {
    /// What the control API and the dashboard both answer from: the supervisor plus the app's
    /// names, types and URLs.
    static func control(
        for supervisor: Supervisor, app: Manifest, urls: [String: [String]], containers: [String: [String]] = [:]
    ) -> SupervisorControl {
        var types: [String: String] = [:]
        for resource in app.resources { types[resource.name] = resource.typeName }
        return SupervisorControl(
            supervisor: supervisor,
            app: SupervisorControl.App(
                name: app.name, manifest: app.file, pid: getpid(), startedAt: Date().timeIntervalSince1970,
                types: types, urls: urls, containers: containers))
    }

    /// The control API for `restart`/`stop`/`start`/`ps`, on `.aspire/control.sock`; nil (with a
    /// warning) when the socket cannot be created — the app still runs.
    static func controlServer(_ control: SupervisorControl, folder: StateFolder, logger: Logger) -> ControlServer? {
        do {
            return try ControlServer(socketPath: folder.controlSocketFile, handler: control, logger: logger)
        } catch {
            Console.error("warning: no control API (restart, stop and start will not work): \(error.description)")
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

// MARK: - up --detach

extension UpCommand {
    /// Runs `up` again in the background (its own session, output in `.aspire/up.log`) and
    /// waits, through the control API, until every resource is ready or one failed; like
    /// `docker compose up --detach --wait`. The app keeps running either way.
    func runDetached(_ app: Manifest) async throws {
        let folder = StateFolder(manifestDirectory: app.directory)
        if let pid = RunLock.runningPID(folder: folder) {
            Console.error("error: \(StateError(.alreadyRunning(pid: pid, lockFile: folder.lockFile)).description)")
            throw ExitCode(1)
        }
        do {
            try folder.create()
        } catch {
            Console.error("error: \(error.description)")
            throw ExitCode(2)
        }
        let manifestPath = URL(fileURLWithPath: app.file).standardizedFileURL.path
        var arguments = ["up", "--file", manifestPath, "--grace-period", String(gracePeriod)]
        if !resources.isEmpty { arguments += ["--"] + resources }
        var environment = ProcessInfo.processInfo.environment
        environment[Self.detachedChildVariable] = "1"
        let pid: Int32
        do {
            pid = try BackgroundProcess.spawn(
                executable: BackgroundProcess.currentExecutable, arguments: arguments, environment: environment,
                outputPath: folder.upLogFile)
        } catch {
            Console.error("error: cannot start aspire up in the background: \(error.description)")
            throw ExitCode(2)
        }

        // Each status request waits (up to 20 s) until the app is ready or something failed: the
        // answer comes at the state change itself, not at the next poll.
        let client = ControlClient(socketPath: folder.controlSocketFile, timeout: .seconds(30))
        let deadline = ContinuousClock.now + Clamped.duration(seconds: waitTimeout)
        let stopHint = "stop it with `aspire down -f \(manifest.file)`"
        var last: ControlStatus?
        while true {
            if let code = BackgroundProcess.exitStatus(of: pid) {
                if code == 0 {
                    Console.out("aspire up: every resource of \(app.name) has finished (output in \(folder.upLogFile))\n")
                    return
                }
                Console.error(Self.tail(of: folder.upLogFile, lines: 20))
                Console.error("error: aspire up (pid \(pid)) exited with code \(code); its output is in \(folder.upLogFile)")
                throw ExitCode(1)
            }
            let wait = min(.seconds(20), max(.zero, deadline - ContinuousClock.now))
            var pause = Duration.milliseconds(10)  // until the background `up` has its socket
            if let status = try? client.status(waitingUntilReadyFor: wait), status.pid == pid {
                last = status
                pause = .zero
                switch status.readiness {
                case .ready:
                    // A resource that is ready because it runs (no health check, no port) must
                    // still be up `settle` after it started: one that dies at once has failed.
                    if let unsettled = status.settleWait() {
                        pause = unsettled
                        break
                    }
                    Console.out("aspire up: \(app.name) is running in the background (aspire up, pid \(pid))\n")
                    Console.out(Self.table(status.resources))
                    if let url = folder.readJSON(DashboardState.self, from: DashboardState.path(in: folder))?.loginURL {
                        Console.out("Dashboard: \(url)\n")
                    }
                    Console.out("logs: aspire logs -f --file \(manifest.file) (supervisor output: \(folder.upLogFile)); \(stopHint)\n")
                    return
                case .failed(let failed):
                    Console.out(Self.table(status.resources))
                    for resource in failed { Console.error("error: \(resource.name): \(resource.state)") }
                    Console.error("the app keeps running in the background (aspire up, pid \(pid)); \(stopHint)")
                    throw ExitCode(1)
                case .pending:
                    break
                }
            }
            if ContinuousClock.now >= deadline {
                let waiting = last.map { status in
                    status.resources.filter { !$0.ready }.map { "\($0.name) (\($0.state))" }.joined(separator: ", ")
                }
                Console.error(
                    "error: not ready after \(Clamped.int(waitTimeout)) s: \(waiting ?? "the app did not answer on \(folder.controlSocketFile)")")
                Console.error("the app keeps running in the background (aspire up, pid \(pid)); \(stopHint)")
                throw ExitCode(1)
            }
            if pause > .zero { try await Task.sleep(for: pause) }
        }
    }

    /// NAME, STATE and URLS of each resource, aligned.
    static func table(_ resources: [ControlResource]) -> String {
        let nameWidth = resources.map(\.name.count).max() ?? 0
        let stateWidth = resources.map(\.state.count).max() ?? 0
        return resources.map { resource in
            let line =
                "  " + resource.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                + resource.state.padding(toLength: stateWidth, withPad: " ", startingAt: 0) + "  "
                + resource.urls.joined(separator: " ")
            return String(line.reversed().drop { $0 == " " }.reversed()) + "\n"
        }.joined()
    }

    /// The last `lines` lines of a file.
    static func tail(of path: String, lines: Int) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1).joined(separator: "\n")
    }
}
