/// What kind of instrument a metric comes from, as OTLP tells it.
package enum TelemetryMetricKind: String, Sendable, Hashable {
    case gauge, sum, histogram, exponentialHistogram, summary
}

/// One instrument of one resource: its description and how many points the store holds.
package struct TelemetryInstrument: Sendable, Hashable {
    package var name: String
    package var description: String
    package var unit: String
    package var scope: String
    package var kind: TelemetryMetricKind
    /// Sums only: whether the sum only goes up (a counter).
    package var isMonotonic: Bool
    /// Sums and histograms: 1 delta, 2 cumulative, 0 unspecified.
    package var temporality: Int
    package var pointCount: Int
}

/// One metric data point.
package struct TelemetryMetricPoint: Sendable, Hashable {
    package var startUnixNano: UInt64
    package var timeUnixNano: UInt64
    package var attributes: [TelemetryAttribute]
    /// Gauges and sums: the value; histograms and summaries: the sum (0 when not sent).
    package var value: Double
    /// Histograms and summaries: the number of measurements; 0 otherwise.
    package var count: UInt64
    /// Explicit-bucket histograms: the upper bounds and the count in each bucket (one more than the bounds).
    package var bounds: [Double]
    package var bucketCounts: [UInt64]
    package var min: Double?
    package var max: Double?
    /// Summaries: (quantile, value) pairs.
    package var quantiles: [QuantileValue]
    /// How many exemplars came with the point (trace-linked samples).
    package var exemplarCount: Int

    package struct QuantileValue: Sendable, Hashable {
        package var quantile: Double
        package var value: Double
    }
}
