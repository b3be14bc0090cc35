import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A Unix signal the CLI wants to hear about.
package struct UnixSignal: Sendable, Hashable, CustomStringConvertible {
    package let rawValue: Int32

    /// Wraps a signal number.
    package init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// Ctrl-C.
    package static let interrupt = UnixSignal(rawValue: SIGINT)
    /// `kill`, systemd, docker stop.
    package static let terminate = UnixSignal(rawValue: SIGTERM)
    /// The terminal went away.
    package static let hangup = UnixSignal(rawValue: SIGHUP)

    package var description: String { Syscalls.signalName(rawValue) }

    /// Ignores SIGPIPE for the whole process (a closed console or socket then fails a write with
    /// EPIPE instead of killing us). Idempotent; children get default dispositions back.
    package static func ignoreBrokenPipe() {
        _ = signal(SIGPIPE, SIG_IGN)
    }
}

/// The signals delivered to this process, as an async sequence (the swift-service-lifecycle
/// way: each signal's default action is replaced by `SIG_IGN`, then a `DispatchSourceSignal`
/// reports it).
///
/// Handlers are installed once per iterator, when iteration starts, and removed (the sources
/// cancelled) when iteration ends; the dispositions stay `SIG_IGN`. Consume it from one place:
/// the CLI calls `requestShutdown()` for every signal, and a second one escalates to SIGKILL.
package struct UnixSignals: AsyncSequence, Sendable {
    package typealias Element = UnixSignal

    private let signals: [UnixSignal]

    /// Listens for the given signals (duplicates are ignored).
    package init(_ signals: UnixSignal...) {
        var seen = Set<UnixSignal>()
        self.signals = signals.filter { seen.insert($0).inserted }
    }

    package func makeAsyncIterator() -> AsyncIterator {
        let (stream, continuation) = AsyncStream<UnixSignal>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let queue = DispatchQueue(label: "aspire.signals")
        let sources = SignalSources(
            signals.map { unixSignal in
                _ = signal(unixSignal.rawValue, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: unixSignal.rawValue, queue: queue)
                source.setEventHandler { continuation.yield(unixSignal) }
                source.resume()
                return source
            })
        continuation.onTermination = { _ in sources.cancel() }
        return AsyncIterator(base: stream.makeAsyncIterator())
    }

    /// Iterates delivered signals; never finishes by itself.
    package struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate var base: AsyncStream<UnixSignal>.Iterator

        package mutating func next() async -> UnixSignal? {
            await base.next()
        }
    }
}

/// Keeps the dispatch sources alive until the stream ends (a mutex makes the non-Sendable
/// sources safe to hand to the stream's termination handler).
private final class SignalSources: Sendable {
    private let sources: Locked<[any DispatchSourceSignal]>

    init(_ sources: sending [any DispatchSourceSignal]) {
        self.sources = Locked(sources)
    }

    func cancel() {
        sources.withLock { sources in
            for source in sources { source.cancel() }
            sources.removeAll()
        }
    }
}
