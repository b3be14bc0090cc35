
/// A value that is set once and awaited by any number of tasks (a latch with a payload).
///
/// Waiting is cancellation-aware: a cancelled waiter throws `CancellationError`.
final class OneShot<Value: Sendable>: Sendable {
    /// Mutated in place under the lock (a field of a struct, not an enum payload), so adding or
    /// removing one of many waiters does not copy the others.
    private struct State {
        var value: Value?
        var waiters: [UInt64: CheckedContinuation<Value, any Error>] = [:]
        var observers: [UInt64: @Sendable (Value) -> Void] = [:]
        var nextID: UInt64 = 0

        mutating func takeID() -> UInt64 {
            defer { nextID += 1 }
            return nextID
        }
    }

    private let state = Locked(State())

    init() {}

    /// Sets the value, wakes every waiter and calls every observer; later calls do nothing.
    ///
    /// - Returns: whether this call set the value.
    @discardableResult
    func fulfill(_ value: Value) -> Bool {
        let woken: (waiters: [CheckedContinuation<Value, any Error>], observers: [@Sendable (Value) -> Void])? =
            state.withLock { state in
                guard state.value == nil else { return nil }
                state.value = value
                defer { (state.waiters, state.observers) = ([:], [:]) }
                return (Array(state.waiters.values), Array(state.observers.values))
            }
        guard let woken else { return false }
        for waiter in woken.waiters { waiter.resume(returning: value) }
        for observer in woken.observers { observer(value) }
        return true
    }

    /// The value, once set.
    var value: Value? { state.withLock { $0.value } }

    /// Whether the value is set.
    var isFulfilled: Bool { value != nil }

    /// Calls `observer` with the value once it is set (at once, on this thread, when it already
    /// is; otherwise on the thread that sets it, so it must be quick and must not block).
    ///
    /// For waiting on many latches at once without a task per latch (a service waiting for
    /// twenty dependencies would otherwise start twenty-two tasks).
    ///
    /// - Returns: a token for `removeObserver`, or nil when `observer` has already been called.
    @discardableResult
    func observe(_ observer: @escaping @Sendable (Value) -> Void) -> UInt64? {
        let (id, value): (UInt64?, Value?) = state.withLock { state in
            if let value = state.value { return (nil, value) }
            let id = state.takeID()
            state.observers[id] = observer
            return (id, nil)
        }
        if let value { observer(value) }
        return id
    }

    /// Forgets an observer that is no longer wanted (it is not called).
    func removeObserver(_ token: UInt64?) {
        guard let token else { return }
        state.withLock { _ = $0.observers.removeValue(forKey: token) }
    }

    /// Waits for the value.
    ///
    /// - Throws: `CancellationError` when the waiting task is cancelled first.
    func wait() async throws -> Value {
        let id: UInt64 = state.withLock { $0.takeID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let outcome: Result<Value, any Error>? = state.withLock { state in
                    if let value = state.value { return .success(value) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}

extension OneShot where Value == Void {
    /// Sets the (empty) value.
    @discardableResult
    func fulfill() -> Bool { fulfill(()) }
}

/// Runs two operations concurrently and returns whichever finishes first; the other is cancelled
/// and awaited before this returns.
func race<T: Sendable>(
    _ first: @escaping @Sendable () async -> T, _ second: @escaping @Sendable () async -> T
) async -> T {
    await withTaskGroup(of: T.self) { group in
        group.addTask(operation: first)
        group.addTask(operation: second)
        let winner = await group.next()
        group.cancelAll()
        guard let winner else { preconditionFailure("a group with two tasks returned no result") }
        return winner
    }
}
