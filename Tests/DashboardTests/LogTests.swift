import Dashboard
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@Suite struct LogStreamTests {
    @Test("the SSE stream sends a reset, the tail, then a line the backend emits")
    func streamDeliversLine() async throws {
        let backend = TestBackend()
        backend.state.withLock { state in
            state.tail = [DashboardLogLine(resource: "api", text: "listening on 5100")]
            state.streamLines = [
                DashboardLogLine(resource: "api", text: "GET /health 200"),
                DashboardLogLine(resource: "cache", text: "not for api"),
            ]
        }
        let server = DashboardServer(backend: backend, port: 0)
        try await server.makeApplication().test(.router) { client in
            let headers = try await login(client, server)
            let response = try await client.execute(
                uri: "/api/logs/stream?resource=api", method: .get, headers: headers)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream; charset=utf-8")
            let events = response.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(
                events == [
                    "retry: 2000",
                    "event: reset\ndata: {}",
                    "event: log\ndata: {\"r\":\"api\",\"c\":1,\"h\":\"listening on 5100\"}",
                    "event: log\ndata: {\"r\":\"api\",\"c\":1,\"h\":\"GET /health 200\"}",
                ])
        }
        #expect(backend.state.withLock { $0.streamsEnded } == 1)
    }

    @Test("log lines are HTML-escaped, with ANSI colours as spans")
    func escapesLogLines() async throws {
        let backend = TestBackend()
        let evil = "\u{1B}[31m<script>alert('x')</script>\u{1B}[0m & done"
        backend.state.withLock { state in
            state.tail = [DashboardLogLine(resource: "api", text: evil)]
            state.streamLines = [DashboardLogLine(resource: "api", text: evil)]
        }
        let server = DashboardServer(backend: backend, port: 0)
        let expected = "<span class=\"a-f1\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</span> &amp; done"
        try await server.makeApplication().test(.router) { client in
            let headers = try await login(client, server)
            let stream = try await client.execute(uri: "/api/logs/stream", method: .get, headers: headers).text
            #expect(!stream.contains("<script>"))
            #expect(
                stream.contains(
                    #""h":"<span class=\"a-f1\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</span> &amp; done""#))

            let page = try await client.execute(uri: "/logs", method: .get, headers: headers).text
            #expect(!page.contains("<script>alert"))
            #expect(page.contains("<div class=\"line\"><span class=\"src c1\">api</span>\(expected)</div>"))

            let api = try await client.execute(uri: "/api/logs?resource=api&tail=5", method: .get, headers: headers)
            let lines = try JSONDecoder().decode([[String: String]].self, from: api.data)
            #expect(lines == [["resource": "api", "text": evil, "html": expected]])
        }
    }

    @Test("logs of an unknown resource are a 404")
    func unknownResource() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 0)
        try await server.makeApplication().test(.router) { client in
            let headers = try await login(client, server)
            for path in ["/api/logs?resource=nope", "/api/logs/stream?resource=nope", "/logs?resource=nope"] {
                let response = try await client.execute(uri: path, method: .get, headers: headers)
                #expect(response.status == .notFound, "\(path)")
                #expect(
                    response.text.contains("no resource named &#39;nope&#39;")
                        || response.text.contains("no resource named 'nope'"))
            }
        }
    }

    @Test("a flood of lines is cut to a bounded batch with a dropped count")
    func floodIsBounded() async throws {
        let backend = TestBackend()
        let count = 12_000
        backend.state.withLock { state in
            state.streamLines = (0..<count).map { DashboardLogLine(resource: "api", text: "line \($0)") }
        }
        let server = DashboardServer(backend: backend, port: 0)
        try await server.makeApplication().test(.router) { client in
            let headers = try await login(client, server)
            let text = try await client.execute(uri: "/api/logs/stream?resource=api", method: .get, headers: headers)
                .text
            let logs = text.components(separatedBy: "event: log\n").count - 1
            let dropped = text.components(separatedBy: "\n\n").compactMap { event -> Int? in
                guard event.hasPrefix("event: dropped\ndata: ") else { return nil }
                return Int(event.dropFirst("event: dropped\ndata: ".count))
            }.reduce(0, +)
            #expect(logs + dropped == count)
            #expect(logs <= count)
            #expect(text.contains("line \(count - 1)"), "the newest line always arrives")
        }
    }
}

@Suite struct ANSIRendererTests {
    @Test(
        "SGR codes become classes; other sequences and control characters vanish",
        arguments: [
            ("plain", "plain"),
            ("\u{1B}[1;32mok\u{1B}[0m", "<span class=\"a-b a-f2\">ok</span>"),
            ("\u{1B}[91mred\u{1B}[39m back", "<span class=\"a-f9\">red</span> back"),
            ("\u{1B}[38;5;196mx\u{1B}[m", "<span class=\"a-f9\">x</span>"),
            ("\u{1B}[38;2;0;0;238;48;5;2mx", "<span class=\"a-f4 a-g2\">x</span>"),
            ("\u{1B}[2K\u{1B}[1Aprogress\r", "progress"),
            ("\u{1B}]8;;http://x\u{07}link\u{1B}]8;;\u{1B}\\", "link"),
            ("a\tb\u{0}c", "a\tbc"),
            ("<&>\"'", "&lt;&amp;&gt;&quot;&#39;"),
            ("\u{1B}[4m<u>\u{1B}[24m", "<span class=\"a-u\">&lt;u&gt;</span>"),
            ("trailing \u{1B}[", "trailing "),
        ])
    func renders(input: String, html: String) {
        #expect(ANSIRenderer.html(input) == html)
    }
}

@Suite struct GraphLayoutTests {
    @Test("a cycle or a self-edge does not hang the layout")
    func cycles() {
        let graph = DashboardGraph(
            nodes: [.init(name: "a", type: "x"), .init(name: "b", type: "x"), .init(name: "c", type: "x")],
            edges: [
                .init(from: "a", to: "b", kind: .waitFor), .init(from: "b", to: "a", kind: .waitFor),
                .init(from: "c", to: "c", kind: .reference),
            ])
        let svg = GraphSVG.render(graph)
        #expect(svg.contains("data-name=\"a\""))
        #expect(svg.contains("data-name=\"c\""))
    }

    @Test("an empty graph is a valid SVG")
    func empty() {
        let svg = GraphSVG.render(DashboardGraph(nodes: [], edges: []))
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.hasSuffix("</svg>\n"))
    }
}
