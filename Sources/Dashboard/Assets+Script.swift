extension Assets {
    /// `/assets/app.js`: keeps the server-rendered pages live. No framework, no network but this
    /// server; log lines arrive as HTML the server escaped, everything else goes in as text.
    static let script = #"""
        'use strict';
        (() => {
          const HEADERS = { 'X-Aspire-Dashboard': '1' };
          const MASK = '\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022';
          const UP = ['running', 'healthy', 'unhealthy'];
          const $ = (selector, root = document) => root.querySelector(selector);

          function toast(text, isError) {
            const box = $('#toast');
            if (!box) return;
            box.textContent = text;
            box.className = isError ? 'show error' : 'show';
            clearTimeout(toast.timer);
            toast.timer = setTimeout(() => { box.className = ''; }, 5000);
          }

          function el(tag, attributes, children) {
            const node = document.createElement(tag);
            for (const [key, value] of Object.entries(attributes || {})) {
              if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? '' : value);
            }
            for (const child of children || []) node.append(child);
            return node;
          }

          function uptime(seconds) {
            const total = Math.max(0, Math.floor(seconds));
            if (total < 60) return total + 's';
            if (total < 3600) return Math.floor(total / 60) + 'm' + (total % 60) + 's';
            return Math.floor(total / 3600) + 'h' + (Math.floor(total / 60) % 60) + 'm';
          }

          function enabled(action, kind) {
            if (action === 'start') return !UP.includes(kind) && kind !== 'pending';
            if (action === 'stop') return UP.includes(kind) || kind === 'pending';
            return kind !== 'pending';
          }

          // MARK: - Resource table (same markup as Pages.row in Swift)

          function buildRow(resource) {
            const path = encodeURIComponent(resource.name);
            const name = el('td', { class: 'name' }, [el('a', { href: '/logs?resource=' + path }, [resource.name])]);
            if (resource.replicas.length > 1) name.append(' ', el('span', { class: 'replicas' }, ['\u00d7' + resource.replicas.length]));
            const endpoints = el('td', { class: 'endpoints' });
            resource.urls.forEach((url, index) => {
              if (index > 0) endpoints.append(' ');
              endpoints.append(/^https?:\/\//i.test(url)
                ? el('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, [url])
                : el('span', {}, [url]));
            });
            const since = resource.upSince === null || resource.upSince === undefined ? null : resource.upSince;
            const actions = el('td', { class: 'actions' });
            for (const action of ['start', 'stop', 'restart']) {
              actions.append(el('button', {
                type: 'button', 'data-action': action, 'data-name': resource.name,
                disabled: !enabled(action, resource.stateKind),
              }, [action[0].toUpperCase() + action.slice(1)]));
            }
            actions.append(el('a', { href: '/logs?resource=' + path }, ['Logs']), el('a', { href: '/env/' + path }, ['Env']),
              el('a', { href: '/structuredlogs?resource=' + path }, ['Structured']), el('a', { href: '/traces?resource=' + path }, ['Traces']),
              el('a', { href: '/metrics?resource=' + path }, ['Metrics']));
            const row = el('tr', { 'data-name': resource.name, 'data-kind': resource.stateKind }, [
              name,
              el('td', { class: 'type' }, [resource.type]),
              el('td', { class: 'state' }, [el('span', { class: 'badge k-' + resource.stateKind }, [resource.state])]),
              el('td', { class: 'health' }, [resource.health || '\u2013']),
              endpoints,
              el('td', { class: 'restarts' }, resource.lastRestartText
                ? [String(resource.restarts) + ' ', el('span', { class: 'why' }, [resource.lastRestartText])]
                : [String(resource.restarts)]),
              el('td', { class: 'uptime', 'data-since': since }, [since === null ? '\u2013' : uptime(Date.now() / 1000 - since)]),
              el('td', { class: 'pids' }, [resource.pids.length ? resource.pids.join(', ') : '\u2013']),
              actions,
            ]);
            row.dataset.signature = JSON.stringify(resource);
            return row;
          }

          function renderResources(table, resources) {
            const body = table.tBodies[0];
            const existing = new Map([...body.rows].map(row => [row.dataset.name, row]));
            let previous = null;
            for (const resource of resources) {
              let row = existing.get(resource.name);
              existing.delete(resource.name);
              if (!row || row.dataset.signature !== JSON.stringify(resource)) {
                const fresh = buildRow(resource);
                if (row) row.replaceWith(fresh);
                row = fresh;
              }
              const expected = previous ? previous.nextSibling : body.firstChild;
              if (row !== expected) body.insertBefore(row, expected);
              previous = row;
            }
            for (const row of existing.values()) row.remove();
            const empty = $('p.empty');
            if (empty) empty.hidden = resources.length > 0;
            table.dataset.live = '1';
            table.dataset.updated = String(Date.now());
          }

          function tickUptimes() {
            const now = Date.now() / 1000;
            for (const cell of document.querySelectorAll('td.uptime[data-since]')) {
              cell.textContent = uptime(now - Number(cell.dataset.since));
            }
          }

          async function pollResources(table) {
            if (document.visibilityState === 'hidden' && table.dataset.live === '1') return;
            try {
              const response = await fetch('/api/resources', { cache: 'no-store' });
              if (response.status === 401) {
                toast('Logged out: open the login URL printed by aspire up again.', true);
                return;
              }
              renderResources(table, await response.json());
              document.body.classList.remove('offline');
            } catch (error) {
              document.body.classList.add('offline');
            }
          }

          const resourcesTable = $('#resources');
          if (resourcesTable) {
            pollResources(resourcesTable);
            setInterval(() => { pollResources(resourcesTable); tickUptimes(); }, 1000);
          }

          document.addEventListener('click', async event => {
            const button = event.target.closest('button[data-action]');
            if (!button) return;
            const { action, name } = button.dataset;
            button.disabled = true;
            try {
              const response = await fetch('/api/resources/' + encodeURIComponent(name) + '/' + action, {
                method: 'POST', headers: HEADERS, cache: 'no-store',
              });
              const answer = await response.json().catch(() => ({}));
              if (response.ok) toast(name + ': ' + action + ' requested');
              else toast(answer.error || (name + ': ' + action + ' failed (' + response.status + ')'), true);
            } catch (error) {
              toast(name + ': ' + action + ' failed: ' + error, true);
            }
            if (resourcesTable) pollResources(resourcesTable);
          });

          // MARK: - Console logs

          const log = $('#log');
          if (log) {
            const MAX_LINES = 5000;
            const all = log.dataset.all === '1';
            const resource = log.dataset.resource;
            const follow = $('#follow');
            const status = $('#log-status');
            let queue = [];
            let scheduled = false;

            const flush = () => {
              scheduled = false;
              const batch = queue.splice(0, queue.length);
              const fragment = document.createDocumentFragment();
              for (let index = Math.max(0, batch.length - MAX_LINES); index < batch.length; index++) {
                const item = batch[index];
                const line = el('div', { class: item.skipped ? 'line skipped' : 'line' });
                if (item.skipped) {
                  line.textContent = '\u2026 ' + item.skipped + ' lines skipped (written faster than shown)';
                } else {
                  if (all) line.append(el('span', { class: 'src c' + item.c }, [item.r]));
                  line.insertAdjacentHTML('beforeend', item.h); // escaped by the server (ANSIRenderer)
                }
                fragment.append(line);
              }
              log.append(fragment);
              for (let extra = log.childElementCount - MAX_LINES; extra > 0; extra--) log.firstElementChild.remove();
              if (follow && follow.checked) log.scrollTop = log.scrollHeight;
            };
            const enqueue = item => {
              queue.push(item);
              if (queue.length > 2 * MAX_LINES) queue.splice(0, queue.length - MAX_LINES);
              if (!scheduled) {
                scheduled = true;
                if (document.visibilityState === 'hidden') setTimeout(flush, 250);
                else requestAnimationFrame(flush);
              }
            };

            const source = new EventSource('/api/logs/stream' + (resource ? '?resource=' + encodeURIComponent(resource) : ''));
            source.addEventListener('reset', () => { queue = []; log.textContent = ''; });
            source.addEventListener('log', event => enqueue(JSON.parse(event.data)));
            source.addEventListener('dropped', event => enqueue({ skipped: Number(event.data) }));
            source.addEventListener('open', () => { if (status) status.textContent = 'live'; log.dataset.live = '1'; });
            source.addEventListener('error', () => { if (status) status.textContent = 'reconnecting\u2026'; });
            if (follow) follow.addEventListener('change', () => { if (follow.checked) log.scrollTop = log.scrollHeight; });
            const clear = $('#clear');
            if (clear) clear.addEventListener('click', () => { log.textContent = ''; });
            log.scrollTop = log.scrollHeight;
          }

          // MARK: - Environment: reveal one secret at a time

          document.addEventListener('click', async event => {
            const button = event.target.closest('button.reveal');
            if (!button) return;
            const table = $('#environment');
            const code = button.closest('tr').querySelector('.value code');
            if (button.dataset.shown === '1') {
              code.textContent = MASK;
              code.classList.add('masked');
              button.textContent = 'Reveal';
              button.dataset.shown = '0';
              return;
            }
            const variable = button.dataset.var;
            const response = await fetch('/api/resources/' + encodeURIComponent(table.dataset.resource) +
              '/env?reveal=' + encodeURIComponent(variable), { cache: 'no-store' });
            const answer = await response.json().catch(() => ({}));
            const found = (answer.variables || []).find(item => item.name === variable);
            if (!response.ok || !found || typeof found.value !== 'string') {
              toast(answer.error || 'could not reveal ' + variable, true);
              return;
            }
            code.textContent = found.value;
            code.classList.remove('masked');
            button.textContent = 'Hide';
            button.dataset.shown = '1';
          });

          // MARK: - Graph: redraw when states change

          const graph = $('#graph');
          if (graph) {
            setInterval(async () => {
              if (document.visibilityState === 'hidden') return;
              try {
                const response = await fetch('/api/graph.svg', { cache: 'no-store' });
                if (!response.ok) return;
                const svg = await response.text();
                if (svg !== graph.dataset.last) {
                  graph.dataset.last = svg;
                  graph.innerHTML = svg; // rendered and escaped by the server (GraphSVG)
                }
              } catch (error) { /* the app stopped; keep the last picture */ }
            }, 2000);
          }
        })();

        """#
}
