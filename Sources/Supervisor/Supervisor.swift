import Foundation
package import Logging

/// Runs a `LaunchPlan`: starts services in dependency order, probes them, restarts them,
/// forwards their output, and stops them in reverse dependency order.
///
/// Built the swift-service-lifecycle way: `run()` owns one task group with a child task per
/// service (each with its replicas, probes, log pumps and proxies as child tasks of its own) plus
/// a shutdown coordinator; nothing is detached. Graceful shutdown (`requestShutdown()`) is
/// separate from cancellation: it stops dependents before their dependencies, each with the
/// declared teardown sequence (SIGTERM to the process group, `plan.gracePeriod`, SIGKILL).
/// Cancelling the task that runs `run()` kills every child at once.
///
/// ```swift
/// let supervisor = Supervisor(plan: plan, options: SupervisorOptions(color: isTTY), logger: logger)
/// let outcome = try await withThrowingTaskGroup(of: SupervisorOutcome?.self) { group in
///     group.addTask { try await supervisor.run() }
///     group.addTask {
///         for await _ in UnixSignals(.interrupt, .terminate) { await supervisor.requestShutdown() }
///         return nil
///     }
///     defer { group.cancelAll() }
///     for try await case let outcome? in group { return outcome }
///     return nil
/// }
/// ```
package actor Supervisor {
    let plan: LaunchPlan
    let options: SupervisorOptions
    let logger: Logger
    let console: ConsoleWriter

    /// Fulfilled by the first `requestShutdown()` (or cancellation).
    let shutdown = OneShot<Void>()
    /// Fulfilled by a second `requestShutdown()` (or cancellation): SIGKILL now.
    let force = OneShot<Void>()
    /// Fulfilled when every selected service is finished for good.
    let allDone = OneShot<Void>()

    var hasRun = false
    /// Selected services, plan order.
    var order: [String] = []
    var records: [String: ServiceRecord] = [:]
    var handles: [String: ServiceHandle] = [:]
    var layout: ConsoleLayout
    /// Failures found before anything started (port conflicts).
    var preflightFailures: [ServiceFailure] = []
    /// What the control verbs need to remember (see `Supervisor+Control.swift`).
    var controlBook = ControlBook()

    /// Creates a supervisor; nothing starts until `run()`.
    ///
    /// - Parameters:
    ///   - plan: the fully resolved services to run.
    ///   - options: selection, console and behaviour options.
    ///   - logger: for the supervisor's own diagnostics (child output goes to the console sink).
    package init(plan: LaunchPlan, options: SupervisorOptions, logger: Logger) {
        self.plan = plan
        self.options = options
        self.logger = logger
        console = ConsoleWriter(sink: options.console)
        layout = ConsoleLayout(names: [], color: options.color)
    }

    // MARK: - API

    /// Runs until every selected service is finished for good (exited with no restart pending,
    /// failed, or not started) or until a requested shutdown has stopped them all.
    ///
    /// Before starting anything it checks that every host port is free; a conflict ends the run
    /// at once with a failure naming the service, the port and, where found, the process
    /// holding it.
    ///
    /// - Returns: which services (if any) did not end cleanly.
    /// - Throws: `SupervisorError` when the run cannot happen at all (unknown `only` name,
    ///   dependency cycle, log folder or epoll setup failure, second call).
    package func run() async throws -> SupervisorOutcome {
        guard !hasRun else { throw SupervisorError.alreadyRun }
        hasRun = true
        UnixSignal.ignoreBrokenPipe()

        let selected = try selectServices()
        try checkForCycles(selected)
        prepareRecords(for: selected)

        // The ports of a running persistent server are its own: its keeper adopts or replaces it.
        let persistent = Set(PersistentRecord.live(state: plan.stateDirectory).keys)
        let conflicts = PortPreflight.conflicts(in: selected.filter { !($0.persistent && persistent.contains($0.name)) })
        if !conflicts.isEmpty {
            for conflict in conflicts {
                let failure = ServiceFailure(service: conflict.service, reason: conflict.message)
                preflightFailures.append(failure)
                markNotStarted(conflict.service, state: .failed(conflict.message), announce: nil)
                console.enqueue(layout.statusLine(maskedLine(for: conflict.service, failure.description)))
            }
            await flushConsole()
            return outcome()
        }

        let logFiles = try openLogFiles(for: selected)
        // Outlives us by a sweep: whatever carries its cookie dies with the run, even on kill -9.
        let sentinel = options.adoptOrphans ? Sentinel() : nil
        let loop: IOLoop
        do {
            loop = try IOLoop(spawnEnvironment: sentinel?.environment ?? [:])
        } catch {
            await sentinel?.stop()
            throw SupervisorError.setup("cannot start the I/O thread: \(error)")
        }
        for (index, spec) in selected.enumerated() {
            handles[spec.name] = ServiceHandle(
                spec: spec, layout: layout, colorIndex: index, logFile: logFiles[spec.name])
        }
        if selected.isEmpty { allDone.fulfill() }

        let context = RunContext(
            supervisor: self, loop: loop, console: console, gracePeriod: plan.gracePeriod,
            backoff: options.restartBackoff, drainTimeout: options.outputDrainTimeout, shutdown: shutdown,
            force: force, handles: handles, logger: logger)
        let services = selected.compactMap { handles[$0.name] }
        let dependents = dependentsByService(services)
        let (shutdown, force, allDone) = (self.shutdown, self.force, self.allDone)

        // As a subreaper, orphaned grandchildren come to us: reap them meanwhile, stop them last.
        let reaper = options.adoptOrphans ? OrphanReaper(loop: loop) : nil
        let gracePeriod = plan.gracePeriod
        let cleanup = options.beforeStoppingDescendants
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { background in
                if let reaper { background.addTask { await reaper.run() } }
                for handle in services where handle.spec.watch != nil {
                    background.addTask { await ServiceWatch(handle: handle, context: context).run() }
                }
                await withDiscardingTaskGroup { group in
                    group.addTask {
                        await Self.coordinateShutdown(
                            services: services, dependents: dependents, shutdown: shutdown, allDone: allDone)
                    }
                    for handle in services {
                        group.addTask { await ManagedService(handle: handle, context: context).run() }
                    }
                }
                if reaper != nil, let cleanup { await cleanup() }
                let state = plan.stateDirectory
                let sparing: @Sendable () -> Set<Int32> = { PersistentRecord.sparedPIDs(state: state) }
                await reaper?.stopDescendants(gracePeriod: gracePeriod, force: force, sparing: sparing) { pids in
                    let list = pids.prefix(10).map(String.init).joined(separator: ", ")
                    await self.announce(
                        "stopping \(pids.count) process\(pids.count == 1 ? "" : "es") left behind by resources "
                            + "(pid \(list)\(pids.count > 10 ? ", …" : ""))")
                }
                background.cancelAll()
            }
        } onCancel: {
            shutdown.fulfill()
            force.fulfill()
            for handle in services { handle.stopTurn.fulfill() }
        }

        await loop.stop()
        await sentinel?.stop()
        await flushConsole()
        return outcome()
    }

    /// Starts a graceful shutdown: services stop in reverse dependency order (dependents
    /// first), each by SIGTERM to its process group, `plan.gracePeriod`, then SIGKILL. Services
    /// still waiting are not started; pending restarts are cancelled.
    ///
    /// Calling it again while the shutdown runs escalates: every remaining child gets SIGKILL
    /// at once (the CLI calls this for every SIGINT/SIGTERM, so a second Ctrl-C kills).
    package func requestShutdown() {
        if shutdown.fulfill() {
            if hasRun && !allDone.isFulfilled { announce("shutting down") }
        } else if force.fulfill() {
            announce("stopping now (SIGKILL)")
            for handle in handles.values { handle.stopTurn.fulfill() }
        }
    }

    /// The state of every selected service (plan order), with its replicas.
    package func statuses() -> [ServiceStatus] {
        order.compactMap { name in
            guard let record = records[name] else { return nil }
            if let parent = record.spec.partOf, let state = createdPartState(record, parent: parent) {
                let replicas = record.replicas.map { ReplicaStatus(name: $0.name, state: state, pid: nil, restarts: $0.restarts) }
                return ServiceStatus(name: name, state: state, replicas: replicas)
            }
            let replicas = record.replicas.map {
                ReplicaStatus(name: $0.name, state: $0.state, pid: $0.pid, restarts: $0.restarts)
            }
            return ServiceStatus(name: name, state: .aggregate(replicas.map(\.state)), replicas: replicas)
        }
    }

    /// The state of a part (`ServiceSpec.partOf`) whose creation job succeeded: its parent's
    /// health (healthy while the parent runs, unhealthy while it is, else stopped); nil while the
    /// job has not succeeded (then the job's own state is reported).
    private func createdPartState(_ record: ServiceRecord, parent: String) -> ServiceState? {
        guard !record.replicas.isEmpty, record.replicas.allSatisfy({ $0.state == .exited(.exited(0)) }) else { return nil }
        let parentStates = records[parent]?.replicas.map(\.state) ?? []
        switch ServiceState.aggregate(parentStates) {
        case .running, .healthy: return .healthy
        case .unhealthy: return .unhealthy
        default: return .stopped
        }
    }

    // MARK: - Setup

    private func prepareRecords(for selected: [ServiceSpec]) {
        order = selected.map(\.name)
        var names: [String] = []
        for spec in selected {
            let replicaNames = spec.replicas.indices.map { $0 == 0 ? spec.name : "\(spec.name)-\($0)" }
            names += replicaNames.isEmpty ? [spec.name] : replicaNames
            records[spec.name] = ServiceRecord(
                spec: spec, replicas: replicaNames.map { ReplicaRecord(name: $0) })
        }
        layout = ConsoleLayout(names: names, color: options.color)
    }

    private func openLogFiles(for selected: [ServiceSpec]) throws -> [String: LogFile] {
        let directory = (plan.stateDirectory as NSString).appendingPathComponent("logs")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SupervisorError.setup("cannot create the log folder '\(directory)': \(error.localizedDescription)")
        }
        var files: [String: LogFile] = [:]
        let console = self.console
        let layout = self.layout
        for spec in selected {
            let fileName = spec.name.replacingOccurrences(of: "/", with: "_") + ".log"
            let path = (directory as NSString).appendingPathComponent(fileName)
            do {
                files[spec.name] = try LogFile(path: path, rotationBytes: options.logRotationBytes, service: spec.name) {
                    console.enqueue(layout.statusLine($0))  // lines lost to a full disk are never silent
                }
            } catch {
                throw SupervisorError.setup("cannot open the log file '\(path)': \(error)")
            }
        }
        return files
    }

    /// For each service, the services that wait for it (they stop first).
    private func dependentsByService(_ services: [ServiceHandle]) -> [String: [ServiceHandle]] {
        var dependents: [String: [ServiceHandle]] = [:]
        for handle in services {
            for dependency in Set(handle.spec.waitFor + handle.spec.waitForCompletion) {
                dependents[dependency, default: []].append(handle)
            }
        }
        return dependents
    }

    /// Waits for queued console lines, but not forever: a terminal that stopped reading must
    /// not keep `run()` from returning.
    private func flushConsole() async {
        let console = self.console
        await race(
            { await console.flush() },
            { try? await Task.sleep(for: .seconds(2)) })
    }

    // MARK: - Shutdown

    /// Waits for a shutdown request (or for everything to finish), then gives each service its
    /// stop turn once every service that waits for it has finished.
    private static func coordinateShutdown(
        services: [ServiceHandle], dependents: [String: [ServiceHandle]], shutdown: OneShot<Void>,
        allDone: OneShot<Void>
    ) async {
        let shuttingDown = await race(
            {
                do { try await shutdown.wait() } catch { return false }
                return true
            },
            {
                _ = try? await allDone.wait()
                return false
            })
        guard shuttingDown else { return }
        await withDiscardingTaskGroup { group in
            for handle in services {
                group.addTask {
                    for dependent in dependents[handle.spec.name] ?? [] {
                        _ = try? await dependent.completion.wait()
                    }
                    handle.stopTurn.fulfill()
                }
            }
        }
    }
}

/// What every task of one run needs.
struct RunContext: Sendable {
    let supervisor: Supervisor
    let loop: IOLoop
    let console: ConsoleWriter
    /// Between a service's stop signal and SIGKILL (`TeardownSequence.graceful`).
    let gracePeriod: Duration
    let backoff: RestartBackoff
    let drainTimeout: Duration
    let shutdown: OneShot<Void>
    let force: OneShot<Void>
    let handles: [String: ServiceHandle]
    let logger: Logger
}
