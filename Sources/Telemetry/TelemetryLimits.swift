/// How much telemetry the store keeps; the defaults are Aspire's dashboard's.
///
/// Memory stays flat at these caps however long the app runs: past a cap the oldest item goes.
package struct TelemetryLimits: Sendable, Hashable {
    /// Log records across the app.
    package var logRecords: Int = 10_000
    /// Traces across the app (a trace counts once, however many spans and resources it has).
    package var traces: Int = 10_000
    /// Spans of one trace; later spans of a full trace are rejected (and counted as rejected).
    package var spansPerTrace: Int = 10_000
    /// Metric points of one resource, across its instruments.
    package var metricPointsPerResource: Int = 50_000
    /// Attributes of one item (a resource, span, event, link, log record or point); the rest are dropped.
    package var attributesPerItem: Int = 128
    /// Events of one span; the rest are dropped.
    package var eventsPerSpan: Int = 1_000
    /// Characters of one attribute value or log body; longer ones are cut.
    package var valueLength: Int = 16_384
    /// Distinct resources (service name + instance id); telemetry of further ones is rejected.
    package var resources: Int = 1_000

    package init() {}
}
