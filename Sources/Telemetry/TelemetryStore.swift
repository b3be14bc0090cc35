/// The app's telemetry, in memory and bounded (``TelemetryLimits``): log records and traces
/// across the app, metric points per resource; past a cap the oldest item goes first, so memory
/// stays flat however long the app runs.
///
/// Spans are grouped by trace id alone: a span that arrives before or after its parent, or from
/// another resource, joins the same trace (the tree is built when a trace is read).
package actor TelemetryStore {
    package let limits: TelemetryLimits
    /// Wakes the dashboard's live pages when an export arrives (noted by `OTLPIngest`).
    package nonisolated let changes = TelemetryChanges()

    var resources: [TelemetryResourceKey: TelemetryResource] = [:]
    var logs = FIFO<TelemetryLogRecord>()
    var nextLogSequence: UInt64 = 1
    var traces: [TraceID: StoredTrace] = [:]
    /// Trace ids in the order their first span arrived: the front is evicted first.
    var traceOrder = FIFO<TraceID>()
    var metrics: [TelemetryResourceKey: ResourceMetrics] = [:]
    /// Counts what the store has accepted and evicted, for tests and the memory benchmark.
    package private(set) var counters = Counters()

    package struct Counters: Sendable, Hashable {
        package var spansAccepted = 0
        package var tracesEvicted = 0
        package var logsAccepted = 0
        package var logsEvicted = 0
        package var pointsAccepted = 0
        package var pointsEvicted = 0
    }

    /// A trace's spans, in arrival order.
    struct StoredTrace {
        var spans: [TelemetrySpan]
    }

    /// One resource's instruments and their points; `order` lists which instrument each point
    /// went to, oldest first, so the resource's oldest point is found in O(1).
    struct ResourceMetrics {
        var instruments: [InstrumentKey: StoredInstrument] = [:]
        var order = FIFO<InstrumentKey>()
    }

    struct InstrumentKey: Hashable {
        var scope: String
        var name: String
    }

    struct StoredInstrument {
        var instrument: TelemetryInstrument
        var points = FIFO<TelemetryMetricPoint>()
    }

    /// Creates an empty store.
    ///
    /// - Parameter limits: The caps; the defaults are Aspire's dashboard's.
    package init(limits: TelemetryLimits = TelemetryLimits()) {
        self.limits = limits
    }

    // MARK: - Inserting

    /// Records the resources of a batch; returns the keys it refused (over the resources cap).
    func admit(_ batch: [TelemetryResource]) -> Set<TelemetryResourceKey> {
        var refused = Set<TelemetryResourceKey>()
        for resource in batch where resources[resource.key] == nil {
            if resources.count >= limits.resources {
                refused.insert(resource.key)
            } else {
                resources[resource.key] = resource
            }
        }
        return refused
    }

    /// Adds spans; returns how many were rejected (their resource over its cap, or their trace full).
    ///
    /// The spans are moved into their traces, not copied (a copy would retain each span's strings
    /// and arrays, and dropping the batch release them again): reversed in place, then popped.
    func insert(spans: consuming [TelemetrySpan], resources batch: [TelemetryResource]) -> Int {
        let refused = admit(batch)
        var rejected = 0
        var pending = spans
        // The buffer's swaps move elements; `Array.reverse()` copies each one (retain, then release).
        pending.withUnsafeMutableBufferPointer { $0.reverse() }
        while let span = pending.popLast() {
            if refused.contains(span.resource) {
                rejected += 1
                continue
            }
            if let index = traces.index(forKey: span.traceID) {  // one hash lookup, then in place
                guard traces.values[index].spans.count < limits.spansPerTrace else {
                    rejected += 1
                    continue
                }
                traces.values[index].spans.append(span)
            } else {
                traces[span.traceID] = StoredTrace(spans: [span])
                traceOrder.append(span.traceID)
                while traces.count > limits.traces, let oldest = traceOrder.removeFirst() {
                    traces[oldest] = nil
                    counters.tracesEvicted += 1
                }
            }
            counters.spansAccepted += 1
        }
        return rejected
    }

    /// Adds log records, numbering them; returns how many were rejected.
    func insert(logs records: [TelemetryLogRecord], resources batch: [TelemetryResource]) -> Int {
        let refused = admit(batch)
        var rejected = 0
        for var record in records {
            if refused.contains(record.resource) {
                rejected += 1
                continue
            }
            record.sequence = nextLogSequence
            nextLogSequence += 1
            logs.append(record)
            counters.logsAccepted += 1
            while logs.count > limits.logRecords {
                logs.removeFirst()
                counters.logsEvicted += 1
            }
        }
        return rejected
    }

    /// Adds metric points; returns how many were rejected.
    func insert(metrics samples: [MetricSample], resources batch: [TelemetryResource]) -> Int {
        let refused = admit(batch)
        var rejected = 0
        for sample in samples {
            if refused.contains(sample.resource) {
                rejected += 1
                continue
            }
            let key = InstrumentKey(scope: sample.instrument.scope, name: sample.instrument.name)
            var resource = metrics.removeValue(forKey: sample.resource) ?? ResourceMetrics()
            var stored = resource.instruments.removeValue(forKey: key) ?? StoredInstrument(instrument: sample.instrument)
            // The latest description wins (an SDK may add a unit or description later).
            let count = stored.instrument.pointCount
            stored.instrument = sample.instrument
            stored.instrument.pointCount = count + 1
            stored.points.append(sample.point)
            resource.instruments[key] = stored
            resource.order.append(key)
            while resource.order.count > limits.metricPointsPerResource, let oldest = resource.order.removeFirst() {
                resource.instruments[oldest]?.points.removeFirst()
                resource.instruments[oldest]?.instrument.pointCount -= 1
                counters.pointsEvicted += 1
            }
            metrics[sample.resource] = resource
            counters.pointsAccepted += 1
        }
        return rejected
    }
}
