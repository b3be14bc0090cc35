/// The dashboard's static files, compiled into the binary: no CDN, no network.
enum Assets {
    /// One static file and its content type.
    struct File: Sendable {
        let body: String
        let contentType: String
    }

    /// Everything under `/assets/`: exactly these paths are open without a session (they hold no
    /// data); any other `/assets/…` path is an unknown path like any other (401 without a session).
    static let byPath: [String: File] = [
        "/assets/app.css": File(body: css, contentType: "text/css; charset=utf-8"),
        "/assets/app.js": File(body: script, contentType: "text/javascript; charset=utf-8"),
        "/assets/icon.svg": File(body: icon, contentType: "image/svg+xml"),
        "/assets/telemetry.css": File(body: telemetryCSS, contentType: "text/css; charset=utf-8"),
        "/assets/telemetry.js": File(body: telemetryScript, contentType: "text/javascript; charset=utf-8"),
    ]

    /// `/assets/icon.svg`.
    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#4f46e5"/>\
        <path d="M9 23 L16 8 L23 23 M12 18 H20" stroke="#fff" stroke-width="3" fill="none" stroke-linecap="round" \
        stroke-linejoin="round"/></svg>

        """

    /// `/assets/app.css`: layout, state colours, and the ANSI classes `ANSIRenderer` emits.
    static let css = """
        :root { --fg: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f8fafc; --accent: #4f46e5; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
        header { display: flex; align-items: center; gap: 14px; padding: 10px 20px; background: #1e1b4b; color: #fff; }
        header .brand { color: #fff; font-weight: 700; text-decoration: none; letter-spacing: .02em; }
        header .app { color: #c7d2fe; }
        header nav { margin-left: auto; display: flex; gap: 4px; }
        header nav a { color: #e0e7ff; text-decoration: none; padding: 6px 12px; border-radius: 6px; }
        header nav a.active, header nav a:hover { background: #312e81; color: #fff; }
        main { padding: 18px 20px 40px; }
        h1 { font-size: 20px; margin: 0 0 14px; }
        a { color: var(--accent); }
        code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
        .muted, .empty { color: var(--muted); }
        table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
        th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: middle; }
        th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); background: #f1f5f9; }
        td.endpoints a, td.endpoints span { display: inline-block; margin-right: 8px; font-family: ui-monospace, monospace; font-size: 13px; }
        td.actions { white-space: nowrap; }
        td.actions a { margin-left: 8px; }
        td.value code { word-break: break-all; }
        .replicas { color: var(--muted); font-size: 12px; }
        .restarts .why { color: var(--muted); font-size: 12px; }
        button { font: inherit; font-size: 13px; padding: 3px 10px; margin-right: 4px; border: 1px solid #cbd5e1; border-radius: 6px; background: #fff; cursor: pointer; }
        button:hover:not([disabled]) { border-color: var(--accent); color: var(--accent); }
        button[disabled] { opacity: .45; cursor: default; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; border: 1px solid transparent; }
        .k-healthy { background: #dcfce7; color: #166534; border-color: #86efac; }
        .k-running { background: #dbeafe; color: #1e40af; border-color: #93c5fd; }
        .k-unhealthy { background: #ffedd5; color: #9a3412; border-color: #fdba74; }
        .k-pending { background: #f1f5f9; color: #334155; border-color: #cbd5e1; }
        .k-stopped { background: #f8fafc; color: #64748b; border-color: #e2e8f0; }
        .k-failed { background: #fee2e2; color: #991b1b; border-color: #fca5a5; }
        .k-secret { background: #fef9c3; color: #854d0e; border-color: #fde047; font-weight: 500; }
        code.masked { color: var(--muted); letter-spacing: .1em; }
        body.offline main::before { content: "The app is not answering (stopped?); retrying\\2026"; display: block; margin-bottom: 12px; padding: 8px 12px; border-radius: 6px; background: #fee2e2; color: #991b1b; }
        #toast { position: fixed; right: 20px; bottom: 20px; max-width: 480px; padding: 10px 14px; border-radius: 8px; background: #1e293b; color: #fff; opacity: 0; transition: opacity .2s; pointer-events: none; }
        #toast.show { opacity: .95; }
        #toast.error { background: #991b1b; }
        nav.tabs { display: flex; flex-wrap: wrap; gap: 4px; margin-bottom: 10px; }
        nav.tabs a { padding: 4px 10px; border-radius: 6px; text-decoration: none; border: 1px solid var(--line); background: #fff; }
        nav.tabs a.active { background: var(--accent); color: #fff; border-color: var(--accent); }
        .toolbar { display: flex; align-items: center; gap: 12px; margin-bottom: 8px; }
        .log { height: calc(100vh - 230px); min-height: 240px; overflow: auto; padding: 10px 12px; border-radius: 8px; background: #0b1020; color: #e2e8f0; font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-all; }
        .log .line { min-height: 1.45em; }
        .log .skipped { color: #fbbf24; font-style: italic; }
        .log .src { display: inline-block; min-width: 10ch; margin-right: 1ch; font-weight: 600; }
        .log .src::after { content: " |"; opacity: .6; }
        .c0 { color: #22d3ee; } .c1 { color: #facc15; } .c2 { color: #4ade80; } .c3 { color: #e879f9; } .c4 { color: #60a5fa; }
        .c5 { color: #67e8f9; } .c6 { color: #fde047; } .c7 { color: #86efac; } .c8 { color: #f0abfc; } .c9 { color: #93c5fd; }
        .a-b { font-weight: 700; } .a-d { opacity: .7; } .a-i { font-style: italic; } .a-u { text-decoration: underline; }
        .a-f0 { color: #4b5563; } .a-f1 { color: #f87171; } .a-f2 { color: #4ade80; } .a-f3 { color: #facc15; }
        .a-f4 { color: #60a5fa; } .a-f5 { color: #e879f9; } .a-f6 { color: #22d3ee; } .a-f7 { color: #e5e7eb; }
        .a-f8 { color: #9ca3af; } .a-f9 { color: #fca5a5; } .a-f10 { color: #86efac; } .a-f11 { color: #fde68a; }
        .a-f12 { color: #93c5fd; } .a-f13 { color: #f0abfc; } .a-f14 { color: #67e8f9; } .a-f15 { color: #ffffff; }
        .a-g0 { background: #000000; } .a-g1 { background: #991b1b; } .a-g2 { background: #166534; } .a-g3 { background: #854d0e; }
        .a-g4 { background: #1e40af; } .a-g5 { background: #86198f; } .a-g6 { background: #155e75; } .a-g7 { background: #d1d5db; }
        .a-g8 { background: #4b5563; } .a-g9 { background: #dc2626; } .a-g10 { background: #16a34a; } .a-g11 { background: #ca8a04; }
        .a-g12 { background: #2563eb; } .a-g13 { background: #c026d3; } .a-g14 { background: #0891b2; } .a-g15 { background: #f9fafb; }
        .graph-wrap { overflow: auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
        .graph-wrap svg { display: block; max-width: none; }
        .graph-wrap a:hover rect { stroke-width: 2.5; }

        """
}
