
/// A value that is set once and awaited by any number of tasks (a latch with a payload).
///
/// Waiting is cancellation-aware: a cancelled waiter throws `CancellationError`.
final class OneShot<Value: Sendable>: Sendable {
    private enum State {
        case pending(waiters: [UInt64: CheckedContinuation<Value, any Error>], nextID: UInt64)
        case fulfilled(Value)
    }

    private let state = Locked<State>(.pending(waiters: [:], nextID: 0))

    init() {}

    /// Sets the value and wakes every waiter; later calls do nothing.
    ///
    /// - Returns: whether this call set the value.
    @discardableResult
    func fulfill(_ value: Value) -> Bool {
        let waiters: [CheckedContinuation<Value, any Error>]? = state.withLock { state in
            guard case .pending(let waiters, _) = state else { return nil }
            state = .fulfilled(value)
            return Array(waiters.values)
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(returning: value) }
        return true
    }

    /// The value, once set.
    var value: Value? {
        state.withLock { state in
            if case .fulfilled(let value) = state { return value }
            return nil
        }
    }

    /// Whether the value is set.
    var isFulfilled: Bool { value != nil }

    /// Waits for the value.
    ///
    /// - Throws: `CancellationError` when the waiting task is cancelled first.
    func wait() async throws -> Value {
        let id: UInt64 = state.withLock { state in
            guard case .pending(let waiters, let nextID) = state else { return 0 }
            state = .pending(waiters: waiters, nextID: nextID + 1)
            return nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let outcome: Result<Value, any Error>? = state.withLock { state in
                    switch state {
                    case .fulfilled(let value):
                        return .success(value)
                    case .pending(var waiters, let nextID):
                        if Task.isCancelled { return .failure(CancellationError()) }
                        waiters[id] = continuation
                        state = .pending(waiters: waiters, nextID: nextID)
                        return nil
                    }
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter: CheckedContinuation<Value, any Error>? = state.withLock { state in
                guard case .pending(var waiters, let nextID) = state else { return nil }
                let waiter = waiters.removeValue(forKey: id)
                state = .pending(waiters: waiters, nextID: nextID)
                return waiter
            }
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
