import GracefulServing
import Hummingbird
import Quoting
import Synchronization
import Telemetry

/// The body of a telemetry page's live stream (`/structuredlogs`, `/traces`, `/traces/{id}` or
/// `/metrics` with `stream=1`): server-sent events carrying the page's live part, rendered by the
/// server as the `partial=1` fetch is, each time the store takes in telemetry the page shows.
///
/// Pushed, not polled: the stream sleeps on ``TelemetryChanges`` and renders only when woken; a
/// render equal to the last one sends nothing; at most ``pushesPerSecond`` renders a second, however
/// fast exports arrive (wake-ups in between are merged). A graceful stop of the dashboard ends the
/// stream at once.
///
/// Events: `fragment` with the live part as a JSON string (sent first, then on each change), and a
/// `: keep-alive` comment every 15 s while nothing else is sent.
enum TelemetryEventStream {
    static let pushesPerSecond = 4
    static let keepAlive = Duration.seconds(15)

    /// Set by the keep-alive timer, taken by the writer.
    final class KeepAliveDue: Sendable {
        let due = Mutex(false)

        func take() -> Bool { due.withLock { due in defer { due = false }; return due } }
    }

    /// The response body.
    ///
    /// - Parameters:
    ///   - changes: What wakes the stream.
    ///   - signals: The signals the page shows.
    ///   - slot: The stream's place in the dashboard's bound, held until the body ends.
    ///   - render: The page's live part as it is now.
    static func body(
        changes: TelemetryChanges, signals: Set<OTLPSignal>, slot: StreamSlots.Slot,
        render: @escaping @Sendable () async -> String
    ) -> ResponseBody {
        ResponseBody { writer in
            // Subscribe before the first render: a change in between wakes the loop once more.
            let updates = changes.updates(of: signals)
            let (ticks, tick) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            let keepAliveDue = KeepAliveDue()
            var last = await render()
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n" + event(last)))
            try await GracefulServing.endingOnShutdown({
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await _ in updates { tick.yield() }
                        tick.finish()
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: keepAlive)
                            keepAliveDue.due.withLock { $0 = true }
                            tick.yield()
                        }
                    }
                    for await _ in ticks {
                        let html = await render()
                        if html != last {
                            last = html
                            try await writer.write(ByteBuffer(string: event(html)))
                        } else if keepAliveDue.take() {
                            try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        }
                        try? await Task.sleep(for: .milliseconds(1000 / pushesPerSecond))
                    }
                    group.cancelAll()
                }
            }, onShutdown: { tick.finish() })
            try await writer.finish(nil)
            withExtendedLifetime(slot) {}
        }
    }

    /// One `fragment` event.
    static func event(_ html: String) -> String {
        "event: fragment\ndata: \(JSON.string(html))\n\n"
    }
}
