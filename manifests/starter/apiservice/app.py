"""apiservice: the weather-forecast API of Aspire's starter template, in plain Python 3.

Standard library only; with the OpenTelemetry SDK installed (`make deps`) it also exports traces,
logs and a counter to `aspire up` (otel.py). Everything it needs comes from the environment
`aspire up` injects:
    PORT    the port to listen on (the endpoint's target port)
    HOST    optional: the address to bind (default 127.0.0.1)
    OTEL_*  optional: where and how to send telemetry
Routes: GET /weatherforecast (JSON), GET /health ("Healthy").
"""

import datetime
import json
import os
import random
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import otel

SUMMARIES = ["Freezing", "Bracing", "Chilly", "Cool", "Mild", "Warm", "Balmy", "Hot", "Sweltering", "Scorching"]


def forecast(days=5):
    """Five days of made-up weather, shaped like the template's WeatherForecast records."""
    today = datetime.date.today()
    result = []
    for offset in range(1, days + 1):
        celsius = random.randint(-20, 55)
        result.append({
            "date": (today + datetime.timedelta(days=offset)).isoformat(),
            "temperatureC": celsius,
            "temperatureF": 32 + int(celsius / 0.5556),
            "summary": random.choice(SUMMARIES),
        })
    return result


class Handler(BaseHTTPRequestHandler):
    server_version = "apiservice/1.0"
    telemetry = otel.Telemetry("apiservice")
    served = telemetry.counter("forecasts.served", unit="{forecast}", description="Forecasts returned by /weatherforecast")

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/weatherforecast":
            attributes = {"http.request.method": "GET", "url.path": path}
            with self.telemetry.server_span("GET /weatherforecast", self.headers, attributes) as span:
                items = forecast()
                hottest = max(item["temperatureC"] for item in items)
                self.served.add(1, {"days": len(items)})
                self.telemetry.logger.info("served a %d-day forecast, hottest %d C", len(items), hottest)
                if hottest >= 50:
                    self.telemetry.logger.warning("scorching day ahead: %d C", hottest)
                if span is not None:
                    span.set_attribute("http.response.status_code", 200)
                self.reply(200, "application/json", json.dumps(items).encode())
        elif path == "/health":
            self.reply(200, "text/plain; charset=utf-8", b"Healthy")
        elif path == "/":
            self.reply(200, "text/plain; charset=utf-8", b"API service is running. Try /weatherforecast\n")
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
        sys.exit("apiservice: PORT is not set; run me with `aspire up` (or PORT=8080 python3 app.py)")
    host = os.environ.get("HOST") or "127.0.0.1"
    server = ThreadingHTTPServer((host, int(port)), Handler)
    server.daemon_threads = True

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"apiservice listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        Handler.telemetry.shutdown()
        print("apiservice stopped", flush=True)


if __name__ == "__main__":
    main()
