"""catalog: a tiny read-only API over PostgreSQL, standard library only.

Python's standard library has no PostgreSQL driver, so this asks `psql` (the client) for JSON.
Everything comes from the environment `aspire up` injects:
    PORT           the port to listen on
    CATALOGDB_URI  postgresql://postgres:PASSWORD@localhost:PORT/catalogdb (from `references: [catalogdb]`)
Routes: GET /items (JSON), GET /health.
"""

import json
import os
import signal
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

QUERY = "select coalesce(json_agg(i order by i.id), '[]'::json) from items i"


def query_items():
    result = subprocess.run(
        ["psql", os.environ["CATALOGDB_URI"], "-X", "-q", "-At", "-c", QUERY],
        capture_output=True, text=True, timeout=10)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip() or "psql failed")
    return json.loads(result.stdout)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/health":
            return self.reply(200, "text/plain", b"Healthy")
        if path in ("/", "/items"):
            try:
                body = json.dumps(query_items()).encode()
                return self.reply(200, "application/json", body)
            except Exception as error:
                return self.reply(503, "application/json", json.dumps({"error": str(error)}).encode())
        self.reply(404, "text/plain", b"Not found\n")

    def reply(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    for name in ("PORT", "CATALOGDB_URI"):
        if not os.environ.get(name):
            sys.exit(f"catalog: {name} is not set; run me with `aspire up`")
    port = int(os.environ["PORT"])
    host = os.environ.get("HOST") or "127.0.0.1"
    server = ThreadingHTTPServer((host, port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"catalog listening on http://{host}:{port}/items", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
