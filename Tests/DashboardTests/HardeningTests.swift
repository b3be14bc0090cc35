@testable import Dashboard
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue 21 item 5 for the dashboard: half-sent requests time out, wrong login tokens are
/// limited per client address, and `/assets/` answers as docs/dashboard.md says.
@Suite struct LoginLimitTests {
    @Test("after 5 wrong tokens /login answers 429 with Retry-After, without looking at the token; a logged-in browser goes on")
    func loginLimited() async throws {
        var configured = DashboardServer(backend: TestBackend(), port: 0)
        // A slow refill, so that a loaded machine running the requests slowly does not refill it.
        configured.limiter = LoginLimiter(burst: 5, interval: .seconds(3_600))
        let server = configured
        try await server.makeApplication().test(.router) { client in
            let cookie = try await login(client, server)
            for attempt in 1...5 {
                let wrong = try await client.execute(uri: "/login?t=guess\(attempt)", method: .get)
                #expect(wrong.status == .unauthorized, "attempt \(attempt)")
            }
            let limited = try await client.execute(uri: "/login?t=guess6", method: .get)
            #expect(limited.status == .tooManyRequests)
            // Whole seconds until the next attempt: near the hour however slowly the requests ran.
            #expect((limited.headers[.retryAfter].flatMap { Int($0) }).map { (3_000...3_600).contains($0) } == true)
            #expect(limited.headers[.contentSecurityPolicy] != nil, "a 429 carries the security headers too")
            #expect(limited.text.contains("Too many login attempts"))
            // The right token is not even looked at while the bucket is empty.
            let right = try await client.execute(uri: server.loginPath, method: .get)
            #expect(right.status == .tooManyRequests)
            #expect(right.headers[.setCookie] == nil)
            // A browser that is logged in is not limited.
            let page = try await client.execute(uri: "/", method: .get, headers: cookie)
            #expect(page.status == .ok)
            // (The refill, one attempt per second by default, is the bucket test's.)
            #expect(server.limiter.retryAfter("local").map { (3_000...3_600).contains($0) } == true)
        }
    }

    @Test("wrong Bearer tokens count too; the limited answer is JSON with Retry-After")
    func bearerLimited() async throws {
        var configured = DashboardServer(backend: TestBackend(), port: 0, token: "fixed-token")
        configured.limiter = LoginLimiter(burst: 5, interval: .seconds(3_600))
        let server = configured
        try await server.makeApplication().test(.router) { client in
            for _ in 1...5 {
                let wrong = try await client.execute(
                    uri: "/api/resources", method: .get, headers: [.authorization: "Bearer wrong"])
                #expect(wrong.status == .unauthorized)
            }
            let limited = try await client.execute(
                uri: "/api/resources", method: .get, headers: [.authorization: "Bearer fixed-token"])
            #expect(limited.status == .tooManyRequests)
            // Whole seconds until the next attempt: near the hour however slowly the requests ran.
            #expect((limited.headers[.retryAfter].flatMap { Int($0) }).map { (3_000...3_600).contains($0) } == true)
            #expect(limited.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(limited.text.contains("too many wrong login tokens"), "\(limited.text)")
            #expect(!limited.text.contains(TestBackend.secret))
        }
    }

    @Test("the bucket refills one attempt per interval up to the burst; new addresses beyond the table share one bucket")
    func bucket() {
        let limiter = LoginLimiter(burst: 3, interval: .seconds(2), maxClients: 2)
        let start = ContinuousClock.now
        #expect(limiter.retryAfter("a", now: start) == nil)
        for _ in 0..<3 { limiter.charge("a", now: start) }
        #expect(limiter.retryAfter("a", now: start) == 2)
        #expect(limiter.retryAfter("a", now: start + .seconds(1)) == 1)
        #expect(limiter.retryAfter("a", now: start + .seconds(2)) == nil)
        #expect(limiter.retryAfter("b", now: start) == nil, "another address has its own bucket")
        // Long after, "a" is full again: charging 3 more empties it, not 3 + the refill.
        for _ in 0..<3 { limiter.charge("a", now: start + .seconds(60)) }
        #expect(limiter.retryAfter("a", now: start + .seconds(60)) != nil)
        limiter.charge("b", now: start + .seconds(60))
        // The table is full (a, b): c and d share the overflow bucket.
        for _ in 0..<3 { limiter.charge("c", now: start + .seconds(60)) }
        #expect(limiter.retryAfter("d", now: start + .seconds(60)) != nil)
        #expect(limiter.retryAfter("a", now: start + .seconds(60)) != nil, "a keeps its own bucket")
        // However many addresses guess, the table stays bounded.
        for index in 0..<1_000 { limiter.charge("10.0.\(index / 256).\(index % 256)", now: start + .seconds(200)) }
        #expect(limiter.trackedClients <= 3)
    }
}

@Suite struct AssetTests {
    @Test("the three asset files are open to GET and HEAD with no-cache; any other /assets/ path is an unknown path")
    func assetsAsDocumented() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 0)
        try await server.makeApplication().test(.router) { client in
            for (path, type) in [
                ("/assets/app.css", "text/css; charset=utf-8"), ("/assets/app.js", "text/javascript; charset=utf-8"),
                ("/assets/icon.svg", "image/svg+xml"),
            ] {
                for method in [HTTPRequest.Method.get, .head] {
                    let response = try await client.execute(uri: path, method: method)
                    #expect(response.status == .ok, "\(method) \(path)")
                    #expect(response.headers[.contentType] == type, "\(path)")
                    #expect(response.headers[.cacheControl] == "no-cache", "\(path)")
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                }
            }
            // Without a session: 401 like every unknown path, whatever the method.
            for (path, method) in [
                ("/assets/nope.js", HTTPRequest.Method.get), ("/assets/", .get), ("/assets/../api/resources", .get),
                ("/assets/app.css", .post), ("/assets/app.js", .delete),
            ] {
                let response = try await client.execute(uri: path, method: method)
                #expect(response.status == .unauthorized, "\(method) \(path)")
                #expect(response.headers[.cacheControl] == "no-store", "\(method) \(path)")
            }
            // With one: an unknown asset is a 404.
            let cookie = try await login(client, server)
            let missing = try await client.execute(uri: "/assets/nope.js", method: .get, headers: cookie)
            #expect(missing.status == .notFound)
            #expect(missing.headers[.cacheControl] == "no-store")
        }
    }
}

@Suite(.serialized, .timeLimit(.minutes(1))) struct SlowClientTests {
    @Test("a client that sends half a head or half a body and stalls is cut off; others are served meanwhile")
    func halfSentRequests() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 0, requestTimeout: .seconds(1))
        try await withLiveServer(server) { port in
            var stalled: [RawConnection] = []
            for index in 0..<20 {
                let connection = try RawConnection(port: port)
                connection.write(
                    partial: index.isMultiple(of: 2)
                        ? "GET /api/resources HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                        : "POST /api/resources/api/restart HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nab")
                stalled.append(connection)
            }
            // Another client is answered while they stall.
            let other = try RawConnection(port: port)
            other.get("/api/resources")
            #expect(try await other.read(until: "\r\n\r\n").hasPrefix("HTTP/1.1 401"))
            // Each stalled connection is closed without an answer.
            let deadline = ContinuousClock.now + .seconds(20)
            while stalled.contains(where: { !$0.isClosedByServer() }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            for connection in stalled {
                #expect(connection.isClosedByServer(), "a stalled connection is still open")
                #expect(!connection.received.contains("HTTP/1.1 200"))
            }
        }
    }

    @Test("the request timeout is a few seconds by default")
    func defaultTimeout() {
        #expect(DashboardServer<TestBackend>.defaultRequestTimeout >= .seconds(2))
        #expect(DashboardServer<TestBackend>.defaultRequestTimeout <= .seconds(10))
        let server = DashboardServer(backend: TestBackend(), port: 0)
        #expect(server.requestTimeout == .seconds(5))
        #expect(server.limiter.burst == 5 && server.limiter.interval == .seconds(1))
    }

    @Test("the login limit is per client address: one address's wrong tokens do not lock out another", .enabled(if: loopbackHasSecondAddress))
    func perAddress() async throws {
        var configured = DashboardServer(backend: TestBackend(), port: 0)
        configured.limiter = LoginLimiter(burst: 5, interval: .seconds(3_600))
        let server = configured
        try await withLiveServer(server) { port in
            for attempt in 1...6 {
                let guesser = try RawConnection(port: port, from: "127.0.0.2")
                guesser.get("/login?t=guess\(attempt)")
                let head = try await guesser.read(until: "\r\n\r\n")
                #expect(head.hasPrefix(attempt <= 5 ? "HTTP/1.1 401" : "HTTP/1.1 429"), "attempt \(attempt): \(head)")
            }
            let user = try RawConnection(port: port, from: "127.0.0.1")
            user.get("/login?t=\(server.token)")
            #expect(try await user.read(until: "\r\n\r\n").hasPrefix("HTTP/1.1 303"))
        }
    }
}

/// Linux routes all of 127.0.0.0/8 to the loopback, so a socket can bind 127.0.0.2.
let loopbackHasSecondAddress: Bool = {
    #if os(Linux)
        return true
    #else
        return false
    #endif
}()
