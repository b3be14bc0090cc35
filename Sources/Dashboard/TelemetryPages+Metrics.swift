import Telemetry

extension TelemetryPages {
    /// A resource's instruments, each a link to its chart; the one shown is marked.
    static func instrumentList(_ instruments: [TelemetryInstrument], resource: String?, selected: String) -> String {
        guard let resource else { return "<p class=\"empty\">No resource has sent metrics yet.</p>" }
        guard !instruments.isEmpty else {
            return "<p class=\"empty\">\(HTML.escape(resource)) has sent no metrics yet.</p>"
        }
        let shown = selected.isEmpty ? instruments.first?.name ?? "" : selected
        var rows = ""
        for instrument in instruments {
            let href = "/metrics?resource=\(HTML.percentEncode(resource))&instrument=\(HTML.percentEncode(instrument.name))"
            let kind = instrument.kind == .sum ? (instrument.isMonotonic ? "counter" : "up-down counter") : instrument.kind.rawValue
            rows += """
                <tr\(instrument.name == shown ? " class=\"selected\"" : "")><td class="name"><a href="\(href)">\(HTML.escape(instrument.name))</a></td>\
                <td>\(HTML.escape(kind))</td><td>\(HTML.escape(instrument.unit))</td>\
                <td class="muted">\(HTML.escape(instrument.description))</td><td>\(instrument.pointCount)</td></tr>
                """
        }
        return """
            <table class="instruments" id="instruments"><thead><tr><th>Instrument</th><th>Kind</th><th>Unit</th>\
            <th>Description</th><th>Points</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    /// One instrument's chart with its heading and legend.
    static func chart(_ instrument: TelemetryInstrument, series: [MetricSeries]) -> String {
        let what =
            MetricSeries.isRate(instrument)
            ? "rate per second" : instrument.kind == .histogram ? "percentiles per interval" : "value"
        let legend = series.enumerated().map { index, line in
            "<li><span class=\"swatch s\(index % MetricChartSVG.colorCount)\"></span>\(HTML.escape(line.label))</li>"
        }.joined()
        return """
            <h2>\(HTML.escape(instrument.name)) <span class="muted">(\(what)\(MetricSeries.unit(of: instrument).isEmpty ? "" : ", " + HTML.escape(MetricSeries.unit(of: instrument))))</span></h2>
            <div class="chart" id="chart">\(MetricChartSVG.render(series))</div><ul class="legend">\(legend)</ul>
            """
    }
}
