import Dashboard
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Telemetry
import Testing

/// The structured logs, traces and metrics pages over a store filled through the OTLP ingest path.
@Suite struct TelemetryPageTests {
    static let trace1 = Fixture.traceHex(1)
    static let trace2 = Fixture.traceHex(2)

    /// Logs in and runs `body` with a client and the cookie.
    func withPages(
        _ body: @Sendable (any TestClientProtocol, HTTPFields) async throws -> Void
    ) async throws {
        let store = try await Fixture.store()
        let server = DashboardServer(backend: TestBackend(), port: 0, telemetry: store)
        try await server.makeApplication().test(.router) { client in
            let cookie = try await login(client, server)
            try await body(client, cookie)
        }
    }

    @Test("the telemetry pages answer 401 without the session cookie and show nothing")
    func needLogin() async throws {
        let store = try await Fixture.store()
        let server = DashboardServer(backend: TestBackend(), port: 0, telemetry: store)
        try await server.makeApplication().test(.router) { client in
            for path in ["/structuredlogs", "/traces", "/traces/\(Self.trace1)", "/metrics?resource=api", "/traces?partial=1"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .unauthorized, "\(path)")
                #expect(!response.text.contains("checkout"), "\(path)")
                #expect(!response.text.contains("order lookup"), "\(path)")
            }
        }
    }

    @Test("the traces list shows root, resources, duration, spans and the error flag, newest first")
    func tracesList() async throws {
        try await withPages { client, cookie in
            let response = try await client.execute(uri: "/traces", method: .get, headers: cookie)
            #expect(response.status == .ok)
            #expect(response.headers[HTTPField.Name("Server-Timing")!]?.hasPrefix("render;dur=") == true)
            let page = response.text
            #expect(page.contains("<title>Traces · aspire</title>"))
            #expect(page.contains("data-live-src=\"/traces?partial=1\""))
            let row = try #require(Self.section(page, from: "data-trace=\"\(Self.trace1)\"", to: "</tr>"))
            #expect(row.contains("<a href=\"/traces/\(Self.trace1)\">GET /checkout</a>"))
            #expect(row.contains(">api</span>") && row.contains(">frontend</span>"), "both resources")
            #expect(row.contains("100ms"))
            #expect(row.contains("<td class=\"spans\">3</td>"))
            #expect(row.contains("k-failed\">error"))
            let fast = try #require(Self.section(page, from: "data-trace=\"\(Self.trace2)\"", to: "</tr>"))
            #expect(fast.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.contains("<script>alert"), "span names are escaped")
            #expect(!fast.contains("k-failed"))
            let first = try #require(page.range(of: Self.trace2)).lowerBound
            #expect(first < (try #require(page.range(of: "data-trace=\"\(Self.trace1)\"")).lowerBound), "newest first")
        }
    }

    @Test("traces filter by resource and by minimum duration; a bad duration is 400")
    func traceFilters() async throws {
        try await withPages { client, cookie in
            let api = try await client.execute(uri: "/traces?resource=api", method: .get, headers: cookie).text
            #expect(api.contains(Self.trace1) && !api.contains("data-trace=\"\(Self.trace2)\""))
            #expect(api.contains("<option value=\"api\" selected>api</option>"))
            let slow = try await client.execute(uri: "/traces?min=50ms", method: .get, headers: cookie).text
            #expect(slow.contains(Self.trace1) && !slow.contains("data-trace=\"\(Self.trace2)\""))
            let none = try await client.execute(uri: "/traces?min=1s", method: .get, headers: cookie).text
            #expect(!none.contains("data-trace="))
            #expect(none.contains("No traces yet") || none.contains("empty"))
            let bad = try await client.execute(uri: "/traces?min=soon%3Cb%3E", method: .get, headers: cookie)
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("soon&lt;b&gt;"))
            let partial = try await client.execute(uri: "/traces?resource=api&min=50ms&partial=1", method: .get, headers: cookie)
            #expect(partial.text.hasPrefix("<table class=\"traces\""), "only the live part")
            #expect(!partial.text.contains("<html"))
        }
    }

    @Test("a trace's waterfall nests the spans across resources, marks the error, and lists the trace's logs")
    func waterfall() async throws {
        try await withPages { client, cookie in
            let response = try await client.execute(uri: "/traces/\(Self.trace1)", method: .get, headers: cookie)
            #expect(response.status == .ok)
            let page = response.text
            let waterfall = try #require(Self.section(page, from: "id=\"waterfall\"", to: "<h2>Log records</h2>"))
            #expect(waterfall.contains("data-spans=\"3\""))
            // Tree order and depth, though the children arrived first.
            let root = try #require(waterfall.range(of: "data-span=\"\(Fixture.spanHex(1))\""))
            let child = try #require(waterfall.range(of: "data-span=\"\(Fixture.spanHex(2))\""))
            let grandchild = try #require(waterfall.range(of: "data-span=\"\(Fixture.spanHex(3))\""))
            #expect(root.lowerBound < child.lowerBound && child.lowerBound < grandchild.lowerBound)
            #expect(waterfall.contains("span-name d0\"><span class=\"src c"))
            #expect(waterfall.contains("span-name d1\"><span class=\"err-mark\""), "the failed api span is marked")
            #expect(waterfall.contains("span-name d2\">"))
            #expect(waterfall.contains("bar-err"))
            // Bars on the trace's axis: the api span starts at 5% and is 75% long (of 1000).
            #expect(waterfall.contains("x=\"50\" y=\"1\" width=\"750\""))
            // Attributes and events, escaped.
            #expect(waterfall.contains("&lt;b&gt;bob&lt;/b&gt;"))
            #expect(waterfall.contains("<strong>exception</strong>") && waterfall.contains("TimeoutError"))
            #expect(waterfall.contains("http.route"))
            // The trace's log records below, and only those.
            let logs = try #require(Self.section(page, from: "<h2>Log records</h2>", to: "</main>"))
            #expect(logs.contains("order lookup failed: &lt;timeout&gt;"))
            #expect(logs.contains("slow checkout"))
            #expect(!logs.contains("listening on 8080"))
            let missing = try await client.execute(uri: "/traces/\(Fixture.traceHex(77))", method: .get, headers: cookie)
            #expect(missing.status == .notFound)
            let garbage = try await client.execute(uri: "/traces/%3Cx%3E", method: .get, headers: cookie)
            #expect(garbage.status == .notFound)
            #expect(!garbage.text.contains("<x>"))
        }
    }

    @Test("structured logs: every column, attributes on click, filters by resource, severity, text and trace")
    func structuredLogs() async throws {
        try await withPages { client, cookie in
            let page = try await client.execute(uri: "/structuredlogs", method: .get, headers: cookie).text
            #expect(page.contains("<title>Structured logs · aspire</title>"))
            let record = try #require(Self.section(page, from: "<details class=\"rec sev-error\">", to: "</details>"))
            #expect(record.contains("<span class=\"t\">08:00:00.001</span>"))
            #expect(record.contains(">api</span>"))
            #expect(record.contains("<span class=\"sev\">ERROR</span>"))
            #expect(record.contains("order lookup failed: &lt;timeout&gt;"))
            #expect(record.contains("<a href=\"/traces/\(Self.trace1)\""), "a trace link")
            #expect(record.contains("order.id") && record.contains("42 &amp; &lt;more&gt;"), "attributes, escaped")
            for record in ["listening on 8080", "cache warm", "slow checkout"] { #expect(page.contains(record)) }

            let warn = try await client.execute(uri: "/structuredlogs?severity=warn", method: .get, headers: cookie).text
            #expect(warn.contains("order lookup failed") && warn.contains("slow checkout"))
            #expect(!warn.contains("listening on 8080") && !warn.contains("cache warm"))
            let api = try await client.execute(uri: "/structuredlogs?resource=api", method: .get, headers: cookie).text
            #expect(api.contains("listening on 8080") && !api.contains("cache warm"))
            let text = try await client.execute(uri: "/structuredlogs?q=MORE", method: .get, headers: cookie).text
            #expect(text.contains("order lookup failed") && !text.contains("slow checkout"), "attribute values match too")
            let trace = try await client.execute(
                uri: "/structuredlogs?trace=\(Self.trace1)&partial=1", method: .get, headers: cookie
            ).text
            #expect(trace.contains("slow checkout") && !trace.contains("cache warm"))
            #expect(!trace.contains("<html"))
            let bad = try await client.execute(uri: "/structuredlogs?severity=loud", method: .get, headers: cookie)
            #expect(bad.status == .badRequest)
        }
    }

    @Test("metrics: a resource's instruments, a counter charted as a rate, a histogram as percentiles")
    func metrics() async throws {
        try await withPages { client, cookie in
            let page = try await client.execute(uri: "/metrics?resource=api", method: .get, headers: cookie).text
            let list = try #require(Self.section(page, from: "id=\"instruments\"", to: "</table>"))
            #expect(list.contains("href=\"/metrics?resource=api&instrument=requests\""))
            #expect(list.contains(">latency</a>") && list.contains(">counter<"))
            #expect(list.contains("Requests &lt;served&gt;"))
            // The first instrument by name (latency) is shown by default.
            #expect(page.contains("latency <span class=\"muted\">(percentiles per interval, ms)</span>"))
            let counter = try await client.execute(
                uri: "/metrics?resource=api&instrument=requests", method: .get, headers: cookie
            ).text
            #expect(counter.contains("(rate per second, {request}/s)"))
            let chart = try #require(Self.section(counter, from: "<svg", to: "</svg>"))
            #expect(chart.contains("<polyline class=\"line s0\""))
            // Rates 10, 20, 0 per second: three points, the top label 20.
            let points = try #require(Self.section(chart, from: "points=\"", to: "\""))
            #expect(points.split(separator: " ").count == 3)
            #expect(chart.contains(">20</text>"))
            let unknown = try await client.execute(uri: "/metrics?resource=api&instrument=nope", method: .get, headers: cookie).text
            #expect(unknown.contains("has no instrument named"))
            let empty = try await client.execute(uri: "/metrics?resource=frontend", method: .get, headers: cookie).text
            #expect(empty.contains("frontend has sent no metrics yet"))
        }
    }

    @Test("the resource table links each resource to its structured logs, traces and metrics")
    func resourceLinks() async throws {
        try await withPages { client, cookie in
            let page = try await client.execute(uri: "/", method: .get, headers: cookie).text
            for target in ["/structuredlogs?resource=api", "/traces?resource=api", "/metrics?resource=api"] {
                #expect(page.contains("href=\"\(target)\""), "\(target)")
            }
            for tab in ["/structuredlogs", "/traces", "/metrics"] { #expect(page.contains("<a href=\"\(tab)\"")) }
            let script = try await client.execute(uri: "/assets/telemetry.js", method: .get).text
            #expect(script.contains("data-live-src") || script.contains("liveSrc"))
        }
    }

    @Test("without a store the pages are empty, not errors")
    func noStore() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 0)
        try await server.makeApplication().test(.router) { client in
            let cookie = try await login(client, server)
            for path in ["/structuredlogs", "/traces", "/metrics"] {
                let response = try await client.execute(uri: path, method: .get, headers: cookie)
                #expect(response.status == .ok, "\(path)")
            }
        }
    }

    /// The text between the first `from` and the next `to` after it (inclusive of `from`).
    static func section(_ text: String, from: String, to: String) -> String? {
        guard let start = text.range(of: from) else { return nil }
        let rest = text[start.lowerBound...]
        guard let end = rest.range(of: to, range: start.upperBound..<rest.endIndex) else { return String(rest) }
        return String(rest[..<end.lowerBound])
    }
}

/// The waterfall layout and the chart's arithmetic, without a server.
@Suite struct TelemetryLayoutTests {
    func span(_ id: UInt64, parent: UInt64, start: UInt64, end: UInt64) -> TelemetrySpan {
        TelemetrySpan(
            traceID: TraceID(high: 0, low: 1), spanID: SpanID(id), parentSpanID: SpanID(parent), name: "s\(id)", kind: .internal,
            startUnixNano: start, endUnixNano: end, status: .unset, statusMessage: "",
            resource: TelemetryResourceKey(serviceName: "a", instanceID: "a"), scope: "", attributes: [], events: [], links: [],
            droppedCount: 0)
    }

    @Test("spans come out in tree order whatever order they arrived in; orphans and cycles are roots")
    func treeOrder() {
        let spans = [
            span(4, parent: 2, start: 30, end: 40), span(3, parent: 1, start: 50, end: 60), span(2, parent: 1, start: 20, end: 45),
            span(1, parent: 0, start: 10, end: 100), span(5, parent: 99, start: 15, end: 16),
            span(6, parent: 7, start: 70, end: 71), span(7, parent: 6, start: 72, end: 73),
        ]
        let waterfall = TraceWaterfall(traceID: TraceID(high: 0, low: 1), spans: spans)
        #expect(waterfall.rows.map(\.span.spanID.value) == [1, 2, 4, 3, 5, 6, 7])
        #expect(waterfall.rows.map(\.depth) == [0, 1, 2, 1, 0, 0, 0])
        #expect(waterfall.rows.first?.offsetNano == 0)
        #expect(waterfall.durationNano == 90)
    }

    @Test("the dashboard's fast trace list answers exactly as the store's traces query")
    func traceListMatchesQuery() async throws {
        let store = try await Fixture.store()
        var generator = SystemRandomNumberGenerator()
        for batch in 0..<5 {
            let spans = (0..<40).map { n in
                let trace = 100 + batch * 40 + n
                let start = UInt64.random(in: 0...5_000, using: &generator)
                return Fixture.span(
                    trace: trace, id: trace * 4, name: "t\(trace)", start: start,
                    end: start + UInt64.random(in: 0...300, using: &generator))
            }
            try await Fixture.post(store, batch % 2 == 0 ? "api" : "worker", spans: spans)
        }
        for filter in [
            TraceFilter(), TraceFilter(limit: 7), TraceFilter(resources: ["worker"]), TraceFilter(resources: ["frontend", "worker"], limit: 30),
            TraceFilter(minDurationNano: 150_000_000), TraceFilter(resources: ["api"], minDurationNano: 50_000_000, limit: 0),
        ] {
            #expect(await store.traceList(filter) == store.traces(filter), "\(filter)")
        }
    }

    @Test("counter rates skip resets; histogram percentiles interpolate inside a bucket")
    func chartArithmetic() {
        func point(_ seconds: UInt64, _ value: Double, buckets: [UInt64] = []) -> TelemetryMetricPoint {
            TelemetryMetricPoint(
                startUnixNano: 0, timeUnixNano: seconds * 1_000_000_000, attributes: [], value: value, count: 0,
                bounds: buckets.isEmpty ? [] : [10, 20], bucketCounts: buckets, min: nil, max: nil, quantiles: [],
                exemplarCount: 0)
        }
        let rates = MetricSeries.rates([point(1, 0), point(3, 10), point(4, 2), point(5, 6)], cumulative: true)
        #expect(rates.map(\.value) == [5, 4])
        #expect(MetricSeries.quantileOf([0, 10, 0], bounds: [10, 20], quantile: 0.5, min: nil, max: nil) == 15)
        #expect(MetricSeries.quantileOf([0, 0, 0], bounds: [10, 20], quantile: 0.5, min: nil, max: nil) == nil)
        let lines = MetricSeries.percentiles([point(1, 0, buckets: [4, 0, 0]), point(2, 0, buckets: [4, 10, 0])], cumulative: true, label: "x")
        #expect(lines.map(\.label) == ["x p50", "x p90", "x p99"])
        #expect(lines[0].points.map(\.value) == [5, 15], "the second interval holds only the 10 new measurements")
    }
}
