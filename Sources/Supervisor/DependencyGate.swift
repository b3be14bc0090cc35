/// One result out of many latches, without a task per latch: `needed` arrivals give
/// `whenAllArrived`; any earlier `decide` wins instead. Whichever comes first is kept.
///
/// A service waiting for its dependencies observes each of their latches (`OneShot.observe`)
/// and counts them down here. With a task per dependency, a 10-level DAG of 20 services per
/// level started 3,800 tasks before its first process, and every level woke 400 of them.
final class DependencyGate<Result: Sendable>: Sendable {
    private struct State {
        var remaining: Int
        var result: Result?
        var waiter: CheckedContinuation<Result, Never>?
    }

    private let state: Locked<State>
    private let whenAllArrived: Result

    init(needed: Int, whenAllArrived: Result) {
        self.whenAllArrived = whenAllArrived
        state = Locked(State(remaining: needed, result: needed <= 0 ? whenAllArrived : nil))
    }

    /// One of the awaited latches is satisfied.
    func arrive() {
        let done = state.withLock { state -> Bool in
            state.remaining -= 1
            return state.remaining == 0
        }
        if done { decide(whenAllArrived) }
    }

    /// Settles the result now, unless it is settled already.
    func decide(_ result: Result) {
        let waiter = state.withLock { state -> CheckedContinuation<Result, Never>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: result)
    }

    /// The result; a cancelled waiter gets `onCancel` (unless the result came first).
    func wait(onCancel: Result) async -> Result {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result, Never>) in
                let settled = state.withLock { state -> Result? in
                    if state.result == nil { state.waiter = continuation }
                    return state.result
                }
                if let settled { continuation.resume(returning: settled) }
            }
        } onCancel: {
            decide(onCancel)
        }
    }
}
