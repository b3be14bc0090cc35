import Foundation
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

/// A line chart of metric series as SVG: axes with a few labels, one polyline per series, coloured
/// by class (the stylesheet's `s0`…`s7`), every label escaped.
enum MetricChartSVG {
    static let colorCount = 8
    static let width = 900.0
    static let height = 260.0
    static let left = 64.0
    static let bottom = 24.0
    static let top = 10.0

    static func render(_ series: [MetricSeries]) -> String {
        let points = series.flatMap(\.points)
        guard let first = points.map(\.timeUnixNano).min(), let last = points.map(\.timeUnixNano).max() else {
            return "<p class=\"empty\">Not enough points to draw yet (counters need two).</p>"
        }
        let low = min(0, points.map(\.value).min() ?? 0)
        var high = points.map(\.value).max() ?? 1
        if high <= low { high = low + 1 }
        let span = Double(max(1, last - first))
        let plotWidth = width - left - 10
        let plotHeight = height - top - bottom
        func x(_ time: UInt64) -> Double { left + Double(time - first) / span * plotWidth }
        func y(_ value: Double) -> Double { top + (1 - (value - low) / (high - low)) * plotHeight }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" class="metric-chart" role="img">
            """
        for step in 0...4 {
            let value = low + (high - low) * Double(step) / 4
            let position = TelemetryPages.one(y(value))
            out += "<line class=\"grid\" x1=\"\(Int(left))\" x2=\"\(Int(width - 10))\" y1=\"\(position)\" y2=\"\(position)\"/>"
            out += "<text class=\"axis\" x=\"\(Int(left - 6))\" y=\"\(position)\" text-anchor=\"end\" dy=\"4\">\(HTML.escape(label(value)))</text>"
        }
        out += "<text class=\"axis\" x=\"\(Int(left))\" y=\"\(Int(height - 6))\">\(TelemetryPages.clock(first))</text>"
        out += "<text class=\"axis\" x=\"\(Int(width - 10))\" y=\"\(Int(height - 6))\" text-anchor=\"end\">\(TelemetryPages.clock(last))</text>"
        for (index, line) in series.enumerated() where !line.points.isEmpty {
            let coordinates = line.points.map { "\(TelemetryPages.one(x($0.timeUnixNano))),\(TelemetryPages.one(y($0.value)))" }
            out += "<polyline class=\"line s\(index % colorCount)\" points=\"\(coordinates.joined(separator: " "))\">"
            out += "<title>\(HTML.escape(line.label))</title></polyline>"
            if line.points.count == 1, let point = line.points.first {
                out += "<circle class=\"dot s\(index % colorCount)\" cx=\"\(TelemetryPages.one(x(point.timeUnixNano)))\" "
                    + "cy=\"\(TelemetryPages.one(y(point.value)))\" r=\"3\"/>"
            }
        }
        return out + "</svg>"
    }

    /// An axis label: short, with k/M for large values.
    static func label(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1e6 { return TelemetryPages.one(value / 1e6) + "M" }
        if magnitude >= 1e4 { return TelemetryPages.one(value / 1e3) + "k" }
        if magnitude > 0, magnitude < 1 { return String(format: "%.3g", value) }
        return TelemetryPages.one(value)
    }
}
