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
    /// Each page is rendered whole on the server; with `partial=1` only its live part is, and with
    /// `stream=1` the live part is pushed as server-sent events each time the store takes in what
    /// the page shows (``TelemetryEventStream``); `telemetry.js` listens, and falls back to fetching
    /// the `partial=1` part every two seconds when the stream fails. Every page and part carries
    /// `Server-Timing: render;dur=MS` (the render benchmark reads it).
    func addTelemetryRoutes(to router: Router<DashboardContext>) {
        router.get("/structuredlogs") { request, _ in
            await self.answer(request, signals: [.logs]) { await self.structuredLogs($0) }
        }
        router.get("/traces") { request, _ in
            await self.answer(request, signals: [.traces]) { await self.tracesPage($0) }
        }
        router.get("/traces/{id}") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await self.answer(request, signals: [.traces, .logs]) { await self.tracePage($0, id: id) }
        }
        router.get("/metrics") { request, _ in
            await self.answer(request, signals: [.metrics]) { await self.metricsPage($0) }
        }
    }

    /// A page, its live part (`partial=1`), or its live stream (`stream=1`).
    func answer(
        _ request: Request, signals: Set<OTLPSignal>, render: @escaping @Sendable (TelemetryQuery) async -> TelemetryView
    ) async -> Response {
        let query = TelemetryQuery(request.uri.queryParameters)
        guard query.stream else {
            return await timed {
                switch await render(query) {
                case .page(let view): page(query, view)
                case .refusal(let response): response
                }
            }
        }
        guard let slot = streams.take() else {
            var busy = Reply.error(.serviceUnavailable, "too many live streams are open (\(streams.limit)); the page fetches instead")
            busy.headers[.retryAfter] = "5"
            return busy
        }
        if case .refusal(let response) = await render(query) { return response }  // a bad filter: no stream
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"],
            body: TelemetryEventStream.body(
                changes: (telemetry ?? Self.emptyStore).changes, signals: signals, slot: slot,
                render: {
                    guard case .page(let view) = await render(query) else { return "" }
                    return view.fragment
                }))
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

    /// What every telemetry page needs: the store (an empty one when the app has none) and the names to offer.
    func telemetryContext() async -> (store: TelemetryStore, names: [String]) {
        let store = telemetry ?? Self.emptyStore
        let names = await TelemetryPages.serviceNames(store: store, resources: backend.resources().map(\.name))
        return (store, names)
    }

    /// Answers a page, or only its live part when `partial=1`.
    func page(_ query: TelemetryQuery, _ view: TelemetryView.Page) -> Response {
        if query.partial { return Reply.html(view.fragment) }
        let body = """
            <h1>\(view.heading)</h1>
            \(view.filters)
            <div id="telemetry" class="telemetry" data-live-src="\(HTML.escape(view.live))" \
            data-live-stream="\(HTML.escape(view.stream))">\(view.fragment)</div>
            """
        return Reply.html(Pages.layout(title: title, page: view.page, tab: view.tab, body: body))
    }

    func badRequest(_ message: String) -> TelemetryView {
        .refusal(Reply.html(
            Pages.layout(title: title, page: "Bad request", tab: nil, body: "<h1>Bad request</h1>\n<p>\(HTML.escape(message))</p>"),
            status: .badRequest))
    }

    // MARK: - Pages

    /// `/structuredlogs[?resource=NAME][&severity=LEVEL][&q=TEXT][&trace=ID]`.
    func structuredLogs(_ query: TelemetryQuery) async -> TelemetryView {
        let (store, names) = await telemetryContext()
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
        return .page(.init(
            page: "Structured logs", tab: .structured,
            heading: query.resource.map { "Structured logs: \(HTML.escape($0))" } ?? "Structured logs",
            filters: TelemetryPages.logFilters(query, names: names),
            live: query.livePath("/structuredlogs"), stream: query.livePath("/structuredlogs", mode: "stream"),
            fragment: TelemetryPages.logRecords(
                records.sorted { ($0.timeUnixNano, $0.sequence) > ($1.timeUnixNano, $1.sequence) }, colors: colors,
                limit: Self.telemetryRows)))
    }

    /// `/traces[?resource=NAME][&min=DURATION]`.
    func tracesPage(_ query: TelemetryQuery) async -> TelemetryView {
        let (store, names) = await telemetryContext()
        guard let minimum = TelemetryPages.duration(query.minDuration) else {
            return badRequest("'\(query.minDuration)' is not a duration; write e.g. 50ms, 250us or 1.5s")
        }
        var filter = TraceFilter(minDurationNano: minimum, limit: Self.telemetryRows)
        if let resource = query.resource { filter.resources = [resource] }
        let traces = await store.traceList(filter)
        return .page(.init(
            page: "Traces", tab: .traces,
            heading: query.resource.map { "Traces: \(HTML.escape($0))" } ?? "Traces",
            filters: TelemetryPages.traceFilters(query, names: names), live: query.livePath("/traces"),
            stream: query.livePath("/traces", mode: "stream"),
            fragment: TelemetryPages.traceList(traces, colors: Palette.colors(of: names), limit: Self.telemetryRows)))
    }

    /// `/traces/{id}`: the waterfall and the trace's log records.
    func tracePage(_ query: TelemetryQuery, id: String) async -> TelemetryView {
        let (store, names) = await telemetryContext()
        guard let traceID = TraceID(hex: id), let waterfall = await store.waterfall(of: traceID),
            let summary = await store.traceSummary(traceID)
        else {
            return .refusal(Reply.html(Pages.notFound(title: title, message: "no trace with id '\(id)'"), status: .notFound))
        }
        let records = await store.logs(LogFilter(traceID: traceID, limit: Self.telemetryRows))
        let colors = Palette.colors(of: names)
        return .page(.init(
            page: "Trace \(summary.rootName)", tab: .traces,
            heading: "Trace: \(HTML.escape(summary.rootName)) <code class=\"muted\">\(traceID)</code>", filters: "",
            live: "/traces/\(traceID)?partial=1", stream: "/traces/\(traceID)?stream=1",
            fragment: TelemetryPages.waterfall(waterfall, summary: summary, colors: colors)
                + TelemetryPages.traceLogs(
                    records.sorted { ($0.timeUnixNano, $0.sequence) < ($1.timeUnixNano, $1.sequence) }, colors: colors)))
    }

    /// `/metrics[?resource=NAME][&instrument=NAME]`.
    func metricsPage(_ query: TelemetryQuery) async -> TelemetryView {
        let (store, names) = await telemetryContext()
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
        return .page(.init(
            page: "Metrics", tab: .metrics,
            heading: resource.map { "Metrics: \(HTML.escape($0))" } ?? "Metrics",
            filters: TelemetryPages.metricFilters(resource: resource, names: names),
            live: query.livePath("/metrics", resource: resource), stream: query.livePath("/metrics", resource: resource, mode: "stream"),
            fragment: TelemetryPages.instrumentList(instruments, resource: resource, selected: query.instrument) + chart))
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
    /// `stream=1`: the live part as server-sent events.
    var stream: Bool

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
        stream = value("stream") == "1"
    }

    /// This page's live part: the same query plus `partial=1` (or `stream=1`, its event stream).
    func livePath(_ path: String, resource: String? = nil, mode: String = "partial") -> String {
        var pairs: [(String, String)] = []
        if let name = resource ?? self.resource { pairs.append(("resource", name)) }
        for (key, value) in [("severity", severity), ("q", text), ("trace", trace), ("min", minDuration), ("instrument", instrument)]
        where !value.isEmpty {
            pairs.append((key, value))
        }
        pairs.append((mode, "1"))
        return path + "?" + pairs.map { "\($0.0)=\(HTML.percentEncode($0.1))" }.joined(separator: "&")
    }
}

/// A telemetry page as rendered, or the answer that replaces it (a bad filter, an unknown trace).
enum TelemetryView: Sendable {
    case page(Page)
    case refusal(Response)

    /// The parts of a page; `fragment` is what `partial=1` and the stream send.
    struct Page: Sendable {
        var page: String
        var tab: Pages.Tab?
        var heading: String
        var filters: String
        /// The `partial=1` path the page fetches when its stream fails.
        var live: String
        /// The `stream=1` path the page listens to.
        var stream: String
        var fragment: String
    }
}
