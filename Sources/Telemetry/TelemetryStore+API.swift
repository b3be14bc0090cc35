// What the control API reads in one step of the store (an actor), so an answer is consistent:
// a log page with the sequence number it reached, a trace with its spans and its log records.

extension TelemetryStore {
    /// The records matching `filter` and the newest sequence number given out so far: the
    /// next page asks for `after` that number and sees each record once.
    package func logPage(_ filter: LogFilter) -> (records: [TelemetryLogRecord], last: UInt64) {
        (logs(filter), nextLogSequence - 1)
    }

    /// One trace: its summary, its spans by start time and its log records (oldest first); nil
    /// when the store has no such trace (never sent, or evicted).
    package func traceDetail(
        _ traceID: TraceID, logLimit: Int = 1_000
    ) -> (summary: TelemetryTraceSummary, spans: [TelemetrySpan], logs: [TelemetryLogRecord])? {
        guard let summary = traceSummary(traceID), let spans = spans(of: traceID) else { return nil }
        return (summary, spans, logs(LogFilter(traceID: traceID, limit: logLimit)))
    }
}
