package import AppStatus
import Foundation

/// What the supervisor remembers for the control verbs and the control plane.
struct ControlBook: Sendable {
    /// Fulfilled (and replaced) on every state change.
    var changed = OneShot<Void>()
    /// When each service last came up (every replica running), for uptime.
    var upSince: [String: Date] = [:]
    /// Services stopped by `stop` and not started again.
    var parked: Set<String> = []
}

// MARK: - Control verbs

extension Supervisor {
    /// Stops services on request and leaves them `stopped`: each replica gets the declared
    /// teardown (SIGTERM to its process group, the grace period, SIGKILL) and its restart policy
    /// is not applied. A service still waiting for its dependencies is not started. Services that
    /// wait for a stopped one are left alone (as in Aspire); ones not started yet keep waiting
    /// until it is started again.
    ///
    /// Returns once every named service has stopped. Stopping a service that is not running
    /// (stopped, exited, failed) does nothing.
    ///
    /// - Parameter names: services of this run; several stop at the same time.
    /// - Throws: `ControlError` before anything is stopped, when a name is unknown or the run is
    ///   not accepting requests (not started, shutting down, finished).
    package func stop(_ names: [String]) async throws(ControlError) {
        let names = try controllable(names)
        var waits: [OneShot<Void>] = []
        for name in names {
            guard let handle = handles[name], !handle.control.isIdle else { continue }
            let request = handle.control.stopRequest
            if !request.isFulfilled {
                announce("\(name): stopping", service: name)
                request.fulfill()
            }
            waits.append(handle.control.idle)
        }
        for idle in waits {
            _ = try? await idle.wait()
        }
    }

    /// Starts services that are stopped, exited, failed, or not started yet (`explicitStart`),
    /// exactly as at start-up: a service that
    /// waits for others waits for them again (until each `waitFor` dependency is ready and each
    /// `waitForCompletion` one exited 0; a dependency that failed fails it). Services being
    /// stopped are started once stopped; running ones are left alone.
    ///
    /// Returns once every started replica is past `starting`: running, failed, or waiting for a
    /// dependency that is not ready.
    ///
    /// - Parameter names: services of this run.
    /// - Throws: `ControlError` before anything is started, when a name is unknown or the run is
    ///   not accepting requests.
    package func start(_ names: [String]) async throws(ControlError) {
        let names = try controllable(names)
        for name in names {
            guard let handle = handles[name], !handle.control.isIdle, handle.control.stopRequest.isFulfilled
            else { continue }
            _ = try? await handle.control.idle.wait()
        }
        if shutdown.isFulfilled { throw ControlError(.shuttingDown, known: order) }
        if allDone.isFulfilled { throw ControlError(.finished, known: order) }
        var started: [String] = []
        for name in names {
            guard let handle = handles[name], handle.control.isIdle else { continue }
            relaunch(name, handle: handle)
            started.append(name)
        }
        await waitUntilStarted(started)
    }

    /// Stops the services, then starts them again (`stop`, then `start`); each replica that had
    /// run counts one restart.
    ///
    /// - Parameter names: services of this run.
    /// - Throws: `ControlError` before anything is stopped, when a name is unknown or the run is
    ///   not accepting requests.
    package func restart(_ names: [String]) async throws(ControlError) {
        let now = Date().timeIntervalSince1970
        try await restart(names) { _ in RestartReason(kind: .manual, at: now) }
    }

    /// `restart`, recording `reason(name)` as each service's `lastRestart`.
    func restart(_ names: [String], reason: (String) -> RestartReason) async throws(ControlError) {
        let names = try controllable(names)
        try await stop(names)
        if let retire = options.retirePersistent {
            // A restart means a new server: without this the keeper adopts the one still running.
            for name in names where records[name]?.spec.persistent == true {
                await Self.offActor { retire(name) }
            }
        }
        for name in names {
            guard var record = records[name] else { continue }
            record.lastRestart = reason(name)
            for index in record.replicas.indices where record.replicas[index].pid != nil {
                record.replicas[index].restarts += 1
            }
            records[name] = record
        }
        try await start(names)
    }

    /// Runs blocking work on a thread of its own, not the actor's (nor the cooperative pool's).
    private static func offActor(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                work()
                continuation.resume()
            }
            thread.name = "aspire-retire"
            thread.start()
        }
    }

    /// Starts a graceful shutdown unless one is already under way (never escalates to SIGKILL,
    /// unlike a second `requestShutdown()`).
    ///
    /// - Returns: whether this call started the shutdown.
    @discardableResult
    package func requestGracefulShutdown() -> Bool {
        guard !shutdown.isFulfilled else { return false }
        requestShutdown()
        return true
    }

    /// Whether a shutdown has been requested.
    package var isShuttingDown: Bool { shutdown.isFulfilled }

    /// Every selected service (plan order) with its readiness, for the control plane (which adds
    /// the type, URLs and containers).
    package func snapshot() -> [ResourceStatus] {
        statuses().map { status in
            let record = records[status.name]
            let replicas = record?.replicas ?? []
            let hasCheck = record?.spec.healthCheck != nil
            let parked = controlBook.parked.contains(status.name)
            // A part (a database) is ready once created, not while its creation job runs.
            let isPart = record?.spec.partOf != nil
            let up = !isPart && !replicas.isEmpty && replicas.allSatisfy { hasCheck ? $0.state == .healthy : $0.state.isUp }
            let finished = replicas.allSatisfy(\.isFinal)
            let succeeded = finished && !replicas.isEmpty && replicas.allSatisfy { $0.state == .exited(.exited(0)) }
            var resource = ResourceStatus(
                status, healthCheck: record?.spec.healthCheck, ready: up || succeeded, finished: finished || parked,
                stoppedByUser: parked,
                // A created database (partOf) is up as long as its server is.
                upSince: controlBook.upSince[status.name] ?? (status.state.isUp ? record?.spec.partOf.flatMap { controlBook.upSince[$0] } : nil))
            resource.lastRestart = record?.lastRestart
            if replicas.contains(where: { $0.state == .waiting }), let spec = record?.spec { resource.waitingFor = unmet(spec) }
            return resource
        }
    }

    /// The dependencies of `spec` that are not satisfied yet: a `waitFor` one not ready, a
    /// `waitForCompletion` one not exited 0.
    private func unmet(_ spec: ServiceSpec) -> [String] {
        var seen = Set<String>()
        let unready = spec.waitFor.filter { handles[$0]?.readiness.value != .ready }
        let unfinished = spec.waitForCompletion.filter { handles[$0]?.completion.value != .succeeded }
        return (unready + unfinished).filter { seen.insert($0).inserted }
    }

    /// Snapshots once `isSettled` holds for one, a shutdown begins, or `deadline` passes; woken
    /// by every state change, so a caller waiting for readiness need not poll.
    package func snapshot(
        until isSettled: @Sendable ([ResourceStatus]) -> Bool, deadline: ContinuousClock.Instant
    ) async -> [ResourceStatus] {
        while true {
            let current = snapshot()
            if isSettled(current) || shutdown.isFulfilled || Task.isCancelled || ContinuousClock.now >= deadline {
                return current
            }
            // Taken in the same actor turn as the snapshot: no change can slip in between.
            let changed = controlBook.changed
            let shutdown = self.shutdown
            await race(
                { _ = try? await changed.wait() },
                {
                    await race(
                        { _ = try? await shutdown.wait() },
                        { try? await Task.sleep(until: deadline) })
                })
        }
    }

    /// Returns at the next change of any service's state (or when the calling task is
    /// cancelled), so a watcher need not poll.
    package func waitForChange() async {
        _ = try? await controlBook.changed.wait()
    }

    // MARK: - Requests

    /// The names, de-duplicated, once the run is known to accept requests for all of them.
    private func controllable(_ names: [String]) throws(ControlError) -> [String] {
        guard !handles.isEmpty else { throw ControlError(.notRunning, known: order) }
        if shutdown.isFulfilled { throw ControlError(.shuttingDown, known: order) }
        if allDone.isFulfilled { throw ControlError(.finished, known: order) }
        var seen = Set<String>()
        let unique = names.filter { seen.insert($0).inserted }
        let missing = unique.filter { handles[$0] == nil }
        let inPlan = Set(plan.services.map(\.name))
        let unknown = missing.filter { !inPlan.contains($0) }
        if !unknown.isEmpty { throw ControlError(.unknownServices(unknown), known: order) }
        if !missing.isEmpty { throw ControlError(.notInRun(missing), known: order) }
        return unique
    }

    /// Resets an idle service's records and wakes its task for a new generation.
    private func relaunch(_ name: String, handle: ServiceHandle) {
        guard var record = records[name] else { return }
        record.notStarted = nil
        for index in record.replicas.indices {
            record.replicas[index].state = .starting
            record.replicas[index].isFinal = false
        }
        records[name] = record
        controlBook.parked.remove(name)
        handle.control.relaunch()
        noteChange(of: name)
    }

    /// Waits until no replica of `names` is still `starting` (or a shutdown begins).
    private func waitUntilStarted(_ names: [String]) async {
        let shutdown = self.shutdown
        while !shutdown.isFulfilled && !Task.isCancelled {
            let starting = names.contains { name in
                records[name]?.replicas.contains { $0.state == .starting } ?? false
            }
            guard starting else { return }
            let changed = controlBook.changed
            await race(
                { _ = try? await changed.wait() },
                { _ = try? await shutdown.wait() })
        }
    }

    // MARK: - Hooks (called by the board and the service tasks)

    /// Records uptime and wakes change watchers; called on every state change.
    func noteChange(of service: String) {
        if let record = records[service] {
            if ServiceState.aggregate(record.replicas.map(\.state)).isUp {
                if controlBook.upSince[service] == nil { controlBook.upSince[service] = Date() }
            } else {
                controlBook.upSince[service] = nil
            }
        }
        let changed = controlBook.changed
        controlBook.changed = OneShot()
        changed.fulfill()
    }

    /// A relaunched service waits for dependencies that are not ready: its replicas are
    /// `waiting` again (as at start-up).
    func serviceWaitsAgain(_ service: String, for dependencies: [String]) {
        guard var record = records[service] else { return }
        for index in record.replicas.indices where !record.replicas[index].isFinal {
            record.replicas[index].state = .waiting
        }
        records[service] = record
        serviceIsWaiting(service, for: dependencies)
        evaluate(service)
    }

    /// A service's generation is over. When it ended because of a `stop` request, its replicas
    /// are parked as `stopped` (not final: the run goes on and `start` may run them again).
    ///
    /// - Returns: the latch a relaunch fulfils.
    func serviceBecameIdle(_ service: String) -> OneShot<Void> {
        guard let handle = handles[service] else { return OneShot() }
        var parked = false
        if handle.control.stopRequest.isFulfilled, !shutdown.isFulfilled, var record = records[service] {
            var changed = false
            for index in record.replicas.indices where !record.replicas[index].isFinal {
                parked = true
                if record.replicas[index].state != .stopped {
                    record.replicas[index].state = .stopped
                    changed = true
                }
            }
            records[service] = record
            if parked { controlBook.parked.insert(service) }
            if changed { announce("\(service): stopped", service: service) }
            evaluate(service)
        }
        return handle.control.becomeIdle(rearmReadiness: parked)
    }

    /// An `explicitStart` service is planned but not started: its replicas are `not started`
    /// (not final) until `start` relaunches it; dependents keep waiting.
    ///
    /// - Returns: the latch a relaunch fulfils.
    func serviceAwaitsStart(_ service: String) -> OneShot<Void> {
        guard let handle = handles[service] else { return OneShot() }
        if var record = records[service] {
            for index in record.replicas.indices { record.replicas[index].state = .notStarted }
            records[service] = record
        }
        announce("\(service): not started (explicitStart; run 'aspire start \(service)')", service: service)
        evaluate(service)
        return handle.control.becomeIdle(rearmReadiness: false)
    }

    /// A service's task is ending with the run: a replica still parked is stopped for good.
    func serviceFinished(_ service: String) {
        controlBook.parked.remove(service)
        guard var record = records[service], record.replicas.contains(where: { !$0.isFinal }) else { return }
        for index in record.replicas.indices where !record.replicas[index].isFinal {
            record.replicas[index].state = .stopped
            record.replicas[index].isFinal = true
        }
        records[service] = record
        evaluate(service)
    }

    /// How many times a replica has been restarted so far (a new generation continues the count).
    func restartCount(service: String, replica: Int) -> Int {
        guard let record = records[service], record.replicas.indices.contains(replica) else { return 0 }
        return record.replicas[replica].restarts
    }
}
