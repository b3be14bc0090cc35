import AppStatus

/// The dashboard's HTML pages, rendered on the server so they are complete before any script
/// runs; `app.js` then keeps them live. Everything from the app is escaped with ``HTML/escape(_:)``.
enum Pages {
    /// The navigation tabs.
    enum Tab: String, CaseIterable {
        case resources = "Resources"
        case logs = "Console"
        case structured = "Structured"
        case traces = "Traces"
        case metrics = "Metrics"
        case graph = "Graph"

        var path: String {
            switch self {
            case .resources: "/"
            case .logs: "/logs"
            case .structured: "/structuredlogs"
            case .traces: "/traces"
            case .metrics: "/metrics"
            case .graph: "/graph"
            }
        }
    }

    /// The frame around every page: head, header with navigation, main.
    static func layout(title: String, page: String, tab: Tab?, body: String) -> String {
        let nav = Tab.allCases.map { item in
            "<a href=\"\(item.path)\"\(item == tab ? " class=\"active\" aria-current=\"page\"" : "")>\(item.rawValue)</a>"
        }.joined()
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(page)) · \(HTML.escape(title))</title>
            <link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
            <link rel="stylesheet" href="/assets/app.css">
            <link rel="stylesheet" href="/assets/telemetry.css">
            <script src="/assets/app.js" defer></script>
            <script src="/assets/telemetry.js" defer></script>
            </head>
            <body>
            <header><a class="brand" href="/">aspire</a><span class="app">\(HTML.escape(title))</span><nav>\(nav)</nav></header>
            <main>
            \(body)
            </main>
            <div id="toast" role="status" aria-live="polite"></div>
            </body>
            </html>

            """
    }

    // MARK: - Resources

    /// `/`: the resource table.
    static func resources(title: String, resources: [ResourceStatus], now: Double) -> String {
        let rows = resources.map { row($0, now: now) }.joined(separator: "\n")
        let empty = resources.isEmpty ? "<p class=\"empty\">No resources are running.</p>" : ""
        let body = """
            <h1>Resources</h1>
            <table id="resources" class="resources" data-live="0">
            <thead><tr><th>Name</th><th>Type</th><th>State</th><th>Health</th><th>Endpoints</th><th>Restarts</th>\
            <th>Uptime</th><th>PID</th><th>Actions</th></tr></thead>
            <tbody>
            \(rows)
            </tbody>
            </table>
            \(empty)
            """
        return layout(title: title, page: "Resources", tab: .resources, body: body)
    }

    /// One row of the resource table; `app.js` builds the same markup from `/api/resources`.
    static func row(_ resource: ResourceStatus, now: Double) -> String {
        let name = HTML.escape(resource.name)
        let path = HTML.percentEncode(resource.name)
        let kind = StateKind(resource.state)
        let endpoints = resource.urls.map { url in
            if let href = HTML.safeHref(url) {
                return "<a href=\"\(href)\" target=\"_blank\" rel=\"noopener noreferrer\">\(HTML.escape(url))</a>"
            }
            return "<span>\(HTML.escape(url))</span>"
        }.joined(separator: " ")
        let since = resource.upSince.map { " data-since=\"\($0)\"" } ?? ""
        let uptime = resource.upSince.map { uptimeText(now - $0) } ?? "–"
        let pids = resource.pids.isEmpty ? "–" : resource.pids.map(String.init).joined(separator: ", ")
        // Why it last restarted (`changed: app.py`), under the count.
        let why = resource.lastRestart.map { " <span class=\"why\">\(HTML.escape($0.description))</span>" } ?? ""
        let replicas = resource.replicas.count > 1 ? " <span class=\"replicas\">×\(resource.replicas.count)</span>" : ""
        let buttons = DashboardAction.allCases.map { action in
            let enabled = isEnabled(action, kind)
            return
                "<button type=\"button\" data-action=\"\(action.rawValue)\" data-name=\"\(name)\"\(enabled ? "" : " disabled")>"
                + "\(action.rawValue.prefix(1).uppercased() + action.rawValue.dropFirst())</button>"
        }.joined()
        return """
            <tr data-name="\(name)" data-kind="\(kind.rawValue)">\
            <td class="name"><a href="/logs?resource=\(path)">\(name)</a>\(replicas)</td>\
            <td class="type">\(HTML.escape(resource.type))</td>\
            <td class="state"><span class="badge k-\(kind.rawValue)">\(HTML.escape(resource.state.description))</span></td>\
            <td class="health">\(HTML.escape(resource.health?.rawValue ?? "–"))</td>\
            <td class="endpoints">\(endpoints)</td>\
            <td class="restarts">\(resource.restarts)\(why)</td>\
            <td class="uptime"\(since)>\(uptime)</td>\
            <td class="pids">\(pids)</td>\
            <td class="actions">\(buttons)<a href="/logs?resource=\(path)">Logs</a><a href="/env/\(path)">Env</a>\
            <a href="/structuredlogs?resource=\(path)">Structured</a><a href="/traces?resource=\(path)">Traces</a>\
            <a href="/metrics?resource=\(path)">Metrics</a></td></tr>
            """
    }

    /// Which buttons make sense in a state (the backend still decides).
    static func isEnabled(_ action: DashboardAction, _ kind: StateKind) -> Bool {
        switch action {
        case .start: !kind.isUp && kind != .pending
        case .stop: kind.isUp || kind == .pending
        case .restart: kind != .pending
        }
    }

    /// Uptime as `aspire ps` prints it: `42s`, `3m5s`, `2h7m`.
    static func uptimeText(_ seconds: Double) -> String {
        let total = max(0, Int(seconds))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(total % 60)s" }
        return "\(total / 3600)h\(total / 60 % 60)m"
    }

    // MARK: - Console logs

    /// `/logs[?resource=NAME]`: the console of one resource or of all, live over server-sent events.
    static func logs(title: String, resources: [String], selected: String?, tail: [DashboardLogLine]) -> String {
        let colors = Palette.colors(of: resources)
        var tabs = "<a href=\"/logs\"\(selected == nil ? " class=\"active\"" : "")>All</a>"
        for name in resources {
            tabs +=
                "<a href=\"/logs?resource=\(HTML.percentEncode(name))\"\(selected == name ? " class=\"active\"" : "")>"
                + "\(HTML.escape(name))</a>"
        }
        let lines = tail.map {
            line(
                resource: $0.resource, html: ANSIRenderer.html($0.text), color: colors[$0.resource],
                all: selected == nil)
        }
        let heading = selected.map { "Console: \(HTML.escape($0))" } ?? "Console: all resources"
        let body = """
            <h1>\(heading)</h1>
            <nav class="tabs">\(tabs)</nav>
            <div class="toolbar"><label><input type="checkbox" id="follow" checked> Follow</label>\
            <button type="button" id="clear">Clear</button><span id="log-status" class="muted"></span></div>
            <div id="log" class="log" data-resource="\(HTML.escape(selected ?? ""))" data-all="\(selected == nil ? "1" : "0")">\
            \(lines.joined())</div>
            """
        return layout(title: title, page: selected ?? "Console", tab: .logs, body: body)
    }

    /// One console line; `app.js` builds the same markup from the stream's events.
    static func line(resource: String, html: String, color: Int?, all: Bool) -> String {
        let prefix =
            all ? "<span class=\"src c\(color ?? Palette.color(of: resource))\">\(HTML.escape(resource))</span>" : ""
        return "<div class=\"line\">\(prefix)\(html)</div>"
    }

    // MARK: - Environment

    /// `/env/NAME`: the environment, secrets masked, each with a Reveal button.
    static func environment(title: String, resource: String, variables: [DashboardVariable]) -> String {
        let name = HTML.escape(resource)
        let rows = variables.map { variable in
            let key = HTML.escape(variable.name)
            if variable.isSecret {
                return """
                    <tr data-var="\(key)"><td class="var">\(key) <span class="badge k-secret">secret</span></td>\
                    <td class="value"><code class="masked">\(mask)</code></td>\
                    <td><button type="button" class="reveal" data-var="\(key)">Reveal</button></td></tr>
                    """
            }
            return
                "<tr data-var=\"\(key)\"><td class=\"var\">\(key)</td><td class=\"value\"><code>\(HTML.escape(variable.value))</code></td><td></td></tr>"
        }.joined(separator: "\n")
        let body = """
            <h1>Environment: \(name)</h1>
            <p class="muted">What <code>\(name)</code> was started with. Secret values stay masked until you reveal one.</p>
            <table id="environment" class="environment" data-resource="\(name)">
            <thead><tr><th>Variable</th><th>Value</th><th></th></tr></thead>
            <tbody>
            \(rows)
            </tbody>
            </table>
            """
        return layout(title: title, page: "Environment: \(resource)", tab: nil, body: body)
    }

    /// What a secret shows until revealed.
    static let mask = "••••••••"

    // MARK: - Graph

    /// `/graph`: the resource graph as inline SVG, refreshed by `app.js`.
    static func graph(title: String, svg: String) -> String {
        let body = """
            <h1>Resource graph</h1>
            <p class="muted">An arrow points from a resource to what it depends on. Colours follow the resources' states.</p>
            <div id="graph" class="graph-wrap">\(svg)</div>
            """
        return layout(title: title, page: "Graph", tab: .graph, body: body)
    }

    // MARK: - Errors

    /// The 401 page: how to log in.
    static func unauthorized(title: String, badToken: Bool = false) -> String {
        let reason =
            badToken
            ? "That login link is not valid (a new <code>aspire up</code> makes a new one)."
            : "You are not logged in to this dashboard."
        let body = """
            <h1>Log in to the dashboard</h1>
            <p>\(reason)</p>
            <p>Open the login URL that <code>aspire up</code> printed (<code>Dashboard: http://127.0.0.1:PORT/login?t=…</code>), \
            or print it again with <code>aspire dashboard</code>.</p>
            """
        return layout(title: title, page: "Log in", tab: nil, body: body)
    }

    /// A 404 page.
    /// The 429 page of `/login` while this address has made too many wrong attempts.
    static func tooManyAttempts(title: String, seconds: Int) -> String {
        let body = """
            <h1>Too many login attempts</h1>
            <p>This address sent too many wrong login tokens. Open the login URL again in \(seconds) s.</p>
            """
        return layout(title: title, page: "Log in", tab: nil, body: body)
    }

    static func notFound(title: String, message: String) -> String {
        layout(title: title, page: "Not found", tab: nil, body: "<h1>Not found</h1>\n<p>\(HTML.escape(message))</p>")
    }
}
