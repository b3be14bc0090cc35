/// One line of a metric chart: what the points of one instrument mean over time, per instance
/// and attribute set. Counters become rates per second, histograms percentiles, gauges stay values.
package struct MetricSeries: Sendable, Hashable {
    /// The instance, attributes and (histograms) percentile the line is for.
    package var label: String
    /// (time in Unix nanoseconds, value), oldest first.
    package var points: [Point]

    package struct Point: Sendable, Hashable {
        package var timeUnixNano: UInt64
        package var value: Double
    }

    /// The most lines a chart gets; more would be unreadable.
    package static let maxSeries = 12

    /// The unit the lines are in: a counter's unit per second, else the instrument's.
    package static func unit(of instrument: TelemetryInstrument) -> String {
        isRate(instrument) ? (instrument.unit.isEmpty ? "/s" : "\(instrument.unit)/s") : instrument.unit
    }

    /// Whether the chart shows a rate (a monotonic sum).
    package static func isRate(_ instrument: TelemetryInstrument) -> Bool {
        instrument.kind == .sum && instrument.isMonotonic
    }

    /// The lines of one instrument's points (as ``TelemetryStore/points(of:instrument:)`` returns them).
    package static func series(
        of instrument: TelemetryInstrument, points: [(instance: String, point: TelemetryMetricPoint)]
    ) -> [MetricSeries] {
        var groups: [String: [TelemetryMetricPoint]] = [:]
        var order: [String] = []
        for (instance, point) in points {
            let attributes = point.attributes.map { "\($0.key)=\($0.value.text)" }.sorted().joined(separator: ", ")
            let label = attributes.isEmpty ? instance : "\(instance) {\(attributes)}"
            if groups[label] == nil { order.append(label) }
            groups[label, default: []].append(point)
        }
        var result: [MetricSeries] = []
        for label in order {
            let group = (groups[label] ?? []).sorted { $0.timeUnixNano < $1.timeUnixNano }
            switch instrument.kind {
            case .sum where instrument.isMonotonic:
                result.append(MetricSeries(label: label, points: rates(group, cumulative: instrument.temporality != 1)))
            case .histogram:
                result += percentiles(group, cumulative: instrument.temporality != 1, label: label)
            case .summary:
                result += quantiles(group, label: label)
            case .exponentialHistogram:
                let means = group.filter { $0.count > 0 }.map { Point(timeUnixNano: $0.timeUnixNano, value: $0.value / Double($0.count)) }
                result.append(MetricSeries(label: "\(label) mean", points: means))
            default:
                result.append(MetricSeries(label: label, points: group.map { Point(timeUnixNano: $0.timeUnixNano, value: $0.value) }))
            }
            if result.count >= maxSeries { break }
        }
        return Array(result.prefix(maxSeries))
    }

    /// A counter's rate per second between consecutive points (a reset, where the value drops, starts over).
    static func rates(_ points: [TelemetryMetricPoint], cumulative: Bool) -> [Point] {
        var out: [Point] = []
        var previous: TelemetryMetricPoint?
        for point in points {
            defer { previous = point }
            if cumulative {
                guard let previous, point.timeUnixNano > previous.timeUnixNano, point.value >= previous.value else { continue }
                let seconds = Double(point.timeUnixNano - previous.timeUnixNano) / 1e9
                out.append(Point(timeUnixNano: point.timeUnixNano, value: (point.value - previous.value) / seconds))
            } else {
                let from = point.startUnixNano > 0 && point.startUnixNano < point.timeUnixNano
                    ? point.startUnixNano : (previous?.timeUnixNano ?? 0)
                guard from > 0, point.timeUnixNano > from else { continue }
                out.append(Point(timeUnixNano: point.timeUnixNano, value: point.value / (Double(point.timeUnixNano - from) / 1e9)))
            }
        }
        return out
    }

    /// p50, p90 and p99 of each interval's measurements (cumulative buckets are differenced first).
    static func percentiles(_ points: [TelemetryMetricPoint], cumulative: Bool, label: String) -> [MetricSeries] {
        let wanted: [(String, Double)] = [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)]
        var lines = wanted.map { MetricSeries(label: "\(label) \($0.0)", points: []) }
        var previous: [UInt64]?
        for point in points {
            var counts = point.bucketCounts
            if cumulative, let before = previous, before.count == counts.count,
                zip(counts, before).allSatisfy({ $0 >= $1 })
            {
                counts = zip(counts, before).map { $0 - $1 }
            }
            previous = point.bucketCounts
            for (index, (_, quantile)) in wanted.enumerated() {
                if let value = quantileOf(counts, bounds: point.bounds, quantile: quantile, min: point.min, max: point.max) {
                    lines[index].points.append(Point(timeUnixNano: point.timeUnixNano, value: value))
                }
            }
        }
        return lines
    }

    /// The `quantile` of explicit buckets, interpolated inside its bucket; nil when empty.
    static func quantileOf(_ counts: [UInt64], bounds: [Double], quantile: Double, min: Double?, max: Double?) -> Double? {
        let total = counts.reduce(0, +)
        guard total > 0, counts.count == bounds.count + 1 else { return nil }
        let rank = quantile * Double(total)
        var seen: Double = 0
        for (index, count) in counts.enumerated() where count > 0 {
            let next = seen + Double(count)
            if next >= rank {
                let lower = index == 0 ? Swift.min(min ?? 0, bounds.first ?? 0) : bounds[index - 1]
                let upper = index < bounds.count ? bounds[index] : Swift.max(max ?? lower, lower)
                let fraction = (rank - seen) / Double(count)
                return lower + (upper - lower) * Swift.min(1, Swift.max(0, fraction))
            }
            seen = next
        }
        return bounds.last
    }

    /// A summary's quantiles as they were sent.
    static func quantiles(_ points: [TelemetryMetricPoint], label: String) -> [MetricSeries] {
        var lines: [Double: MetricSeries] = [:]
        for point in points {
            for item in point.quantiles {
                lines[item.quantile, default: MetricSeries(label: "\(label) q\(item.quantile)", points: [])].points
                    .append(Point(timeUnixNano: point.timeUnixNano, value: item.value))
            }
        }
        return lines.keys.sorted().compactMap { lines[$0] }
    }
}
