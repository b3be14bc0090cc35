import AppStatus
import Dashboard
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@Suite struct LoginTests {
    @Test("every page and API answers 401 without the session cookie")
    func refusesWithoutCookie() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 0)
        try await server.makeApplication().test(.router) { client in
            for path in ["/", "/logs", "/graph", "/env/api", "/no/such/page"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .unauthorized, "\(path)")
                #expect(response.text.contains("aspire up"), "\(path) explains how to log in")
                #expect(!response.text.contains("cache"), "\(path) shows no resource")
            }
            for path in [
                "/api/resources", "/api/resources/api/env?reveal=ConnectionStrings__cache", "/api/logs", "/api/graph",
            ] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .unauthorized, "\(path)")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(!response.text.contains(TestBackend.secret))
            }
            let post = try await client.execute(
                uri: "/api/resources/api/restart", method: .post, headers: withCSRF([:]))
            #expect(post.status == .unauthorized)
        }
    }

    @Test("a wrong token or a forged cookie gets 401")
    func refusesWrongSecrets() async throws {
        let backend = TestBackend()
        let server = DashboardServer(backend: backend, port: 0)
        try await server.makeApplication().test(.router) { client in
            let wrong = try await client.execute(uri: "/login?t=not-the-token", method: .get)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.setCookie] == nil)
            let missing = try await client.execute(uri: "/login", method: .get)
            #expect(missing.status == .unauthorized)
            // The token itself is not a session cookie.
            let forged = try await client.execute(
                uri: "/api/resources", method: .get, headers: [.cookie: "\(server.cookieName)=\(server.token)"])
            #expect(forged.status == .unauthorized)
        }
        #expect(backend.actions.isEmpty)
    }

    @Test("login sets an HttpOnly, SameSite=Strict cookie and redirects to /")
    func loginSetsCookie() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 18_888)
        #expect(server.loginURL == "http://127.0.0.1:18888/login?t=\(server.token)")
        #expect(server.token.count == 32)
        try await server.makeApplication().test(.router) { client in
            let response = try await client.execute(uri: server.loginPath, method: .get)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.hasPrefix("aspire_dashboard_18888="))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains(server.token), "the cookie is not the URL's token")

            let headers = try await login(client, server)
            let page = try await client.execute(uri: "/", method: .get, headers: headers)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(page.headers[.cacheControl] == "no-store")
        }
    }

    @Test("login redirects to a local `next` path only")
    func loginNext() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 0)
        try await server.makeApplication().test(.router) { client in
            for (next, location) in [
                ("/graph", "/graph"), ("/logs?resource=api", "/logs?resource=api"), ("//evil.example/x", "/"),
                ("http://evil.example", "/"), ("/\\evil.example", "/"),
            ] {
                let query = next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let response = try await client.execute(uri: server.loginPath + "&next=" + query, method: .get)
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == location, "next=\(next)")
            }
        }
    }

    @Test("the API also takes Authorization: Bearer TOKEN")
    func bearerToken() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 0, token: "fixed-token")
        try await server.makeApplication().test(.router) { client in
            let ok = try await client.execute(
                uri: "/api/resources", method: .get, headers: [.authorization: "Bearer fixed-token"])
            #expect(ok.status == .ok)
            let bad = try await client.execute(
                uri: "/api/resources", method: .get, headers: [.authorization: "Bearer fixed-tokeN"])
            #expect(bad.status == .unauthorized)
        }
    }

    @Test("assets are served from the binary without a session")
    func assets() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 0)
        try await server.makeApplication().test(.router) { client in
            let css = try await client.execute(uri: "/assets/app.css", method: .get)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.text.contains(".a-f1"))
            let script = try await client.execute(uri: "/assets/app.js", method: .get)
            #expect(script.status == .ok)
            #expect(script.text.contains("EventSource"))
            #expect(!script.text.contains("http://") || !script.text.contains("cdn"))
        }
    }
}

@Suite struct ResourceTests {
    @Test("GET /api/resources returns the backend's resources with their state kinds")
    func resourceJSON() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 0)
        try await server.makeApplication().test(.router) { client in
            let headers = try await login(client, server)
            let response = try await client.execute(uri: "/api/resources", method: .get, headers: headers)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let resources = try JSONDecoder().decode([ResourceStatus].self, from: response.data)
            #expect(resources == TestBackend.sampleResources)
            let raw = try #require(try JSONSerialization.jsonObject(with: response.data) as? [[String: Any]])
            #expect(raw.map { $0["stateKind"] as? String } == ["healthy", "running", "failed", "pending"])
            #expect(raw.map { $0["health"] as? String } == ["healthy", nil, nil, nil])
            #expect(raw.map { ($0["replicas"] as? [Any])?.count } == [0, 0, 2, 0])

            let one = try await client.execute(uri: "/api/resources/api", method: .get, headers: headers)
            #expect(try JSONDecoder().decode(ResourceStatus.self, from: one.data).restarts == 2)
            let missing = try await client.execute(uri: "/api/resources/nope", method: .get, headers: headers)
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("no resource named 'nope'"))
        }
    }

    @Test("the resource page lists every resource, its state, links and buttons")
    func resourcePage() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 0, title: "shop")
        try await server.makeApplication().test(.router) { client in
            let headers = try await login(client, server)
            let page = try await client.execute(uri: "/", method: .get, headers: headers).text
            #expect(page.contains("<title>Resources · shop</title>"))
            #expect(page.contains("<tr data-name=\"api\" data-kind=\"running\">"))
            #expect(page.contains("<span class=\"badge k-failed\">exited with code 3</span>"))
            #expect(page.contains("<a href=\"http://localhost:5100\" target=\"_blank\" rel=\"noopener noreferrer\">"))
            #expect(page.contains("<span>tcp://localhost:6379</span>"), "a tcp URL is not a link")
            #expect(page.contains("<button type=\"button\" data-action=\"restart\" data-name=\"api\">Restart</button>"))
            #expect(page.contains("<button type=\"button\" data-action=\"start\" data-name=\"api\" disabled>"))
            #expect(page.contains("<a href=\"/env/api\">Env</a>"))
            #expect(page.contains("×2"))
        }
    }

    @Test("a resource's name or URL cannot inject markup")
    func escapesResources() async throws {
        let evil = ResourceStatus(
            name: "<img src=x onerror=alert(1)>", type: "\"><script>", state: .failed(reason: "<b>x</b>"),
            urls: ["javascript:alert(1)"])
        let server = DashboardServer(backend: TestBackend(resources: [evil]), port: 0)
        try await server.makeApplication().test(.router) { client in
            let headers = try await login(client, server)
            let page = try await client.execute(uri: "/", method: .get, headers: headers).text
            #expect(!page.contains("<img src=x"))
            #expect(!page.contains("<script>"))
            #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(page.contains("&lt;b&gt;x&lt;/b&gt;") && !page.contains("<b>x"), "a failure reason is escaped")
            #expect(!page.contains("href=\"javascript:"))
        }
    }
}

@Suite struct ActionTests {
    @Test("start, stop and restart reach the backend", arguments: DashboardAction.allCases)
    func actionsReachBackend(action: DashboardAction) async throws {
        let backend = TestBackend()
        let server = DashboardServer(backend: backend, port: 0)
        try await server.makeApplication().test(.router) { client in
            let headers = withCSRF(try await login(client, server))
            let response = try await client.execute(
                uri: "/api/resources/api/\(action.rawValue)", method: .post, headers: headers)
            #expect(response.status == .ok)
            #expect(response.text == "{\"action\":\"\(action.rawValue)\",\"ok\":true,\"resource\":\"api\"}")
        }
        #expect(backend.actions == ["\(action.rawValue) api"])
    }

    @Test("an action without the CSRF header, or from another origin, is refused")
    func csrf() async throws {
        let backend = TestBackend()
        let server = DashboardServer(backend: backend, port: 0)
        try await server.makeApplication().test(.router) { client in
            let cookie = try await login(client, server)
            let bare = try await client.execute(uri: "/api/resources/api/stop", method: .post, headers: cookie)
            #expect(bare.status == .forbidden)
            #expect(bare.text.contains("X-Aspire-Dashboard"))
            var crossSite = withCSRF(cookie)
            crossSite[.origin] = "http://evil.example"
            let other = try await client.execute(uri: "/api/resources/api/stop", method: .post, headers: crossSite)
            #expect(other.status == .forbidden)
            var sameSite = withCSRF(cookie)
            sameSite[.origin] = "http://localhost"
            let same = try await client.execute(uri: "/api/resources/api/stop", method: .post, headers: sameSite)
            #expect(same.status == .ok)
        }
        #expect(backend.actions == ["stop api"])
    }

    @Test("unknown actions and resources, and refusals, get clear answers")
    func badActions() async throws {
        let backend = TestBackend()
        let server = DashboardServer(backend: backend, port: 0)
        try await server.makeApplication().test(.router) { client in
            let headers = withCSRF(try await login(client, server))
            let unknownAction = try await client.execute(
                uri: "/api/resources/api/explode", method: .post, headers: headers)
            #expect(unknownAction.status == .badRequest)
            #expect(unknownAction.text.contains("unknown action 'explode'; use one of: start, stop, restart"))
            let unknownResource = try await client.execute(
                uri: "/api/resources/nope/restart", method: .post, headers: headers)
            #expect(unknownResource.status == .notFound)
            #expect(unknownResource.text.contains("no resource named 'nope'"))

            backend.state.withLock {
                $0.refusal = DashboardActionError(.conflict, "is waiting for its dependencies; nothing to restart")
            }
            let waiting = try await client.execute(
                uri: "/api/resources/migrate/restart", method: .post, headers: headers)
            #expect(waiting.status == .conflict)
            #expect(waiting.text.contains("migrate: is waiting for its dependencies"))
            backend.state.withLock { $0.refusal = DashboardActionError(.unsupported, "control is not available") }
            let unsupported = try await client.execute(uri: "/api/resources/api/stop", method: .post, headers: headers)
            #expect(unsupported.status == .notImplemented)
            let viaGet = try await client.execute(uri: "/api/resources/api/stop", method: .get, headers: headers)
            #expect(viaGet.status == .notFound)
            #expect(viaGet.headers[.contentSecurityPolicy] != nil, "a 404 carries the security headers too")
        }
        #expect(backend.actions.isEmpty)
    }
}

@Suite struct EnvironmentTests {
    @Test("secrets are masked in the API and the page")
    func masked() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 0)
        try await server.makeApplication().test(.router) { client in
            let headers = try await login(client, server)
            let api = try await client.execute(uri: "/api/resources/api/env", method: .get, headers: headers)
            #expect(api.status == .ok)
            #expect(!api.text.contains(TestBackend.secret))
            #expect(api.text.contains("{\"isSecret\":true,\"masked\":true,\"name\":\"ConnectionStrings__cache\"}"))
            #expect(api.text.contains("{\"isSecret\":false,\"masked\":false,\"name\":\"PORT\",\"value\":\"5100\"}"))

            let page = try await client.execute(uri: "/env/api", method: .get, headers: headers)
            #expect(page.status == .ok)
            #expect(!page.text.contains(TestBackend.secret))
            #expect(
                page.text.contains(
                    "<button type=\"button\" class=\"reveal\" data-var=\"ConnectionStrings__cache\">Reveal</button>"))
            #expect(page.text.contains("<code>&lt;b&gt;hi&lt;/b&gt; &amp; &quot;bye&quot;</code>"))
        }
    }

    @Test("?reveal=NAME returns that secret only")
    func reveal() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 0)
        try await server.makeApplication().test(.router) { client in
            let headers = try await login(client, server)
            let revealed = try await client.execute(
                uri: "/api/resources/api/env?reveal=ConnectionStrings__cache", method: .get, headers: headers)
            #expect(revealed.status == .ok)
            #expect(
                revealed.text.contains(
                    "\"masked\":false,\"name\":\"ConnectionStrings__cache\",\"value\":\"localhost:6379,password=\(TestBackend.secret)\""
                ))
            let unknown = try await client.execute(
                uri: "/api/resources/api/env?reveal=NOPE", method: .get, headers: headers)
            #expect(unknown.status == .notFound)
            let noResource = try await client.execute(uri: "/api/resources/nope/env", method: .get, headers: headers)
            #expect(noResource.status == .notFound)
            let noPage = try await client.execute(uri: "/env/nope", method: .get, headers: headers)
            #expect(noPage.status == .notFound)
        }
    }
}

@Suite struct GraphTests {
    @Test("the graph SVG holds every node and edge")
    func svg() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 0)
        try await server.makeApplication().test(.router) { client in
            let headers = try await login(client, server)
            let response = try await client.execute(uri: "/api/graph.svg", method: .get, headers: headers)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "image/svg+xml; charset=utf-8")
            let svg = response.text
            #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            for name in ["cache", "api", "worker", "migrate", "pgpassword"] {
                #expect(svg.contains("<g class=\"node\" data-name=\"\(name)\">"), "node \(name)")
            }
            #expect(svg.contains("<g class=\"edge edge-waitFor\" data-from=\"api\" data-to=\"cache\">"))
            #expect(svg.contains("(reference, waitFor)"), "both kinds of the pair are named")
            #expect(svg.contains("<g class=\"edge edge-waitForCompletion\" data-from=\"worker\" data-to=\"migrate\">"))
            #expect(svg.contains("<a href=\"/logs?resource=api\">"))
            #expect(!svg.contains("/logs?resource=pgpassword"), "a parameter has no console")

            let page = try await client.execute(uri: "/graph", method: .get, headers: headers)
            #expect(page.text.contains("<div id=\"graph\" class=\"graph-wrap\"><svg"))
            let json = try await client.execute(uri: "/api/graph", method: .get, headers: headers)
            let graph = try JSONDecoder().decode(DashboardGraph.self, from: json.data)
            #expect(graph.nodes.count == 5)
        }
    }
}
