
/// What `stop`/`start`/`restart` change about one service while the run goes on.
///
/// A service's task runs in *generations*: it waits for its dependencies, runs its replicas until
/// they are finished (or stopped on request), then goes idle until `Supervisor.start` relaunches
/// it or the run ends. Each generation has its own stop request and idle latch; the readiness and
/// completion latches that dependents wait on are replaced (re-armed) once decided, when the
/// service is relaunched or parked by a stop, so a dependent started later waits for the new
/// generation instead of trusting an old answer.
///
/// All mutation happens on the supervisor actor; the lock only makes the current latches safe to
/// read from the service, replica and dependent tasks.
final class ServiceControl: Sendable {
    private struct State {
        var readiness = OneShot<ServiceHandle.Readiness>()
        var completion = OneShot<ServiceHandle.Completion>()
        var stopRequest = OneShot<Void>()
        var idle = OneShot<Void>()
        var relaunch = OneShot<Void>()
        var isIdle = false
    }

    private let state = Locked(State())

    init() {}

    /// The current generation's readiness latch (see `ServiceHandle.readiness`).
    var readiness: OneShot<ServiceHandle.Readiness> { state.withLock { $0.readiness } }
    /// The current generation's completion latch (see `ServiceHandle.completion`).
    var completion: OneShot<ServiceHandle.Completion> { state.withLock { $0.completion } }
    /// Fulfilled by `Supervisor.stop`: the current generation's replicas stop (graceful teardown)
    /// and stay stopped, with no restart.
    var stopRequest: OneShot<Void> { state.withLock { $0.stopRequest } }
    /// Fulfilled when the current generation is over (the service's task went idle).
    var idle: OneShot<Void> { state.withLock { $0.idle } }
    /// Whether the service's task is idle (between generations, or finished).
    var isIdle: Bool { state.withLock { $0.isIdle } }

    /// Marks the current generation as over; the service task then waits on the returned latch.
    ///
    /// - Parameter rearmReadiness: replace a decided readiness latch (the service was stopped on
    ///   request, so it is no longer ready for dependents that start later).
    /// - Returns: the latch `relaunch()` fulfils.
    func becomeIdle(rearmReadiness: Bool) -> OneShot<Void> {
        let (idle, relaunch) = state.withLock { state in
            if rearmReadiness, state.readiness.isFulfilled { state.readiness = OneShot() }
            state.isIdle = true
            return (state.idle, state.relaunch)
        }
        idle.fulfill()
        return relaunch
    }

    /// Starts a new generation: fresh stop request and idle latch, decided latches re-armed, and
    /// the idle service task woken.
    func relaunch() {
        let wake = state.withLock { state in
            if state.readiness.isFulfilled { state.readiness = OneShot() }
            if state.completion.isFulfilled { state.completion = OneShot() }
            state.stopRequest = OneShot()
            state.idle = OneShot()
            state.isIdle = false
            let wake = state.relaunch
            state.relaunch = OneShot()
            return wake
        }
        wake.fulfill()
    }
}
