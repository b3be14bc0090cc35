#!/usr/bin/env python3
"""Dashboard render time of the telemetry pages over a full store (issue 17, performance).

    python3 bench/render.py --aspire PATH [--quick] [--runs N] [--traces 10000] [--logs 10000]
                            [--out bench/results/render.json]

Runs an app with `aspire up -d`, fills its OTLP receiver through OTLP/HTTP JSON with --traces
traces (5 spans each, across 3 services, every 10th failing) and --logs log records, logs in to the
dashboard and GETs each page N times. The server's render time comes from the page's
`Server-Timing: render;dur=MS` header (the time in the handler: querying the store and building
the HTML); the client's wall time per request (loopback, whole body read) is printed beside it.
Target: the traces page of a full store under 100 ms server time. Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
SERVICES = ["frontend", "api", "worker"]
BASE_NS = 1_796_630_400 * 1_000_000_000


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def start_app(binary: str, folder: Path) -> Path:
    manifest = folder / "apphost.yaml"
    manifest.write_text("name: renderbench\nresources:\n  svc:\n    type: executable\n    command: sleep\n"
                        '    args: ["600"]\n')
    proc = subprocess.run([binary, "up", "-d", "-f", str(manifest)], capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"bench: {binary} up -d exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return manifest


def wait_for(path: Path, key: str, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            data = json.loads(path.read_text())
            if data.get(key):
                return data
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    raise SystemExit(f"bench: no {key} in {path}")


def read_env(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        name, eq, value = line.partition("=")
        if eq and not name.startswith("#"):
            values[name.strip()] = value.strip().strip("'\"")
    return values


def attr(key: str, value: str) -> dict:
    return {"key": key, "value": {"stringValue": value}}


def resource(service: str) -> dict:
    return {"attributes": [attr("service.name", service), attr("service.instance.id", service + "-1")]}


def trace_batch(first: int, count: int) -> bytes:
    """`count` traces: frontend -> api -> (worker, api db call, api cache call)."""
    by_service: dict[str, list] = {name: [] for name in SERVICES}
    for n in range(first, first + count):
        trace = f"{n + 1:032x}"
        start = BASE_NS + n * 1_000_000
        length = random.randint(2, 400) * 1_000_000
        failed = n % 10 == 0

        def span(service, index, parent, name, begin, end, error=False):
            item = {"traceId": trace, "spanId": f"{(n + 1) * 8 + index:016x}", "name": name, "kind": 2 if index < 2 else 3,
                    "startTimeUnixNano": str(begin), "endTimeUnixNano": str(end),
                    "attributes": [attr("http.route", name), attr("bench.n", str(n))]}
            if parent is not None:
                item["parentSpanId"] = f"{(n + 1) * 8 + parent:016x}"
            if error:
                item["status"] = {"code": 2, "message": "boom"}
            by_service[service].append(item)

        span("frontend", 0, None, "GET /checkout", start, start + length)
        span("api", 1, 0, "GET /orders", start + length // 10, start + length * 8 // 10, failed)
        span("api", 2, 1, "SELECT orders", start + length // 5, start + length // 2)
        span("api", 3, 1, "redis GET", start + length // 2, start + length * 6 // 10)
        span("worker", 4, 1, "process order", start + length * 6 // 10, start + length * 7 // 10)
    body = {"resourceSpans": [
        {"resource": resource(name), "scopeSpans": [{"scope": {"name": "bench"}, "spans": spans}]}
        for name, spans in by_service.items()]}
    return json.dumps(body).encode()


def log_batch(first: int, count: int) -> bytes:
    records: dict[str, list] = {name: [] for name in SERVICES}
    for n in range(first, first + count):
        service = SERVICES[n % 3]
        records[service].append({
            "timeUnixNano": str(BASE_NS + n * 1_000_000), "severityNumber": [5, 9, 9, 13, 17][n % 5],
            "body": {"stringValue": f"handled order {n} for customer {n % 97} <ok>"},
            "traceId": f"{n + 1:032x}", "spanId": f"{(n + 1) * 8 + 1:016x}",
            "attributes": [attr("order.id", str(n)), attr("customer", str(n % 97))]})
    body = {"resourceLogs": [
        {"resource": resource(name), "scopeLogs": [{"scope": {"name": "bench"}, "logRecords": items}]}
        for name, items in records.items()]}
    return json.dumps(body).encode()


def post(port: int, key: str, path: str, body: bytes) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("POST", path, body, {"Content-Type": "application/json", "x-otlp-api-key": key})
    response = connection.getresponse()
    answer = response.read()
    connection.close()
    if response.status != 200 or b"rejected" in answer:
        raise SystemExit(f"bench: POST {path}: {response.status} {answer[:300]!r}")


def login(url: str) -> tuple[int, str]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", f"{parts.path}?{parts.query}")
    response = connection.getresponse()
    response.read()
    cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    if not cookie:
        raise SystemExit("bench: the dashboard login set no cookie")
    return parts.port, cookie


def time_page(port: int, cookie: str, path: str, runs: int) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    server: list[float] = []
    wall: list[float] = []
    size = 0
    for index in range(runs + 3):
        start = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            raise SystemExit(f"bench: GET {path}: {response.status}")
        timing = response.getheader("Server-Timing") or ""
        if index >= 3:  # warm-up
            server.append(float(timing.split("dur=")[1]) if "dur=" in timing else float("nan"))
            wall.append(elapsed)
        size = len(body)
    connection.close()
    return {"server_ms_median": round(statistics.median(server), 2), "server_ms_p90": round(sorted(server)[int(len(server) * 0.9) - 1], 2),
            "wall_ms_median": round(statistics.median(wall), 2), "bytes": size, "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aspire", required=True)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--traces", type=int, default=10_000)
    parser.add_argument("--logs", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="10 runs per page")
    parser.add_argument("--out", default=str(HERE / "results" / "render.json"))
    args = parser.parse_args()
    runs = 10 if args.quick else args.runs
    random.seed(17)
    binary = str(Path(args.aspire).resolve())
    with tempfile.TemporaryDirectory(prefix="aspire-render-") as tmp:
        folder = Path(tmp)
        manifest = start_app(binary, folder)
        try:
            state = folder / ".aspire"
            login_url = wait_for(state / "dashboard.json", "loginURL")["loginURL"]
            env = read_env(state / "env" / "svc.env")
            otlp = int(urlsplit(env["OTEL_EXPORTER_OTLP_ENDPOINT"]).port)
            key = env["OTEL_EXPORTER_OTLP_HEADERS"].split("=", 1)[1]
            started = time.perf_counter()
            for first in range(0, args.traces, 500):
                post(otlp, key, "/v1/traces", trace_batch(first, min(500, args.traces - first)))
            for first in range(0, args.logs, 1000):
                post(otlp, key, "/v1/logs", log_batch(first, min(1000, args.logs - first)))
            log(f"bench: stored {args.traces} traces and {args.logs} log records in {time.perf_counter() - started:.1f} s")
            port, cookie = login(login_url)
            pages = {
                "traces": "/traces",
                "traces_filtered": "/traces?resource=worker&min=100ms",
                "trace_waterfall": f"/traces/{args.traces // 2 + 1:032x}",
                "structuredlogs": "/structuredlogs",
                "structuredlogs_filtered": "/structuredlogs?severity=warn&q=customer%2042",
            }
            results = {name: time_page(port, cookie, path, runs) for name, path in pages.items()}
        finally:
            subprocess.run([binary, "down", "-f", str(manifest)], capture_output=True)
    result = {"traces": args.traces, "spans_per_trace": 5, "logs": args.logs, "target_traces_ms": 100, "pages": results}
    log(f"{'page':<26}{'server ms (median)':>20}{'p90':>10}{'wall ms':>10}{'KiB':>8}")
    for name, entry in results.items():
        log(f"{name:<26}{entry['server_ms_median']:>20}{entry['server_ms_p90']:>10}{entry['wall_ms_median']:>10}"
            f"{entry['bytes'] // 1024:>8}")
    verdict = "meets" if results["traces"]["server_ms_median"] < 100 else "MISSES"
    log(f"bench: the traces page over {args.traces} traces renders in {results['traces']['server_ms_median']} ms "
        f"server time ({verdict} the 100 ms target)")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
