"""The containerised API: GET / (JSON with a Redis hit counter and the seed's message), GET /health.

Standard library only. From the environment: PORT, HOST, ConnectionStrings__cache.
"""

import json
import os
import signal
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def redis_incr(connection_string, key):
    endpoint, *options = [part.strip() for part in connection_string.split(",")]
    host, _, port = endpoint.rpartition(":")
    password = next((o.split("=", 1)[1] for o in options if o.lower().startswith("password=")), None)
    commands = ([("AUTH", password)] if password else []) + [("INCR", key)]
    with socket.create_connection((host, int(port)), timeout=3) as sock:
        stream = sock.makefile("rb")
        reply = None
        for command in commands:
            payload = b"*%d\r\n" % len(command) + b"".join(
                b"$%d\r\n%s\r\n" % (len(part.encode()), part.encode()) for part in command)
            sock.sendall(payload)
            reply = stream.readline().decode().strip()
            if reply.startswith("-"):
                raise RuntimeError(reply[1:])
        return int(reply[1:])


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            return self.reply(200, b"Healthy", "text/plain")
        try:
            motd = open("/data/motd.txt").read().strip()
        except OSError:
            motd = None
        try:
            hits = redis_incr(os.environ["ConnectionStrings__cache"], "api:hits")
        except Exception as error:
            hits = "unavailable: %s" % error
        body = {"container": socket.gethostname(), "hits": hits, "motd": motd}
        self.reply(200, json.dumps(body).encode(), "application/json")

    def reply(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


port = int(os.environ.get("PORT") or 8000)
server = ThreadingHTTPServer((os.environ.get("HOST") or "127.0.0.1", port), Handler)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print("api listening on port %d" % port, flush=True)
try:
    server.serve_forever()
finally:
    server.server_close()
