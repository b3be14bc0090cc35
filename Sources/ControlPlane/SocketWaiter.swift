import Dispatch
import Supervisor

/// Waits, without blocking a thread, until a non-blocking descriptor can be read or written.
///
/// Each wait arms a one-shot `DispatchSource` and removes it afterwards, so an idle server costs
/// nothing but its one listening source.
enum SocketWaiter {
    enum Interest: Sendable {
        case read, write
    }

    /// Waits until `fd` is ready for `interest`, or `deadline` passes.
    ///
    /// - Returns: true when ready, false when the deadline passed first.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    static func wait(_ fd: Int32, for interest: Interest, until deadline: ContinuousClock.Instant) async throws -> Bool
    {
        let outcome = await withTaskGroup(of: Bool?.self) { group in
            group.addTask { await Self.ready(fd, interest) ? true : nil }
            group.addTask {
                do { try await Task.sleep(until: deadline) } catch { return nil }
                return false
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        try Task.checkCancellation()
        return outcome ?? false
    }

    /// Waits for readiness until the source fires or the task is cancelled.
    ///
    /// - Returns: whether the source fired (false when cancelled).
    static func ready(_ fd: Int32, _ interest: Interest) async -> Bool {
        let box = SourceBox()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let source: any DispatchSourceProtocol =
                    switch interest {
                    case .read: DispatchSource.makeReadSource(fileDescriptor: fd, queue: .global())
                    case .write: DispatchSource.makeWriteSource(fileDescriptor: fd, queue: .global())
                    }
                source.setEventHandler {
                    box.markFired()
                    source.cancel()
                }
                source.setCancelHandler { continuation.resume(returning: box.fired) }
                let armed = box.arm(source)
                // Always activate: releasing a never-activated source is a libdispatch crash.
                source.resume()
                if !armed { source.cancel() }
            }
        } onCancel: {
            box.cancel()
        }
    }
}

/// The state of one wait, shared by the continuation body, the source's handlers and the
/// cancellation handler (which may run before the source exists).
private final class SourceBox: Sendable {
    private enum State {
        case pending
        case armed(SourceReference)
        case cancelled
    }

    private struct Inner {
        var state = State.pending
        var fired = false
    }

    private let inner = Locked(Inner())

    var fired: Bool { inner.withLock { $0.fired } }

    func markFired() { inner.withLock { $0.fired = true } }

    /// Records the source unless the wait was already cancelled.
    ///
    /// - Returns: false when cancelled first (the caller cancels the source itself).
    func arm(_ source: any DispatchSourceProtocol) -> Bool {
        inner.withLock { inner in
            if case .cancelled = inner.state { return false }
            inner.state = .armed(SourceReference(source))
            return true
        }
    }

    func cancel() {
        let reference: SourceReference? = inner.withLock { inner in
            if case .armed(let reference) = inner.state { return reference }
            inner.state = .cancelled
            return nil
        }
        reference?.source.cancel()
    }
}

/// A dispatch source handed to the cancellation handler. `@unchecked Sendable` because
/// libdispatch sources are thread-safe (`cancel()` may be called from any thread, any number of
/// times); the type only lacks the annotation.
private final class SourceReference: @unchecked Sendable {
    let source: any DispatchSourceProtocol

    init(_ source: any DispatchSourceProtocol) {
        self.source = source
    }
}
