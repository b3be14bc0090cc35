import Dispatch
import Foundation

/// Long-lived threads that start children, so that several vfork-style clone + exec run at once.
///
/// A clone with `CLONE_VFORK` suspends the calling thread until the child has exec'd, and the
/// exec itself (loading the program, closing the supervisor's descriptors) is most of a spawn's
/// cost. One thread spawns a level of twenty services one after another; two or more overlap
/// them on as many cores. These are not pool threads for the same reason the I/O loop's is
/// not: `PR_SET_PDEATHSIG` is tied to the thread that forked, so each lives until `stop()`,
/// which happens only after every child is reaped.
final class SpawnerThreads: Sendable {
    private enum Next {
        case job(@Sendable () -> Void)
        case exit
    }

    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var stopping = false
    }

    private let state = Locked(State())
    /// One signal per queued job, plus one per thread at `stop()`.
    private let available = DispatchSemaphore(value: 0)
    private let exited: [OneShot<Void>]

    /// Starts `count` threads (at least one).
    init(count: Int) {
        exited = (0..<max(1, count)).map { _ in OneShot<Void>() }
        for (index, done) in exited.enumerated() {
            let thread = Thread { [self] in
                self.work()
                done.fulfill()
            }
            thread.name = "aspire-spawn-\(index)"
            thread.start()
        }
    }

    /// How many to start here: one per core, at most four (more only queue up in the kernel).
    static var defaultCount: Int { min(4, max(1, ProcessInfo.processInfo.activeProcessorCount)) }

    /// Runs `job` on one of the threads and returns its result.
    ///
    /// - Throws: `CancellationError` once `stop()` has begun.
    func perform<T: Sendable>(_ job: @escaping @Sendable () -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = state.withLock { state in
                guard !state.stopping else { return false }
                state.jobs.append { continuation.resume(returning: job()) }
                return true
            }
            if accepted {
                available.signal()
            } else {
                continuation.resume(throwing: CancellationError())
            }
        }
    }

    /// Lets the threads finish the queued jobs, then waits until every one has exited.
    func stop() async {
        state.withLock { $0.stopping = true }
        for _ in exited { available.signal() }
        for done in exited { _ = try? await done.wait() }
    }

    private func work() {
        while true {
            available.wait()
            // Each queued job came with its own signal, so a wake-up that finds no job can only
            // be one of stop()'s: every job queued before it has been taken.
            let next: Next = state.withLock { state in
                state.jobs.isEmpty ? .exit : .job(state.jobs.removeFirst())
            }
            guard case .job(let job) = next else { return }
            job()
        }
    }
}
