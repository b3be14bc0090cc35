extension TelemetryStore {
    /// The same answer as ``traces(_:)``, computed so that a full store stays cheap to list: one pass
    /// over the spans finds each trace's extent (and applies the filter), then only the `limit`
    /// newest get a full summary. The dashboard lists traces with it every two seconds per open page.
    package func traceList(_ filter: TraceFilter = TraceFilter()) -> [TelemetryTraceSummary] {
        var candidates: [(start: UInt64, id: TraceID)] = []
        candidates.reserveCapacity(traces.count)
        for (id, trace) in traces {
            var start = UInt64.max
            var end: UInt64 = 0
            var touches = filter.resources.isEmpty
            for span in trace.spans {
                start = min(start, span.startUnixNano)
                end = max(end, span.endUnixNano)
                if !touches, filter.resources.contains(span.resource.serviceName) { touches = true }
            }
            guard touches else { continue }
            let duration = end > start && start != .max ? end - start : 0
            if duration >= filter.minDurationNano { candidates.append((start == .max ? 0 : start, id)) }
        }
        candidates.sort { ($0.start, $0.id) > ($1.start, $1.id) }
        return candidates.prefix(max(0, filter.limit)).compactMap { candidate in
            traces[candidate.id].map { Self.summary(candidate.id, $0.spans) }
        }
    }
}
