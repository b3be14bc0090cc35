import Telemetry

extension TelemetryPages {
    /// The traces list, newest first: time, root, resources touched, duration (with a bar against
    /// the longest shown), span count, error flag.
    static func traceList(_ traces: [TelemetryTraceSummary], colors: [String: Int], limit: Int) -> String {
        guard !traces.isEmpty else {
            return "<p class=\"empty\">No traces yet. Services export them with an OpenTelemetry SDK "
                + "(<code>aspire up</code> sets <code>OTEL_EXPORTER_OTLP_ENDPOINT</code>).</p>"
        }
        let longest = max(1, traces.map(\.durationNano).max() ?? 1)
        var rows = ""
        rows.reserveCapacity(traces.count * 600)
        for trace in traces {
            let resources = trace.resources.map { source($0, colors: colors) }.joined(separator: " ")
            let width = max(1, Int(Double(trace.durationNano) / Double(longest) * 100))
            let status = trace.hasError ? "<span class=\"badge k-failed\">error</span>" : ""
            rows += """
                <tr class="\(trace.hasError ? "trace err" : "trace")" data-trace="\(trace.traceID)">\
                <td class="t">\(clock(trace.startUnixNano))</td>\
                <td class="name"><a href="/traces/\(trace.traceID)">\(HTML.escape(trace.rootName))</a>\
                <code class="muted">\(String(trace.traceID.description.prefix(7)))</code></td>\
                <td class="resources">\(resources)</td>\
                <td class="duration"><svg class="dur-bar" viewBox="0 0 100 6" preserveAspectRatio="none">\
                <rect x="0" y="0" width="\(width)" height="6"/></svg>\(duration(trace.durationNano))</td>\
                <td class="spans">\(trace.spanCount)</td><td class="status">\(status)</td></tr>

                """
        }
        let more = traces.count >= limit ? "<p class=\"muted\">The newest \(limit) traces; narrow the filters to see others.</p>" : ""
        return """
            <table class="traces" id="traces"><thead><tr><th>Time (UTC)</th><th>Name</th><th>Resources</th><th>Duration</th>\
            <th>Spans</th><th>Status</th></tr></thead><tbody>
            \(rows)</tbody></table>\(more)
            """
    }

    /// A trace's waterfall: one row per span in tree order, the name indented by depth, a bar
    /// placed on the trace's time axis in the resource's colour (SVG, as the page's policy allows
    /// no inline styles), errors marked; a row opens to the span's attributes and events.
    static func waterfall(_ waterfall: TraceWaterfall, summary: TelemetryTraceSummary, colors: [String: Int]) -> String {
        let total = Double(waterfall.durationNano)
        let errors = waterfall.rows.filter { $0.span.status == .error }.count
        var out = """
            <p class="trace-summary">\(clock(summary.startUnixNano)) UTC · \(duration(summary.durationNano)) · \
            \(summary.spanCount) spans · \(summary.resources.map { source($0, colors: colors) }.joined(separator: " "))\
            \(errors > 0 ? " · <span class=\"badge k-failed\">\(errors) error\(errors == 1 ? "" : "s")</span>" : "")</p>
            <div class="waterfall" id="waterfall" data-spans="\(waterfall.rows.count)">\
            <div class="wf-head"><span>Span</span><span class="wf-axis"><span>0</span><span>\(duration(waterfall.durationNano / 2))</span>\
            <span>\(duration(waterfall.durationNano))</span></span></div>
            """
        for row in waterfall.rows {
            let span = row.span
            let color = colors[span.resource.serviceName] ?? Palette.color(of: span.resource.serviceName, in: colors)
            let x = Double(row.offsetNano) / total * 1000
            let width = max(2, Double(span.durationNano) / total * 1000)
            let isError = span.status == .error
            let mark = isError ? "<span class=\"err-mark\" title=\"error\">!</span>" : ""
            out += """
                <details class="span-row\(isError ? " err" : "")" data-span="\(span.spanID)"><summary>\
                <span class="span-name d\(min(row.depth, 15))">\(mark)\(source(span.resource.serviceName, colors: colors))\
                <span class="sn">\(HTML.escape(span.name))</span></span>\
                <span class="span-track"><svg viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true">\
                <rect class="bar b\(color)\(isError ? " bar-err" : "")" x="\(one(x))" y="1" width="\(one(min(width, 1000 - x)))" height="8"/>\
                </svg><span class="dur">\(duration(span.durationNano))</span></span></summary>\
                <div class="detail">\(spanDetail(span))</div></details>
                """
        }
        return out + "</div>"
    }

    /// A span's ids, status, attributes and events.
    static func spanDetail(_ span: TelemetrySpan) -> String {
        var facts = [
            TelemetryAttribute("span_id", .string(span.spanID.description)),
            TelemetryAttribute("parent_span_id", .string(span.parentSpanID.isNone ? "(root)" : span.parentSpanID.description)),
            TelemetryAttribute("kind", .string(String(describing: span.kind))),
            TelemetryAttribute("status", .string(String(describing: span.status))),
            TelemetryAttribute("resource", .string(span.resource.description)),
        ]
        if !span.statusMessage.isEmpty { facts.append(TelemetryAttribute("status_message", .string(span.statusMessage))) }
        if !span.scope.isEmpty { facts.append(TelemetryAttribute("scope", .string(span.scope))) }
        if span.droppedCount > 0 { facts.append(TelemetryAttribute("dropped", .int(Int64(span.droppedCount)))) }
        var out = attributes(facts, caption: "Span") + attributes(span.attributes, caption: "Attributes")
        if !span.events.isEmpty {
            out += "<div class=\"events\"><h3>Events</h3><ul>"
            for event in span.events {
                let offset = event.timeUnixNano >= span.startUnixNano ? event.timeUnixNano - span.startUnixNano : 0
                out += "<li><strong>\(HTML.escape(event.name))</strong> <span class=\"muted\">+\(duration(offset))</span>"
                    + attributes(event.attributes) + "</li>"
            }
            out += "</ul></div>"
        }
        return out
    }
}
