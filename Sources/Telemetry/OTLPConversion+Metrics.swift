import OTLP

/// One point with the instrument it belongs to, as a request delivers it.
struct MetricSample: Sendable {
    var resource: TelemetryResourceKey
    var instrument: TelemetryInstrument
    var point: TelemetryMetricPoint
}

extension OTLPConversion {
    func metrics(_ request: MetricsRequest) -> Batch<MetricSample> {
        var batch = Batch<MetricSample>()
        for resourceMetrics in request.resourceMetrics {
            let resource = self.resource(resourceMetrics.resource, hasResource: resourceMetrics.hasResource)
            batch.resources.append(resource)
            for scopeMetrics in resourceMetrics.scopeMetrics {
                let scope = cut(scopeMetrics.scope.name)
                for metric in scopeMetrics.metrics {
                    guard !metric.name.isEmpty else {
                        batch.reject("a metric has no name")
                        continue
                    }
                    convert(metric, resource: resource.key, scope: scope, into: &batch)
                }
            }
        }
        return batch
    }

    private func convert(_ metric: ProtoMetric, resource: TelemetryResourceKey, scope: String, into batch: inout Batch<MetricSample>) {
        func instrument(_ kind: TelemetryMetricKind, monotonic: Bool = false, temporality: Int = 0) -> TelemetryInstrument {
            TelemetryInstrument(
                name: cut(metric.name), description: cut(metric.description_p), unit: cut(metric.unit), scope: scope,
                kind: kind, isMonotonic: monotonic, temporality: temporality, pointCount: 0)
        }
        func add(_ instrument: TelemetryInstrument, _ point: TelemetryMetricPoint) {
            batch.items.append(MetricSample(resource: resource, instrument: instrument, point: point))
        }
        switch metric.data {
        case .gauge(let gauge):
            let kind = instrument(.gauge)
            for point in gauge.dataPoints { add(kind, number(point)) }
        case .sum(let sum):
            let kind = instrument(.sum, monotonic: sum.isMonotonic, temporality: sum.aggregationTemporality.rawValue)
            for point in sum.dataPoints { add(kind, number(point)) }
        case .histogram(let histogram):
            let kind = instrument(.histogram, temporality: histogram.aggregationTemporality.rawValue)
            for point in histogram.dataPoints {
                add(
                    kind,
                    TelemetryMetricPoint(
                        startUnixNano: point.startTimeUnixNano, timeUnixNano: point.timeUnixNano,
                        attributes: attributes(point.attributes), value: point.hasSum ? point.sum : 0, count: point.count,
                        bounds: point.explicitBounds, bucketCounts: point.bucketCounts,
                        min: point.hasMin ? point.min : nil, max: point.hasMax ? point.max : nil, quantiles: [],
                        exemplarCount: point.exemplars.count))
            }
        case .exponentialHistogram(let histogram):
            let kind = instrument(.exponentialHistogram, temporality: histogram.aggregationTemporality.rawValue)
            for point in histogram.dataPoints {
                add(
                    kind,
                    TelemetryMetricPoint(
                        startUnixNano: point.startTimeUnixNano, timeUnixNano: point.timeUnixNano,
                        attributes: attributes(point.attributes), value: point.hasSum ? point.sum : 0, count: point.count,
                        bounds: [], bucketCounts: [], min: point.hasMin ? point.min : nil, max: point.hasMax ? point.max : nil,
                        quantiles: [], exemplarCount: point.exemplars.count))
            }
        case .summary(let summary):
            let kind = instrument(.summary)
            for point in summary.dataPoints {
                add(
                    kind,
                    TelemetryMetricPoint(
                        startUnixNano: point.startTimeUnixNano, timeUnixNano: point.timeUnixNano,
                        attributes: attributes(point.attributes), value: point.sum, count: point.count, bounds: [],
                        bucketCounts: [], min: nil, max: nil,
                        quantiles: point.quantileValues.map { .init(quantile: $0.quantile, value: $0.value) },
                        exemplarCount: 0))
            }
        case nil:
            batch.reject("a metric has no data")
        }
    }

    private func number(_ point: ProtoNumberPoint) -> TelemetryMetricPoint {
        let value: Double =
            switch point.value {
            case .asDouble(let number): number
            case .asInt(let number): Double(number)
            case nil: 0
            }
        return TelemetryMetricPoint(
            startUnixNano: point.startTimeUnixNano, timeUnixNano: point.timeUnixNano, attributes: attributes(point.attributes),
            value: value, count: 0, bounds: [], bucketCounts: [], min: nil, max: nil, quantiles: [],
            exemplarCount: point.exemplars.count)
    }
}
