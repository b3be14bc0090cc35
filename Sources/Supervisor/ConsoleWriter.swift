import Dispatch

/// The single writer in front of the console sink, so lines of different children never
/// interleave mid-line and a blocked terminal never blocks a thread of the cooperative pool.
///
/// Writes run in order on one serial dispatch queue. Log pumps await the ticket of their
/// previous batch before submitting the next (so a child that outpaces the terminal is slowed
/// down by its pipe filling up, instead of growing a buffer); status lines are enqueued without
/// waiting. Waiting is cancellation-aware: a cancelled waiter returns at once and its bytes are
/// still written in order later, so a terminal that stopped reading (Ctrl-S, a paused pager)
/// cannot hang a shutdown.
final class ConsoleWriter: Sendable {
    private let sink: any ConsoleSink
    private let queue = DispatchQueue(label: "aspire.console")

    init(sink: any ConsoleSink) {
        self.sink = sink
    }

    /// Queues whole lines and returns a ticket to await their write later, so a pump can read
    /// its next batch while this one is being written.
    func submit(_ bytes: [UInt8]) -> WriteTicket {
        let ticket = WriteTicket()
        let sink = self.sink
        queue.async {
            if !bytes.isEmpty { sink.write(bytes) }
            ticket.done.fulfill()
        }
        return ticket
    }

    /// Queues whole lines without waiting (status lines).
    func enqueue(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        let sink = self.sink
        queue.async { sink.write(bytes) }
    }

    /// Returns once everything queued so far is written (or the task is cancelled).
    func flush() async {
        await submit([]).wait()
    }
}

/// A queued console write; `wait()` returns once it is written (or the task is cancelled).
final class WriteTicket: Sendable {
    fileprivate let done = OneShot<Void>()

    func wait() async {
        _ = try? await done.wait()
    }
}
