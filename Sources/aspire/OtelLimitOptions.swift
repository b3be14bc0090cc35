import ArgumentParser
import Telemetry

/// `up`'s caps on the telemetry it keeps (docs/telemetry.md); the defaults are Aspire's dashboard's.
struct OtelLimitOptions: ParsableArguments {
    @Option(name: .customLong("otel-max-logs"), help: "Telemetry: log records kept across the app (oldest evicted first).")
    var maxLogs: Int = TelemetryLimits().logRecords
    @Option(name: .customLong("otel-max-traces"), help: "Telemetry: traces kept across the app (oldest evicted first).")
    var maxTraces: Int = TelemetryLimits().traces
    @Option(name: .customLong("otel-max-metric-points"), help: "Telemetry: metric points kept per resource (oldest evicted first).")
    var maxMetricPoints: Int = TelemetryLimits().metricPointsPerResource
    @Option(name: .customLong("otel-max-attributes"), help: "Telemetry: attributes kept per span, log record or point.")
    var maxAttributes: Int = TelemetryLimits().attributesPerItem

    func validate() throws {
        for (flag, value) in flags where value < 1 {
            throw ValidationError("--\(flag) must be a positive whole number (got \(value))")
        }
    }

    private var flags: [(String, Int)] {
        [("otel-max-logs", maxLogs), ("otel-max-traces", maxTraces), ("otel-max-metric-points", maxMetricPoints),
         ("otel-max-attributes", maxAttributes)]
    }

    /// The store's limits with these caps.
    var limits: TelemetryLimits {
        var limits = TelemetryLimits()
        limits.logRecords = maxLogs
        limits.traces = maxTraces
        limits.metricPointsPerResource = maxMetricPoints
        limits.attributesPerItem = maxAttributes
        return limits
    }

    /// The flags that differ from the defaults, for the background `up` of `--detach`.
    var arguments: [String] {
        let defaults = OtelLimitOptions.defaultFlags
        return zip(flags, defaults).flatMap { given, fallback in given.1 == fallback.1 ? [] : ["--\(given.0)", String(given.1)] }
    }

    private static var defaultFlags: [(String, Int)] {
        let limits = TelemetryLimits()
        return [("otel-max-logs", limits.logRecords), ("otel-max-traces", limits.traces),
                ("otel-max-metric-points", limits.metricPointsPerResource), ("otel-max-attributes", limits.attributesPerItem)]
    }
}
