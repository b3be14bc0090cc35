"""A tiny status page for the queue: GET / (JSON counts), GET /health.

Listens on PORT (injected by aspire); reads the queue through ConnectionStrings__queue.
"""

import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from resp import Redis


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            return self.reply(200, "text/plain", b"Healthy")
        if self.path != "/":
            return self.reply(404, "text/plain", b"Not found\n")
        try:
            redis = Redis.from_connection_string(os.environ["ConnectionStrings__queue"], timeout=3)
            stats = {
                "pending": redis.call("LLEN", "jobs:pending"),
                "done": int(redis.call("GET", "jobs:done") or 0),
                "queued": int(redis.call("GET", "jobs:next-id") or 0),
            }
            redis.close()
            self.reply(200, "application/json", json.dumps(stats).encode())
        except Exception as error:
            self.reply(503, "application/json", json.dumps({"error": str(error)}).encode())

    def reply(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # quiet: the health check polls every 2s


port = os.environ.get("PORT")
if not port:
    sys.exit("stats: PORT is not set; run me with `aspire up`")
server = ThreadingHTTPServer((os.environ.get("HOST") or "127.0.0.1", int(port)), Handler)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print(f"stats: http://127.0.0.1:{port}/", flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
finally:
    server.server_close()
