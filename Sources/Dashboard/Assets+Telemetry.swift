extension Assets {
    /// `/assets/telemetry.css`: the structured logs, traces and metrics pages.
    static let telemetryCSS = """
        form.filters { display: flex; flex-wrap: wrap; align-items: center; gap: 12px; margin-bottom: 12px; }
        form.filters label { display: flex; align-items: center; gap: 6px; color: var(--muted); font-size: 13px; }
        form.filters select, form.filters input { font: inherit; font-size: 13px; padding: 3px 6px; border: 1px solid #cbd5e1; border-radius: 6px; background: #fff; color: var(--fg); }
        .live-note::before { content: "\\25CF "; color: #16a34a; }
        h2 { font-size: 16px; margin: 20px 0 8px; }
        .telemetry .src { font-weight: 600; }
        .src.c0 { color: #0891b2; } .src.c1 { color: #a16207; } .src.c2 { color: #15803d; } .src.c3 { color: #a21caf; } .src.c4 { color: #1d4ed8; }
        .src.c5 { color: #0e7490; } .src.c6 { color: #854d0e; } .src.c7 { color: #166534; } .src.c8 { color: #86198f; } .src.c9 { color: #1e40af; }
        .records { background: #fff; border: 1px solid var(--line); border-radius: 8px; font-size: 13px; }
        .rec-head, .rec > summary { display: grid; grid-template-columns: 105px 140px 80px minmax(0, 1fr) 80px; gap: 10px; padding: 5px 10px; align-items: baseline; }
        .rec-head { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); background: #f1f5f9; border-bottom: 1px solid var(--line); }
        .rec { border-bottom: 1px solid var(--line); }
        .rec > summary { cursor: pointer; list-style: none; }
        .rec > summary::-webkit-details-marker { display: none; }
        .rec > summary:hover, .span-row > summary:hover { background: #f8fafc; }
        .rec .t, td.t { font-family: ui-monospace, monospace; font-size: 12px; color: var(--muted); white-space: nowrap; }
        .rec .msg { white-space: pre-wrap; word-break: break-word; font-family: ui-monospace, monospace; font-size: 12.5px; }
        .rec .sev { font-size: 11px; font-weight: 700; }
        .sev-trace .sev, .sev-debug .sev { color: #64748b; } .sev-info .sev { color: #1d4ed8; }
        .sev-warn .sev { color: #b45309; } .sev-error .sev, .sev-fatal .sev { color: #b91c1c; }
        .sev-error, .sev-fatal { background: #fef2f2; }
        .detail { padding: 6px 12px 12px 24px; background: #f8fafc; }
        table.attrs { width: auto; min-width: 50%; margin: 6px 0; font-size: 12.5px; }
        table.attrs caption { text-align: left; font-size: 12px; color: var(--muted); padding: 2px 0; }
        table.attrs td { padding: 3px 8px; }
        table.attrs td.var { font-family: ui-monospace, monospace; color: #334155; white-space: nowrap; }
        table.traces td.name code { margin-left: 6px; font-size: 11px; }
        table.traces td.resources .src { margin-right: 6px; }
        table.traces tr.err td.name a { color: #b91c1c; }
        svg.dur-bar { width: 80px; height: 6px; margin-right: 8px; vertical-align: middle; background: #f1f5f9; border-radius: 3px; }
        svg.dur-bar rect { fill: #818cf8; }
        .trace-summary { color: var(--muted); }
        .waterfall { background: #fff; border: 1px solid var(--line); border-radius: 8px; font-size: 13px; }
        .wf-head, .span-row > summary { display: grid; grid-template-columns: 360px minmax(0, 1fr); gap: 10px; padding: 4px 10px; align-items: center; }
        .wf-head { font-size: 12px; color: var(--muted); background: #f1f5f9; border-bottom: 1px solid var(--line); }
        .wf-axis { display: flex; justify-content: space-between; padding-right: 72px; min-width: 0; }
        .span-row { border-bottom: 1px solid #f1f5f9; }
        .span-row > summary { cursor: pointer; list-style: none; }
        .span-row > summary::-webkit-details-marker { display: none; }
        .span-name { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .span-name .src { margin-right: 6px; font-size: 12px; }
        .span-track { display: grid; grid-template-columns: minmax(0, 1fr) 64px; align-items: center; gap: 8px; min-width: 0; }
        .span-track svg { display: block; width: 100%; height: 14px; }
        .span-track .dur { width: 64px; text-align: right; font-family: ui-monospace, monospace; font-size: 12px; color: var(--muted); }
        .err-mark { display: inline-block; width: 16px; height: 16px; margin-right: 4px; border-radius: 50%; background: #dc2626; color: #fff; text-align: center; font-size: 11px; font-weight: 700; line-height: 16px; }
        .d1 { padding-left: 16px; } .d2 { padding-left: 32px; } .d3 { padding-left: 48px; } .d4 { padding-left: 64px; } .d5 { padding-left: 80px; }
        .d6 { padding-left: 96px; } .d7 { padding-left: 112px; } .d8 { padding-left: 128px; } .d9 { padding-left: 144px; } .d10 { padding-left: 160px; }
        .d11 { padding-left: 176px; } .d12 { padding-left: 192px; } .d13 { padding-left: 208px; } .d14 { padding-left: 224px; } .d15 { padding-left: 240px; }
        .bar { rx: 2; } .bar-err { stroke: #b91c1c; stroke-width: 2; }
        .b0 { fill: #06b6d4; } .b1 { fill: #eab308; } .b2 { fill: #22c55e; } .b3 { fill: #d946ef; } .b4 { fill: #3b82f6; }
        .b5 { fill: #14b8a6; } .b6 { fill: #f59e0b; } .b7 { fill: #84cc16; } .b8 { fill: #ec4899; } .b9 { fill: #6366f1; }
        .events ul { margin: 4px 0; padding-left: 18px; }
        .events h3 { font-size: 12px; color: var(--muted); margin: 8px 0 2px; font-weight: 500; }
        table.instruments tr.selected { background: #eef2ff; }
        .chart { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
        svg.metric-chart { width: 100%; max-width: 1100px; height: auto; display: block; }
        svg.metric-chart .grid { stroke: #e2e8f0; stroke-width: 1; }
        svg.metric-chart .axis { fill: #64748b; font-size: 11px; font-family: system-ui, sans-serif; }
        svg.metric-chart .line { fill: none; stroke-width: 2; }
        .s0 { stroke: #4f46e5; fill: #4f46e5; } .s1 { stroke: #0891b2; fill: #0891b2; } .s2 { stroke: #16a34a; fill: #16a34a; } .s3 { stroke: #db2777; fill: #db2777; }
        .s4 { stroke: #ca8a04; fill: #ca8a04; } .s5 { stroke: #9333ea; fill: #9333ea; } .s6 { stroke: #ea580c; fill: #ea580c; } .s7 { stroke: #475569; fill: #475569; }
        svg.metric-chart polyline.line { fill: none; }
        ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 14px; font-size: 13px; }
        .swatch { display: inline-block; width: 12px; height: 3px; margin-right: 6px; vertical-align: middle; border: 2px solid; }

        """

    /// `/assets/telemetry.js`: keeps a telemetry page live. It listens to the page's event stream
    /// (`data-live-stream`, server-sent events pushed when telemetry arrives) and puts each pushed
    /// part in place; when the stream cannot be used (no EventSource, refused, closed) it falls
    /// back to fetching the live part (`data-live-src`) every two seconds. Both are rendered and
    /// escaped by the server. While a record or span is open, updates wait, so what the user is
    /// reading does not move; the latest is shown once it closes.
    static let telemetryScript = #"""
        'use strict';
        (() => {
          const live = document.querySelector('[data-live-src]');
          if (!live) return;
          live.dataset.live = '1';
          let pending = null;
          const reading = () => live.querySelector('details[open]') !== null;
          const show = (html) => {
            if (reading()) { pending = html; return; }
            pending = null;
            if (html !== live.dataset.last) {
              live.dataset.last = html;
              live.innerHTML = html; // rendered and escaped by the server (TelemetryPages)
            }
          };
          live.addEventListener('toggle', () => { if (pending !== null) show(pending); }, true);
          let timer = null;
          const poll = () => {
            if (timer !== null) return;
            live.dataset.live = 'poll';
            timer = setInterval(async () => {
              if (document.visibilityState === 'hidden' || reading()) return;
              try {
                const response = await fetch(live.dataset.liveSrc, { cache: 'no-store' });
                if (!response.ok) return;
                show(await response.text());
                document.body.classList.remove('offline');
              } catch (error) {
                document.body.classList.add('offline');
              }
            }, 2000);
          };
          if (!window.EventSource || !live.dataset.liveStream) { poll(); return; }
          const source = new EventSource(live.dataset.liveStream);
          source.addEventListener('open', () => {
            live.dataset.live = 'stream';
            document.body.classList.remove('offline');
          });
          source.addEventListener('fragment', (event) => show(JSON.parse(event.data)));
          source.addEventListener('error', () => {
            // Closed for good (refused: logged out, too many streams): fetch instead. Otherwise the
            // browser reconnects by itself (retry: 2000).
            if (source.readyState === EventSource.CLOSED) { poll(); } else { document.body.classList.add('offline'); }
          });
        })();

        """#
}
