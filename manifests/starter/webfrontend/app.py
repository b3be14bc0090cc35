"""webfrontend: the web frontend of Aspire's starter template, in plain Python 3.

Standard library only; with the OpenTelemetry SDK installed (`make deps`) it also exports traces
(its call to the API carries W3C `traceparent`, so both services' spans are one trace), logs and a
counter to `aspire up` (otel.py). Everything it needs comes from the environment `aspire up` injects:
    PORT                          the port to listen on
    HOST                          optional: the address to bind (default 127.0.0.1)
    services__apiservice__http__0 the API's base URL (service discovery, Aspire's name)
    ConnectionStrings__cache      the Redis connection string: "localhost:PORT,password=SECRET"
Routes: GET / (the forecast and a page-hit counter kept in Redis), GET /health ("Healthy").
"""

import html
import json
import os
import signal
import socket
import sys
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import otel

TELEMETRY = otel.Telemetry("webfrontend")
PAGE_VIEWS = TELEMETRY.counter("page.views", unit="{view}", description="Views of the weather page")


# MARK: - A minimal Redis client (RESP over a socket)

def parse_redis_connection_string(text):
    """Parses StackExchange.Redis's format: "host:port[,host2:port2][,password=...][,ssl=...]".

    Returns (host, port, password or None, ssl). Only the first endpoint is used.
    """
    host, port, password, ssl = "localhost", 6379, None, False
    endpoint_seen = False
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        key, eq, value = part.partition("=")
        if eq:
            key = key.strip().lower()
            if key == "password":
                password = value
            elif key == "ssl":
                ssl = value.strip().lower() == "true"
        elif not endpoint_seen:
            endpoint_seen = True
            name, _, port_text = part.rpartition(":")
            if name and port_text.isdigit():
                host, port = name.strip("[]"), int(port_text)
            else:
                host = part
    return host, port, password, ssl


def encode_command(*args):
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def read_reply(stream):
    line = stream.readline()
    if not line.endswith(b"\r\n"):
        raise ConnectionError("connection closed by Redis")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise RuntimeError(rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        length = int(rest)
        if length < 0:
            return None
        data = stream.read(length + 2)
        return data[:-2].decode()
    if kind == b"*":
        count = int(rest)
        return None if count < 0 else [read_reply(stream) for _ in range(count)]
    raise RuntimeError("unexpected reply from Redis: %r" % line)


def redis_call(connection_string, *command):
    """Opens a connection, authenticates if the string has a password, runs one command."""
    host, port, password, ssl = parse_redis_connection_string(connection_string)
    if ssl:
        raise RuntimeError("ssl=true is not supported by this tiny client")
    with socket.create_connection((host, port), timeout=3) as sock:
        stream = sock.makefile("rb")
        if password:
            sock.sendall(encode_command("AUTH", password))
            read_reply(stream)
        sock.sendall(encode_command(*command))
        return read_reply(stream)


# MARK: - The page

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Weather - aspire starter</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 44rem; color: #222; }}
  table {{ border-collapse: collapse; width: 100%; }}
  th, td {{ border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; }}
  .muted {{ color: #777; font-size: .9rem; }}
  .error {{ color: #b00020; }}
</style>
</head>
<body>
<h1>Weather</h1>
<p>This page has been viewed <strong>{hits}</strong> time(s) (counted in Redis).</p>
{forecast}
<p class="muted">Data from <code>{api}</code>, through <code>services__apiservice__http__0</code>.</p>
</body>
</html>
"""


def forecast_html(api_url):
    if not api_url:
        return '<p class="error">services__apiservice__http__0 is not set: reference apiservice in apphost.yaml.</p>'
    url = api_url.rstrip("/") + "/weatherforecast"
    try:
        with TELEMETRY.client_span("GET /weatherforecast", {"http.request.method": "GET", "url.full": url}) as headers:
            request = urllib.request.Request(url, headers=headers)  # headers: traceparent, when tracing
            with urllib.request.urlopen(request, timeout=5) as response:
                items = json.load(response)
    except Exception as error:  # show the failure on the page rather than a 500
        TELEMETRY.logger.error("could not reach the API at %s: %s", url, error)
        return '<p class="error">Could not reach the API: %s</p>' % html.escape(str(error))
    rows = "".join(
        "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>" % (
            html.escape(str(item.get("date"))), html.escape(str(item.get("temperatureC"))),
            html.escape(str(item.get("temperatureF"))), html.escape(str(item.get("summary"))))
        for item in items)
    return ("<table><thead><tr><th>Date</th><th>Temp. (C)</th><th>Temp. (F)</th><th>Summary</th></tr></thead>"
            "<tbody>%s</tbody></table>" % rows)


def count_hit():
    connection_string = os.environ.get("ConnectionStrings__cache")
    if not connection_string:
        return "? (ConnectionStrings__cache is not set: reference cache in apphost.yaml)"
    try:
        with TELEMETRY.client_span("redis INCR", {"db.system": "redis", "db.operation": "INCR"}):
            return str(redis_call(connection_string, "INCR", "webfrontend:hits"))
    except Exception as error:
        return "? (Redis: %s)" % error


class Handler(BaseHTTPRequestHandler):
    server_version = "webfrontend/1.0"

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/":
            api_url = os.environ.get("services__apiservice__http__0", "")
            with TELEMETRY.server_span("GET /", self.headers, {"http.request.method": "GET", "url.path": path}):
                hits = count_hit()
                body = PAGE.format(hits=html.escape(hits), forecast=forecast_html(api_url), api=html.escape(api_url))
                PAGE_VIEWS.add(1)
                TELEMETRY.logger.info("rendered the weather page", extra={"page.hits": hits})
            self.reply(200, "text/html; charset=utf-8", body.encode())
        elif path == "/health":
            self.reply(200, "text/plain; charset=utf-8", b"Healthy")
        else:
            self.reply(404, "text/plain; charset=utf-8", b"Not found\n")

    def reply(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        if self.path == "/health":  # probed every second by aspire; keep the log readable
            return
        sys.stderr.write("%s %s\n" % (self.address_string(), format % args))


def main():
    port = os.environ.get("PORT")
    if not port:
        sys.exit("webfrontend: PORT is not set; run me with `aspire up`")
    host = os.environ.get("HOST") or "127.0.0.1"
    server = ThreadingHTTPServer((host, int(port)), Handler)
    server.daemon_threads = True

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"webfrontend listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        TELEMETRY.shutdown()
        print("webfrontend stopped", flush=True)


if __name__ == "__main__":
    main()
