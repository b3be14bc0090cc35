/// A trace laid out for a waterfall: spans in tree order (each parent before its children,
/// siblings by start time), each with its depth and its start relative to the trace's start.
///
/// Built when a page or the CLI reads a trace, so spans that arrived before their parent, or
/// whose parent never arrived (shown as roots), still come out as one tree.
package struct TraceWaterfall: Sendable, Hashable {
    /// One bar.
    package struct Row: Sendable, Hashable {
        package var span: TelemetrySpan
        /// 0 for a root (or a span whose parent is not in the trace).
        package var depth: Int
        /// Nanoseconds from the trace's start to the span's.
        package var offsetNano: UInt64
    }

    package var traceID: TraceID
    package var startUnixNano: UInt64
    /// Earliest start to latest end; at least 1, so widths can be divided by it.
    package var durationNano: UInt64
    package var rows: [Row]

    /// Lays out `spans` (any order) of one trace.
    package init(traceID: TraceID, spans: [TelemetrySpan]) {
        self.traceID = traceID
        let start = spans.map(\.startUnixNano).min() ?? 0
        let end = spans.map(\.endUnixNano).max() ?? start
        startUnixNano = start
        durationNano = max(1, end > start ? end - start : 0)
        let ordered = spans.sorted { ($0.startUnixNano, $0.spanID.value) < ($1.startUnixNano, $1.spanID.value) }
        let ids = Set(ordered.map(\.spanID))
        var children: [SpanID: [TelemetrySpan]] = [:]
        var roots: [TelemetrySpan] = []
        for span in ordered {
            if span.parentSpanID.isNone || !ids.contains(span.parentSpanID) || span.parentSpanID == span.spanID {
                roots.append(span)
            } else {
                children[span.parentSpanID, default: []].append(span)
            }
        }
        var rows: [Row] = []
        rows.reserveCapacity(ordered.count)
        var seen = Set<SpanID>()
        // Depth-first without recursion: a deep trace cannot exhaust the stack.
        var stack: [(TelemetrySpan, Int)] = roots.reversed().map { ($0, 0) }
        while let (span, depth) = stack.popLast() {
            guard seen.insert(span.spanID).inserted else { continue }
            let offset = span.startUnixNano >= start ? span.startUnixNano - start : 0
            rows.append(Row(span: span, depth: depth, offsetNano: offset))
            for child in (children[span.spanID] ?? []).reversed() { stack.append((child, depth + 1)) }
        }
        // A cycle of parents (a broken sender) leaves spans unreached: show them as roots.
        for span in ordered where !seen.contains(span.spanID) {
            seen.insert(span.spanID)
            rows.append(Row(span: span, depth: 0, offsetNano: span.startUnixNano >= start ? span.startUnixNano - start : 0))
        }
        self.rows = rows
    }
}

extension TelemetryStore {
    /// One trace laid out as a waterfall; nil when the store has no such trace.
    package func waterfall(of traceID: TraceID) -> TraceWaterfall? {
        traces[traceID].map { TraceWaterfall(traceID: traceID, spans: $0.spans) }
    }
}
