import Foundation
import Telemetry

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
