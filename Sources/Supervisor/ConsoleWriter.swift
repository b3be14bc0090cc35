import Dispatch
import Synchronization

/// The single writer in front of the console sink, so lines of different children never
/// interleave mid-line and a blocked terminal never blocks a thread of the cooperative pool.
///
/// Writes run in order on one serial dispatch queue. Log pumps `await` their write (so a child
/// that outpaces the terminal is slowed down by its pipe filling up, instead of growing a
/// buffer); status lines are enqueued without waiting. Waiting is cancellation-aware: a
/// cancelled waiter returns at once and its bytes are still written in order later, so a
/// terminal that stopped reading (Ctrl-S, a paused pager) cannot hang a shutdown.
final class ConsoleWriter: Sendable {
    private let sink: any ConsoleSink
    private let queue = DispatchQueue(label: "aspire.console")

    init(sink: any ConsoleSink) {
        self.sink = sink
    }

    /// Writes whole lines and returns once they are written (or the task is cancelled).
    func write(_ bytes: [UInt8]) async {
        guard !bytes.isEmpty else { return }
        let sink = self.sink
        await waitForQueue { sink.write(bytes) }
    }

    /// Queues whole lines without waiting (status lines).
    func enqueue(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        let sink = self.sink
        queue.async { sink.write(bytes) }
    }

    /// Returns once everything queued so far is written (or the task is cancelled).
    func flush() async {
        await waitForQueue {}
    }

    private func waitForQueue(_ work: @escaping @Sendable () -> Void) async {
        let waiter = ResumeOnce()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let cancelled = waiter.store(continuation)
                queue.async {
                    work()
                    waiter.resume()
                }
                if cancelled { continuation.resume() }
            }
        } onCancel: {
            waiter.resume()
        }
    }
}

/// A continuation resumed by whichever comes first: the work, or cancellation.
private final class ResumeOnce: Sendable {
    private let slot = Mutex<CheckedContinuation<Void, Never>?>(nil)

    /// Stores the continuation; returns true (storing nothing) when the task is already cancelled.
    func store(_ continuation: CheckedContinuation<Void, Never>) -> Bool {
        slot.withLock { slot in
            if Task.isCancelled { return true }
            slot = continuation
            return false
        }
    }

    func resume() {
        slot.withLock { $0.take() }?.resume()
    }
}
