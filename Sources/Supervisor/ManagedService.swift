/// One service of a run, service-lifecycle style: `run()` waits for its dependencies, opens its
/// proxies, runs its replicas as child tasks, and returns when every replica is finished for
/// good and the run is over.
///
/// Between its first generation and the end of the run the task stays idle, so that
/// `Supervisor.start` can run the service again (`ServiceControl`); a service stopped on request
/// is parked there as `stopped` until it is started again or the run ends.
struct ManagedService: Sendable {
    let handle: ServiceHandle
    let context: RunContext

    private var spec: ServiceSpec { handle.spec }
    private var supervisor: Supervisor { context.supervisor }

    private enum DependencyWait: Sendable {
        case ready
        case failed(String)
        case shutdown
        /// `Supervisor.stop` asked the waiting service to stop.
        case stopRequested
    }

    func run() async {
        let shutdown = context.shutdown
        let allDone = context.supervisor.allDone
        var relaunched = false
        // `explicitStart`: idle as `not started` until `Supervisor.start` relaunches it.
        if spec.explicitStart {
            let relaunch = await supervisor.serviceAwaitsStart(spec.name)
            guard await Self.waitForRelaunch(relaunch, shutdown: shutdown, allDone: allDone) else {
                await supervisor.serviceFinished(spec.name)
                return
            }
            relaunched = true
        }
        while true {
            await runGeneration(relaunched: relaunched)
            let relaunch = await supervisor.serviceBecameIdle(spec.name)
            guard await Self.waitForRelaunch(relaunch, shutdown: shutdown, allDone: allDone) else { break }
            relaunched = true
        }
        await supervisor.serviceFinished(spec.name)
    }

    /// Waits for `relaunch` or the end of the run; whether the service runs again. A relaunch
    /// granted just before the run ended still runs (and ends at once).
    private static func waitForRelaunch(_ relaunch: OneShot<Void>, shutdown: OneShot<Void>, allDone: OneShot<Void>) async -> Bool {
        let woken = await race(
            {
                do { try await relaunch.wait() } catch { return false }
                return true
            },
            {
                await race(
                    { _ = try? await shutdown.wait() },
                    { _ = try? await allDone.wait() })
                return false
            })
        return woken || relaunch.isFulfilled
    }

    /// One generation: wait for the dependencies, then run the replicas until they are finished
    /// for good or stopped on request. A relaunched service whose dependencies are all ready
    /// starts at once; otherwise it is `waiting` again.
    private func runGeneration(relaunched: Bool) async {
        let dependencies = spec.waitFor + spec.waitForCompletion
        if !dependencies.isEmpty && !(relaunched && dependenciesAreReady()) {
            if relaunched {
                await supervisor.serviceWaitsAgain(spec.name, for: dependencies)
            } else {
                await supervisor.serviceIsWaiting(spec.name, for: dependencies)
            }
            switch await waitForDependencies() {
            case .ready: break
            case .failed(let reason):
                await supervisor.serviceNotStarted(spec.name, reason: reason)
                return
            case .shutdown:
                await supervisor.serviceNotStarted(spec.name, reason: nil)
                return
            case .stopRequested:
                return
            }
        }
        if context.shutdown.isFulfilled || Task.isCancelled {
            await supervisor.serviceNotStarted(spec.name, reason: nil)
            return
        }
        if handle.control.stopRequest.isFulfilled { return }
        guard !spec.replicas.isEmpty else {
            await supervisor.serviceNotStarted(spec.name, reason: "no replicas to run")
            return
        }

        var listeners: [(ProxySpec, Int32)] = []
        for proxy in spec.proxies {
            switch Syscalls.tcpListen(host: proxy.listenHost, port: proxy.listenPort) {
            case .success(let fd):
                listeners.append((proxy, fd))
            case .failure(let error):
                for (_, fd) in listeners { Syscalls.close(fd) }
                let reason =
                    "cannot listen on \(proxy.listenHost):\(proxy.listenPort) for endpoint '\(proxy.endpoint)': "
                    + Syscalls.describe(errno: error.errno)
                await supervisor.serviceNotStarted(spec.name, reason: reason)
                return
            }
        }

        let handle = self.handle
        let context = self.context
        await withTaskGroup(of: Void.self) { group in
            for (proxy, fd) in listeners {
                group.addTask { await TCPProxy(spec: proxy, listener: fd, loop: context.loop).run() }
            }
            await withTaskGroup(of: Void.self) { replicas in
                for index in handle.spec.replicas.indices {
                    replicas.addTask { await ManagedReplica(handle: handle, index: index, context: context).run() }
                }
            }
            group.cancelAll()
        }
    }

    /// Whether every `waitFor` dependency is ready and every `waitForCompletion` one succeeded,
    /// already (their current latches are decided).
    private func dependenciesAreReady() -> Bool {
        spec.waitFor.allSatisfy { context.handles[$0]?.readiness.value == .ready }
            && spec.waitForCompletion.allSatisfy { context.handles[$0]?.completion.value == .succeeded }
    }

    /// Waits until every `waitFor` dependency is ready and every `waitForCompletion` one exited
    /// 0; stops at the first dependency that fails, or at a shutdown.
    private func waitForDependencies() async -> DependencyWait {
        let shutdown = context.shutdown
        let waits = spec.waitFor.map { ($0, false) } + spec.waitForCompletion.map { ($0, true) }
        var dependencies: [(name: String, needsCompletion: Bool, handle: ServiceHandle)] = []
        for (name, needsCompletion) in waits {
            guard let dependency = context.handles[name] else {
                return .failed("not started: dependency '\(name)' is not part of this run")
            }
            dependencies.append((name, needsCompletion, dependency))
        }
        let gate = DependencyGate<DependencyWait>(needed: dependencies.count, whenAllArrived: .ready)
        // During a shutdown a dependency may end unready because it was stopped: not a failure.
        let failed = { @Sendable (name: String, why: String) in
            gate.decide(shutdown.isFulfilled ? .shutdown : .failed("not started: dependency '\(name)' \(why)"))
        }
        var forget: [() -> Void] = []
        for (name, needsCompletion, dependency) in dependencies {
            if needsCompletion {
                let latch = dependency.completion
                let token = latch.observe { completion in
                    switch completion {
                    case .succeeded: gate.arrive()
                    case .failed(let why): failed(name, why)
                    case .stopped: gate.decide(.shutdown)
                    }
                }
                forget.append { latch.removeObserver(token) }
            } else {
                let latch = dependency.readiness
                let token = latch.observe { readiness in
                    switch readiness {
                    case .ready: gate.arrive()
                    case .failed(let why): failed(name, why)
                    }
                }
                forget.append { latch.removeObserver(token) }
            }
        }
        let stopRequest = handle.control.stopRequest
        let shutdownToken = shutdown.observe { gate.decide(.shutdown) }
        let stopToken = stopRequest.observe { gate.decide(.stopRequested) }
        let result = await gate.wait(onCancel: .shutdown)
        shutdown.removeObserver(shutdownToken)
        stopRequest.removeObserver(stopToken)
        for undo in forget { undo() }
        return result
    }
}
