import Telemetry

extension TelemetryPages {
    /// The structured log records, as given (newest first); each opens to its attributes on click (a `<details>`).
    static func logRecords(_ records: some Collection<TelemetryLogRecord>, colors: [String: Int], limit: Int) -> String {
        guard !records.isEmpty else {
            return "<p class=\"empty\">No log records yet. Services export them with an OpenTelemetry SDK "
                + "(<code>aspire up</code> sets <code>OTEL_EXPORTER_OTLP_ENDPOINT</code>).</p>"
        }
        var out = """
            <div class="records" id="records">\
            <div class="rec-head"><span>Time (UTC)</span><span>Resource</span><span>Severity</span><span>Message</span><span>Trace</span></div>
            """
        out.reserveCapacity(records.count * 400)
        for record in records { out += logRecord(record, colors: colors) }
        out += "</div>"
        if records.count >= limit { out += "<p class=\"muted\">The newest \(limit) records; narrow the filters to see others.</p>" }
        return out
    }

    /// One record: a summary line, and its attributes, scope and ids when opened.
    static func logRecord(_ record: TelemetryLogRecord, colors: [String: Int]) -> String {
        let family = record.severityName.lowercased()
        let trace = record.traceID.map {
            "<a href=\"/traces/\($0)\" title=\"\($0)\">\(String($0.description.prefix(8)))</a>"
        } ?? ""
        let facts: [(String, String)?] = [
            record.traceID.map { ("trace_id", $0.description) }, record.spanID.isNone ? nil : ("span_id", record.spanID.description),
            record.scope.isEmpty ? nil : ("scope", record.scope), record.eventName.isEmpty ? nil : ("event", record.eventName),
            ("resource", record.resource.description),
        ]
        let ids = facts.compactMap { $0 }.map { TelemetryAttribute($0.0, .string($0.1)) }
        return """
            <details class="rec sev-\(HTML.escape(family))"><summary>\
            <span class="t">\(clock(record.timeUnixNano))</span>\(source(record.resource.serviceName, colors: colors))\
            <span class="sev">\(HTML.escape(record.severityName))</span><span class="msg">\(HTML.escape(record.body.text))</span>\
            <span class="tr">\(trace)</span></summary>\
            <div class="detail">\(attributes(record.attributes, caption: "Attributes"))\(attributes(ids, caption: "Record"))</div></details>
            """
    }

    /// The trace page's log records, oldest first.
    static func traceLogs(_ records: [TelemetryLogRecord], colors: [String: Int]) -> String {
        guard !records.isEmpty else { return "<h2>Log records</h2><p class=\"empty\">No log records in this trace.</p>" }
        var out = "<h2>Log records</h2><div class=\"records\" id=\"trace-records\">"
        for record in records { out += logRecord(record, colors: colors) }
        return out + "</div>"
    }
}
