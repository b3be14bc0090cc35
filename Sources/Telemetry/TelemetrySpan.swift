/// One span as stored: ids, timing, status and what the sender attached (capped by ``TelemetryLimits``).
package struct TelemetrySpan: Sendable, Hashable {
    package enum Kind: Int, Sendable, Hashable {
        case unspecified = 0, `internal`, server, client, producer, consumer
    }

    package enum Status: Int, Sendable, Hashable {
        case unset = 0, ok, error
    }

    /// A timed event inside a span (an exception, a retry).
    package struct Event: Sendable, Hashable {
        package var name: String
        package var timeUnixNano: UInt64
        package var attributes: [TelemetryAttribute]
    }

    /// A link to a span of another (or the same) trace.
    package struct Link: Sendable, Hashable {
        package var traceID: TraceID
        package var spanID: SpanID
        package var attributes: [TelemetryAttribute]
    }

    package var traceID: TraceID
    package var spanID: SpanID
    package var parentSpanID: SpanID
    package var name: String
    package var kind: Kind
    package var startUnixNano: UInt64
    package var endUnixNano: UInt64
    package var status: Status
    package var statusMessage: String
    package var resource: TelemetryResourceKey
    /// The instrumentation scope's name (e.g. `opentelemetry.instrumentation.flask`).
    package var scope: String
    package var attributes: [TelemetryAttribute]
    package var events: [Event]
    package var links: [Link]
    /// Attributes, events and links dropped here or by the sender.
    package var droppedCount: Int

    /// End minus start, in nanoseconds (0 when the sender's clock went backwards).
    package var durationNano: UInt64 { endUnixNano >= startUnixNano ? endUnixNano - startUnixNano : 0 }
}
