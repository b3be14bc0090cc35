import GracefulServing
import Hummingbird
import Quoting
import Synchronization

/// The body of `GET /api/logs/stream`: server-sent events, one `log` event per console line.
///
/// Lines are gathered and written in batches (at most ``batchesPerSecond`` writes a second), and
/// at most ``maxPending`` lines wait for a slow browser: beyond that the oldest are dropped and a
/// `dropped` event says how many. So a child writing 10,000 lines a second costs bounded memory,
/// and the stream stops following its files as soon as the browser goes away.
///
/// The stream holds one of the dashboard's ``StreamSlots`` until it ends; a graceful stop ends it.
///
/// Events: `reset` (clear the view; sent first, so a reconnect does not duplicate), `log` with
/// `{"r": resource, "c": colour index 0–9, "h": the line as safe HTML}`, `dropped` with a count,
/// and a `: keep-alive` comment every 15 s while nothing else is sent.
enum LogEventStream {
    static let maxPending = 5_000
    static let batchesPerSecond = 20
    static let keepAlive = Duration.seconds(15)

    /// Lines waiting to be written, shared by the reader and the writer.
    struct Pending: Sendable {
        var lines: [DashboardLogLine] = []
        var dropped = 0
        var keepAliveDue = false

        /// Adds a line; when full, drops the older half at once (amortised O(1), unlike one by one).
        mutating func append(_ line: DashboardLogLine) {
            if lines.count >= maxPending {
                let excess = lines.count - maxPending / 2
                lines.removeFirst(excess)
                dropped += excess
            }
            lines.append(line)
        }
    }

    /// Shares ``Pending`` between the reading task and the writer.
    final class Shared: Sendable {
        let pending = Mutex(Pending())

        func take() -> Pending {
            pending.withLock { pending in
                defer { pending = Pending() }
                return pending
            }
        }
    }

    /// The response body.
    ///
    /// - Parameters:
    ///   - tail: Lines to send first.
    ///   - live: Lines to send as they come; iterating ends when the body ends.
    ///   - colors: Colour index per resource name.
    /// - Returns: A body that writes until `live` ends, the client goes, or the task is cancelled.
    static func body(
        tail: [DashboardLogLine], live: AsyncStream<DashboardLogLine>, colors: [String: Int], slot: StreamSlots.Slot? = nil
    ) -> ResponseBody
    {
        ResponseBody { writer in
            var head = "retry: 2000\n\nevent: reset\ndata: {}\n\n"
            for line in tail { head += event(line, colors: colors) }
            try await writer.write(ByteBuffer(string: head))

            let shared = Shared()
            let (ticks, tick) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            // A graceful stop of the dashboard ends the stream at once (GracefulServing).
            try await GracefulServing.endingOnShutdown({ try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await line in live {
                        shared.pending.withLock { $0.append(line) }
                        tick.yield()
                    }
                    tick.finish()
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: keepAlive)
                        shared.pending.withLock { $0.keepAliveDue = true }
                        tick.yield()
                    }
                }
                for await _ in ticks {
                    try await flush(shared.take(), to: &writer, colors: colors)
                    try? await Task.sleep(for: .milliseconds(1000 / batchesPerSecond))
                }
                try await flush(shared.take(), to: &writer, colors: colors)
                group.cancelAll()
            } }, onShutdown: { tick.finish() })
            try await writer.finish(nil)
            withExtendedLifetime(slot) {}
        }
    }

    /// Writes what is pending as one buffer.
    private static func flush(
        _ batch: Pending, to writer: inout any ResponseBodyWriter, colors: [String: Int]
    ) async throws {
        var out = ""
        if batch.dropped > 0 { out += "event: dropped\ndata: \(batch.dropped)\n\n" }
        for line in batch.lines { out += event(line, colors: colors) }
        if out.isEmpty, batch.keepAliveDue { out = ": keep-alive\n\n" }
        guard !out.isEmpty else { return }
        try await writer.write(ByteBuffer(string: out))
    }

    /// One `log` event.
    static func event(_ line: DashboardLogLine, colors: [String: Int]) -> String {
        let color = colors[line.resource] ?? Palette.color(of: line.resource, in: colors)
        let html = JSON.string(ANSIRenderer.html(line.text))
        return "event: log\ndata: {\"r\":\(JSON.string(line.resource)),\"c\":\(color),\"h\":\(html)}\n\n"
    }
}

/// The colours of resource prefixes in the combined log view (the stylesheet's `c0`…`c9`).
enum Palette {
    static let count = 10

    /// Colour per resource, by position, as the console does.
    static func colors(of names: [String]) -> [String: Int] {
        var out: [String: Int] = [:]
        for (index, name) in names.enumerated() { out[name] = index % count }
        return out
    }

    /// A stable colour for a name not in the list (a replica prefix such as `worker-1`): its owner's
    /// when the owner is known, else a hash.
    static func color(of name: String, in colors: [String: Int] = [:]) -> Int {
        if let dash = name.lastIndex(of: "-"), Int(name[name.index(after: dash)...]) != nil,
            let owner = colors[String(name[..<dash])]
        {
            return owner
        }
        var hash: UInt32 = 5381
        for unit in name.utf8 { hash = hash &* 33 &+ UInt32(unit) }
        return Int(hash % UInt32(count))
    }
}
