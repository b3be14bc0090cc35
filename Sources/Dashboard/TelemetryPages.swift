import Foundation
import Telemetry

/// The structured logs, traces and metrics pages: what they share (times, durations, attribute
/// tables, the filter forms). Everything from the app goes through ``HTML/escape(_:)``.
enum TelemetryPages {
    /// The service names to offer in filters: the app's resources first (in their order), then
    /// any other sender, so colours match the console's.
    static func serviceNames(store: TelemetryStore, resources: [String]) async -> [String] {
        var names = resources
        var seen = Set(resources)
        for resource in await store.resourceList() where seen.insert(resource.key.serviceName).inserted {
            names.append(resource.key.serviceName)
        }
        return names
    }

    // MARK: - Values

    /// `HH:MM:SS.mmm` (UTC) of a Unix time in nanoseconds.
    static func clock(_ unixNano: UInt64) -> String {
        let milliseconds = unixNano / 1_000_000
        let ms = milliseconds % 1000
        let seconds = milliseconds / 1000 % 86_400
        func two(_ value: UInt64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)).\(millis)"
    }

    /// A duration as people read it: `850µs`, `12.3ms`, `1.25s`.
    static func duration(_ nano: UInt64) -> String {
        if nano < 1_000_000 { return "\(nano / 1_000)µs" }
        if nano < 1_000_000_000 { return one(Double(nano) / 1e6) + "ms" }
        return one(Double(nano) / 1e9) + "s"
    }

    /// One decimal, without a trailing `.0`, for numbers people read.
    static func one(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1e15 else { return String(value) }
        let whole = Int(tenths)
        return whole % 10 == 0 ? "\(whole / 10)" : "\(whole / 10).\(abs(whole % 10))"
    }

    /// `--min-duration`-style text (`50ms`, `250us`, `1.5s`, `2m`; a bare number is milliseconds) as
    /// nanoseconds; empty is 0; nil when unreadable.
    static func duration(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed.isEmpty { return 0 }
        let units: [(String, Double)] = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count)), number >= 0, number * scale < 1e18 else { return nil }
            return UInt64(number * scale)
        }
        guard let number = Double(trimmed), number >= 0, number < 1e12 else { return nil }
        return UInt64(number * 1e6)
    }

    /// The severity families, lowest first, and the OTLP number each starts at.
    static let severities: [(name: String, number: Int)] = [
        ("trace", 1), ("debug", 5), ("info", 9), ("warn", 13), ("error", 17), ("fatal", 21),
    ]

    /// A minimum severity by name (or number; empty is 0); nil when unknown.
    static func severity(_ text: String) -> Int? {
        let lower = text.lowercased()
        if lower.isEmpty { return 0 }
        if lower == "warning" { return 13 }
        if let found = severities.first(where: { $0.name == lower }) { return found.number }
        if let number = Int(lower), (0...24).contains(number) { return number }
        return nil
    }

    /// `key value` rows of attributes (empty when there are none).
    static func attributes(_ attributes: [TelemetryAttribute], caption: String = "") -> String {
        guard !attributes.isEmpty else { return "" }
        let rows = attributes.map {
            "<tr><td class=\"var\">\(HTML.escape($0.key))</td><td class=\"value\"><code>\(HTML.escape($0.value.text))</code></td></tr>"
        }.joined()
        let head = caption.isEmpty ? "" : "<caption>\(HTML.escape(caption))</caption>"
        return "<table class=\"attrs\">\(head)<tbody>\(rows)</tbody></table>"
    }

    /// A resource name in its colour.
    static func source(_ name: String, colors: [String: Int]) -> String {
        "<span class=\"src c\(colors[name] ?? Palette.color(of: name, in: colors))\">\(HTML.escape(name))</span>"
    }

    // MARK: - Filter forms

    /// A `<select name="resource">` with "All" first.
    static func resourceSelect(_ names: [String], selected: String?, all: Bool = true) -> String {
        var options = all ? "<option value=\"\">All</option>" : ""
        for name in names {
            options += "<option value=\"\(HTML.escape(name))\"\(name == selected ? " selected" : "")>\(HTML.escape(name))</option>"
        }
        return "<label>Resource <select name=\"resource\">\(options)</select></label>"
    }

    static func logFilters(_ query: TelemetryQuery, names: [String]) -> String {
        let current = severity(query.severity) ?? 0
        var levels = "<option value=\"\">Any</option>"
        for level in severities {
            levels += "<option value=\"\(level.name)\"\(current == level.number ? " selected" : "")>\(level.name.uppercased())</option>"
        }
        let trace =
            query.trace.isEmpty
            ? "" : "<input type=\"hidden\" name=\"trace\" value=\"\(HTML.escape(query.trace))\"><span class=\"muted\">trace \(HTML.escape(query.trace))</span>"
        return """
            <form class="filters" method="get" action="/structuredlogs">\(resourceSelect(names, selected: query.resource))\
            <label>Min severity <select name="severity">\(levels)</select></label>\
            <label>Text <input type="search" name="q" value="\(HTML.escape(query.text))" placeholder="message or attribute"></label>\
            \(trace)<button type="submit">Apply</button><span class="muted live-note">live</span></form>
            """
    }

    static func traceFilters(_ query: TelemetryQuery, names: [String]) -> String {
        """
        <form class="filters" method="get" action="/traces">\(resourceSelect(names, selected: query.resource))\
        <label>Min duration <input type="text" name="min" value="\(HTML.escape(query.minDuration))" placeholder="e.g. 50ms" size="8"></label>\
        <button type="submit">Apply</button><span class="muted live-note">live</span></form>
        """
    }

    static func metricFilters(resource: String?, names: [String]) -> String {
        """
        <form class="filters" method="get" action="/metrics">\(resourceSelect(names, selected: resource, all: false))\
        <button type="submit">Show</button><span class="muted live-note">live</span></form>
        """
    }
}
