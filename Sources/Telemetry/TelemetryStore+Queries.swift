// MARK: - What pages and the CLI read

/// One trace in a list: its root, the resources it touched, its extent and whether a span failed.
package struct TelemetryTraceSummary: Sendable, Hashable {
    package var traceID: TraceID
    /// The root span's name (the earliest span without a parent here), else the earliest span's.
    package var rootName: String
    /// The resource of the root span, else of the earliest span.
    package var rootResource: TelemetryResourceKey
    /// Every service name with a span in the trace, sorted.
    package var resources: [String]
    package var startUnixNano: UInt64
    package var durationNano: UInt64
    package var spanCount: Int
    package var hasError: Bool
}

/// Which traces ``TelemetryStore/traces(_:)`` returns.
package struct TraceFilter: Sendable, Hashable {
    /// Only traces with a span from one of these service names (empty: all).
    package var resources: Set<String> = []
    /// Only traces at least this long.
    package var minDurationNano: UInt64 = 0
    /// At most this many, newest first.
    package var limit: Int = 200

    package init(resources: Set<String> = [], minDurationNano: UInt64 = 0, limit: Int = 200) {
        self.resources = resources
        self.minDurationNano = minDurationNano
        self.limit = limit
    }
}

/// Which records ``TelemetryStore/logs(_:)`` returns.
package struct LogFilter: Sendable, Hashable {
    /// Only these service names (empty: all).
    package var resources: Set<String> = []
    /// Only records at least this severe (OTLP severity number; 0 = all).
    package var minSeverity: Int = 0
    /// Only records whose body or an attribute value contains this text (case-insensitive).
    package var text: String = ""
    /// Only records of this trace.
    package var traceID: TraceID?
    /// Only records after this sequence number (what a live page saw last).
    package var after: UInt64 = 0
    /// At most this many: the newest ones, returned oldest first.
    package var limit: Int = 500

    package init(
        resources: Set<String> = [], minSeverity: Int = 0, text: String = "", traceID: TraceID? = nil, after: UInt64 = 0,
        limit: Int = 500
    ) {
        self.resources = resources
        self.minSeverity = minSeverity
        self.text = text
        self.traceID = traceID
        self.after = after
        self.limit = limit
    }
}

extension TelemetryStore {
    /// Every resource that sent telemetry, sorted by service name then instance.
    package func resourceList() -> [TelemetryResource] {
        resources.values.sorted { $0.key < $1.key }
    }

    /// How many traces, log records and metric points are held now.
    package func sizes() -> (traces: Int, spans: Int, logs: Int, points: Int) {
        (traces.count, traces.values.reduce(0) { $0 + $1.spans.count }, logs.count,
         metrics.values.reduce(0) { $0 + $1.order.count })
    }

    /// Traces matching `filter`, newest first (by start time).
    package func traces(_ filter: TraceFilter = TraceFilter()) -> [TelemetryTraceSummary] {
        var result: [TelemetryTraceSummary] = []
        for (id, trace) in traces {
            if !filter.resources.isEmpty, !trace.spans.contains(where: { filter.resources.contains($0.resource.serviceName) }) {
                continue
            }
            let summary = Self.summary(id, trace.spans)
            if summary.durationNano >= filter.minDurationNano { result.append(summary) }
        }
        result.sort { ($0.startUnixNano, $0.traceID) > ($1.startUnixNano, $1.traceID) }
        return Array(result.prefix(max(0, filter.limit)))
    }

    /// One trace's spans, sorted by start time; nil when the store has no such trace.
    package func spans(of traceID: TraceID) -> [TelemetrySpan]? {
        traces[traceID]?.spans.sorted { ($0.startUnixNano, $0.spanID.value) < ($1.startUnixNano, $1.spanID.value) }
    }

    /// The summary of one trace.
    package func traceSummary(_ traceID: TraceID) -> TelemetryTraceSummary? {
        traces[traceID].map { Self.summary(traceID, $0.spans) }
    }

    static func summary(_ id: TraceID, _ spans: [TelemetrySpan]) -> TelemetryTraceSummary {
        let ids = Set(spans.map(\.spanID))
        var start = UInt64.max
        var end: UInt64 = 0
        var root: TelemetrySpan?
        var earliest: TelemetrySpan?
        var names = Set<String>()
        var hasError = false
        for span in spans {
            start = min(start, span.startUnixNano)
            end = max(end, span.endUnixNano)
            names.insert(span.resource.serviceName)
            hasError = hasError || span.status == .error
            if earliest.map({ span.startUnixNano < $0.startUnixNano }) ?? true { earliest = span }
            if span.parentSpanID.isNone || !ids.contains(span.parentSpanID),
                root.map({ span.startUnixNano < $0.startUnixNano || (!$0.parentSpanID.isNone && span.parentSpanID.isNone) })
                    ?? true
            {
                root = span
            }
        }
        let head = root ?? earliest
        return TelemetryTraceSummary(
            traceID: id, rootName: head?.name ?? "", rootResource: head?.resource ?? .init(serviceName: "", instanceID: ""),
            resources: names.sorted(), startUnixNano: start == .max ? 0 : start, durationNano: end > start ? end - start : 0,
            spanCount: spans.count, hasError: hasError)
    }

    /// Log records matching `filter`: the newest `limit`, oldest first.
    package func logs(_ filter: LogFilter = LogFilter()) -> [TelemetryLogRecord] {
        let needle = filter.text.lowercased()
        var picked: [TelemetryLogRecord] = []
        for record in logs.elements.reversed() {
            if record.sequence <= filter.after || picked.count >= filter.limit { break }
            if !filter.resources.isEmpty, !filter.resources.contains(record.resource.serviceName) { continue }
            if record.severityNumber < filter.minSeverity { continue }
            if let trace = filter.traceID, record.traceID != trace { continue }
            if !needle.isEmpty, !record.body.text.lowercased().contains(needle),
                !record.attributes.contains(where: { $0.value.text.lowercased().contains(needle) })
            {
                continue
            }
            picked.append(record)
        }
        return picked.reversed()
    }

    /// The instruments of resources named `serviceName` (every replica), sorted by name.
    package func instruments(of serviceName: String) -> [TelemetryInstrument] {
        var byName: [String: TelemetryInstrument] = [:]
        for (key, resource) in metrics where key.serviceName == serviceName {
            for stored in resource.instruments.values {
                if var existing = byName[stored.instrument.name] {
                    existing.pointCount += stored.instrument.pointCount
                    byName[stored.instrument.name] = existing
                } else {
                    byName[stored.instrument.name] = stored.instrument
                }
            }
        }
        return byName.values.sorted { $0.name < $1.name }
    }

    /// The points of one instrument of resources named `serviceName`, with the instance each came from, oldest first.
    package func points(of serviceName: String, instrument name: String) -> [(instance: String, point: TelemetryMetricPoint)] {
        var result: [(instance: String, point: TelemetryMetricPoint)] = []
        for (key, resource) in metrics where key.serviceName == serviceName {
            for stored in resource.instruments.values where stored.instrument.name == name {
                result += stored.points.elements.map { (key.instanceID, $0) }
            }
        }
        return result.sorted { $0.point.timeUnixNano < $1.point.timeUnixNano }
    }
}
