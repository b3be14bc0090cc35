import Synchronization

/// Tells the dashboard's live pages that telemetry arrived, so they are pushed to instead of polling.
///
/// Every accepted (or refused) export notes its signal; each subscriber holds a stream that keeps
/// at most one pending wake-up (`bufferingNewest(1)`), so a burst of 1,000 exports wakes a page
/// once, and an idle page costs nothing. Pacing the pushes is the subscriber's job.
package final class TelemetryChanges: Sendable {
    private struct Subscriber {
        var signals: Set<OTLPSignal>
        var continuation: AsyncStream<Void>.Continuation
    }

    private struct State {
        var versions: [OTLPSignal: UInt64] = [:]
        var nextID = 0
        var subscribers: [Int: Subscriber] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    /// Records that `signal`'s data changed and wakes the subscribers that watch it.
    package func note(_ signal: OTLPSignal) {
        let woken = state.withLock { state in
            state.versions[signal, default: 0] &+= 1
            return state.subscribers.values.filter { $0.signals.contains(signal) }.map(\.continuation)
        }
        for continuation in woken { continuation.yield() }
    }

    /// How many times `signal` changed since the store was made.
    package func version(of signal: OTLPSignal) -> UInt64 {
        state.withLock { $0.versions[signal] ?? 0 }
    }

    /// How many subscriptions are open (tests wait on it).
    package var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// A wake-up each time one of `signals` changes after this call; changes that come while the
    /// consumer is busy are merged into one. The subscription ends when the consumer stops iterating.
    package func updates(of signals: Set<OTLPSignal>) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.subscribers[id] = Subscriber(signals: signals, continuation: continuation)
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }
}
