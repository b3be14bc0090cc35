import AppStatus
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Telemetry

// MARK: - The telemetry pages' routes

extension DashboardServer {
    /// `/structuredlogs`, `/traces`, `/traces/{id}` and `/metrics` (docs/dashboard.md).
    ///
    /// Each page is rendered whole on the server; with `partial=1` only its live part is, which
    /// `telemetry.js` fetches every two seconds to keep the page current. Every answer carries
    /// `Server-Timing: render;dur=MS` (the render benchmark reads it).
    func addTelemetryRoutes(to router: Router<DashboardContext>) {
        router.get("/structuredlogs") { request, _ in await self.timed { await self.structuredLogs(request) } }
        router.get("/traces") { request, _ in await self.timed { await self.tracesPage(request) } }
        router.get("/traces/{id}") { request, context in
            await self.timed { await self.tracePage(request, id: context.parameters.get("id") ?? "") }
        }
        router.get("/metrics") { request, _ in await self.timed { await self.metricsPage(request) } }
    }

    /// Runs `render` and adds how long it took as `Server-Timing`.
    func timed(_ render: () async -> Response) async -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        var response = await render()
        let elapsed = start.duration(to: clock.now)
        let ms = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        if let name = HTTPField.Name("Server-Timing") {
            response.headers[name] = "render;dur=\(String(format: "%.3f", ms))"
        }
        return response
    }

    /// What every telemetry page needs: the store (an empty one when the app has none) and the page's query.
    func telemetryQuery(_ request: Request) async -> (store: TelemetryStore, query: TelemetryQuery, names: [String]) {
        let store = telemetry ?? Self.emptyStore
        let names = await TelemetryPages.serviceNames(store: store, resources: backend.resources().map(\.name))
        return (store, TelemetryQuery(request.uri.queryParameters), names)
    }

    /// Answers a page, or only its live part when `partial=1`.
    func page(_ query: TelemetryQuery, page: String, tab: Pages.Tab?, heading: String, filters: String, live: String, fragment: String)
        -> Response
    {
        if query.partial { return Reply.html(fragment) }
        let body = """
            <h1>\(heading)</h1>
            \(filters)
            <div id="telemetry" class="telemetry" data-live-src="\(HTML.escape(live))">\(fragment)</div>
            """
        return Reply.html(Pages.layout(title: title, page: page, tab: tab, body: body))
    }

    func badRequest(_ message: String) -> Response {
        Reply.html(
            Pages.layout(title: title, page: "Bad request", tab: nil, body: "<h1>Bad request</h1>\n<p>\(HTML.escape(message))</p>"),
            status: .badRequest)
    }

    // MARK: - Pages

    /// `/structuredlogs[?resource=NAME][&severity=LEVEL][&q=TEXT][&trace=ID]`.
    func structuredLogs(_ request: Request) async -> Response {
        let (store, query, names) = await telemetryQuery(request)
        guard let severity = TelemetryPages.severity(query.severity) else {
            return badRequest("unknown severity '\(query.severity)'; use trace, debug, info, warn, error or fatal")
        }
        var filter = LogFilter(minSeverity: severity, text: query.text, limit: Self.telemetryRows)
        if let resource = query.resource { filter.resources = [resource] }
        if !query.trace.isEmpty {
            guard let trace = TraceID(hex: query.trace) else { return badRequest("'\(query.trace)' is not a trace id") }
            filter.traceID = trace
        }
        let records = await store.logs(filter)
        let colors = Palette.colors(of: names)
        return page(
            query, page: "Structured logs", tab: .structured,
            heading: query.resource.map { "Structured logs: \(HTML.escape($0))" } ?? "Structured logs",
            filters: TelemetryPages.logFilters(query, names: names),
            live: query.livePath("/structuredlogs"),
            fragment: TelemetryPages.logRecords(
                records.sorted { ($0.timeUnixNano, $0.sequence) > ($1.timeUnixNano, $1.sequence) }, colors: colors,
                limit: Self.telemetryRows))
    }

    /// `/traces[?resource=NAME][&min=DURATION]`.
    func tracesPage(_ request: Request) async -> Response {
        let (store, query, names) = await telemetryQuery(request)
        guard let minimum = TelemetryPages.duration(query.minDuration) else {
            return badRequest("'\(query.minDuration)' is not a duration; write e.g. 50ms, 250us or 1.5s")
        }
        var filter = TraceFilter(minDurationNano: minimum, limit: Self.telemetryRows)
        if let resource = query.resource { filter.resources = [resource] }
        let traces = await store.traceList(filter)
        return page(
            query, page: "Traces", tab: .traces,
            heading: query.resource.map { "Traces: \(HTML.escape($0))" } ?? "Traces",
            filters: TelemetryPages.traceFilters(query, names: names), live: query.livePath("/traces"),
            fragment: TelemetryPages.traceList(traces, colors: Palette.colors(of: names), limit: Self.telemetryRows))
    }

    /// `/traces/{id}`: the waterfall and the trace's log records.
    func tracePage(_ request: Request, id: String) async -> Response {
        let (store, query, names) = await telemetryQuery(request)
        guard let traceID = TraceID(hex: id), let waterfall = await store.waterfall(of: traceID),
            let summary = await store.traceSummary(traceID)
        else {
            return Reply.html(Pages.notFound(title: title, message: "no trace with id '\(id)'"), status: .notFound)
        }
        let records = await store.logs(LogFilter(traceID: traceID, limit: Self.telemetryRows))
        let colors = Palette.colors(of: names)
        return page(
            query, page: "Trace \(summary.rootName)", tab: .traces,
            heading: "Trace: \(HTML.escape(summary.rootName)) <code class=\"muted\">\(traceID)</code>", filters: "",
            live: "/traces/\(traceID)?partial=1",
            fragment: TelemetryPages.waterfall(waterfall, summary: summary, colors: colors)
                + TelemetryPages.traceLogs(
                    records.sorted { ($0.timeUnixNano, $0.sequence) < ($1.timeUnixNano, $1.sequence) }, colors: colors))
    }

    /// `/metrics[?resource=NAME][&instrument=NAME]`.
    func metricsPage(_ request: Request) async -> Response {
        let (store, query, names) = await telemetryQuery(request)
        let resource = query.resource ?? names.first
        var instruments: [TelemetryInstrument] = []
        var chart = ""
        if let resource {
            instruments = await store.instruments(of: resource)
            let selected = query.instrument.isEmpty ? instruments.first : instruments.first { $0.name == query.instrument }
            if let selected {
                let points = await store.points(of: resource, instrument: selected.name)
                chart = TelemetryPages.chart(selected, series: MetricSeries.series(of: selected, points: points))
            } else if !query.instrument.isEmpty {
                chart = "<p class=\"empty\">\(HTML.escape(resource)) has no instrument named '\(HTML.escape(query.instrument))'.</p>"
            }
        }
        return page(
            query, page: "Metrics", tab: .metrics,
            heading: resource.map { "Metrics: \(HTML.escape($0))" } ?? "Metrics",
            filters: TelemetryPages.metricFilters(resource: resource, names: names),
            live: query.livePath("/metrics", resource: resource),
            fragment: TelemetryPages.instrumentList(instruments, resource: resource, selected: query.instrument) + chart)
    }

    /// The most rows a list shows (the newest).
    static var telemetryRows: Int { 500 }

    /// Stands in when `up` runs without a receiver: every page is empty.
    static var emptyStore: TelemetryStore { TelemetryStore() }
}

/// A telemetry page's query parameters.
struct TelemetryQuery: Sendable {
    var resource: String?
    var severity: String
    var text: String
    var trace: String
    var minDuration: String
    var instrument: String
    var partial: Bool

    init(_ parameters: FlatDictionary<Substring, Substring>) {
        func value(_ key: String) -> String { parameters[Substring(key)].map(String.init) ?? "" }
        let resource = value("resource")
        self.resource = resource.isEmpty ? nil : resource
        severity = value("severity")
        text = value("q")
        trace = value("trace")
        minDuration = value("min")
        instrument = value("instrument")
        partial = value("partial") == "1"
    }

    /// This page's live part: the same query plus `partial=1`.
    func livePath(_ path: String, resource: String? = nil) -> String {
        var pairs: [(String, String)] = []
        if let name = resource ?? self.resource { pairs.append(("resource", name)) }
        for (key, value) in [("severity", severity), ("q", text), ("trace", trace), ("min", minDuration), ("instrument", instrument)]
        where !value.isEmpty {
            pairs.append((key, value))
        }
        pairs.append(("partial", "1"))
        return path + "?" + pairs.map { "\($0.0)=\(HTML.percentEncode($0.1))" }.joined(separator: "&")
    }
}
