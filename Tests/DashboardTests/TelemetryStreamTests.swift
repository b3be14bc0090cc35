import Dashboard
import Foundation
import Telemetry
import Testing

extension LiveTests {
    @Test("a span sent after a traces page's event stream opened is pushed to it; without the cookie 401; a stop ends the stream")
    func telemetryPushed() async throws {
        let store = TelemetryStore()
        let server = DashboardServer(backend: TestBackend(), port: 0, telemetry: store)
        let holder = ConnectionHolder()
        // A long grace: the stream must end by itself at the stop (its last chunk), not be cut
        // when the grace runs out (1 s in `up`, too short on a loaded machine to tell them apart).
        try await withLiveServer(server, shutdownGrace: .seconds(30)) { port in
            let refused = try RawConnection(port: port)
            refused.get("/traces?stream=1")
            #expect(try await refused.read(until: "\r\n\r\n").hasPrefix("HTTP/1.1 401"))

            // The page names its stream; the stream sends the live part first.
            let cookie = try await liveLogin(port: port, token: server.token)
            let page = try RawConnection(port: port)
            page.get("/traces", headers: [cookie, "Connection: close"])
            let html = try await page.read(until: "</html>")
            #expect(html.contains(#"data-live-stream="/traces?stream=1""#), "\(html.suffix(2000))")
            let stream = try RawConnection(port: port)
            stream.get("/traces?stream=1", headers: [cookie])
            try await stream.read(until: "event: fragment")
            #expect(stream.received.hasPrefix("HTTP/1.1 200 OK") && stream.received.contains("text/event-stream"))
            #expect(!stream.received.contains("span-pushed-live"))
            for _ in 0..<500 where store.changes.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(10)) }

            // Nothing polls: the export wakes the stream, which sends the new list.
            try await Fixture.post(store, "api", spans: [Fixture.span(trace: 77, id: 1, name: "span-pushed-live", start: 0, end: 5)])
            try await stream.read(until: "span-pushed-live")
            holder.connection = stream
        }
        let connection = try #require(holder.connection)
        // The dashboard's graceful stop ended the stream with its last chunk, not by cutting it.
        var closed = connection.isClosedByServer()
        for _ in 0..<500 where !closed {
            try await Task.sleep(for: .milliseconds(20))
            closed = connection.isClosedByServer()
        }
        #expect(closed)
        #expect(connection.received.hasSuffix("0\r\n\r\n"), "\(connection.received.suffix(200).debugDescription)")
        #expect(store.changes.subscriberCount == 0)
    }

    @Test("event streams are bounded: past the limit the answer is 503, and the page falls back to fetching")
    func streamsBounded() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 0, telemetry: TelemetryStore())
        try await withLiveServer(server) { port in
            let cookie = try await liveLogin(port: port, token: server.token)
            var open: [RawConnection] = []
            for _ in 0..<32 {
                let stream = try RawConnection(port: port)
                stream.get("/metrics?stream=1", headers: [cookie])
                try await stream.read(until: "event: fragment")
                open.append(stream)
            }
            let extra = try RawConnection(port: port)
            extra.get("/structuredlogs?stream=1", headers: [cookie])
            #expect(try await extra.read(until: "\r\n\r\n").hasPrefix("HTTP/1.1 503"))
            #expect(open.count == 32)
        }
    }
}

/// Carries a connection out of `withLiveServer`'s body, to look at it once the server stopped.
final class ConnectionHolder: @unchecked Sendable {
    var connection: RawConnection?
}

extension TelemetryBrowserTests {
    @Test("headless Chromium's traces page listens to its event stream and shows a span exported after it connected")
    func pushedToBrowser() async throws {
        let browser = try #require(
            Chromium.find(), "headless Chromium is needed: apt-get install chromium, or set CHROMIUM=/path/to/chrome")
        let store = TelemetryStore()
        let server = DashboardServer(backend: TestBackend(), port: 0, title: "shop", telemetry: store)
        let dom = try await withLiveServer(server) { port in
            try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    try await Chromium.watch(browser, url: server.loginURL(port: port) + "&next=/traces", until: "pushed-to-chromium").dom
                }
                group.addTask {
                    // Once the page's stream is open, export a span: only a push can bring it.
                    while store.changes.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(20)) }
                    try await Fixture.post(store, "api", spans: [Fixture.span(trace: 78, id: 1, name: "pushed-to-chromium", start: 0, end: 5)])
                    return nil
                }
                var dom = ""
                for try await value in group { if let value { dom = value } }
                return dom
            }
        }
        #expect(dom.contains("data-live=\"stream\""), "telemetry.js opened the event stream")
        #expect(dom.contains("pushed-to-chromium"), "the pushed list replaced the empty one: \(dom.suffix(1500))")
    }
}
