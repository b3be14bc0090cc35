#!/usr/bin/env python3
"""Time to all-healthy (issue 15, item 10): `aspire up -d` of the starter against a floor.

    python3 bench/ready.py [--aspire PATH] [--quick] [--runs N] [--out bench/results/ready.json]

The app is manifests/starter (Redis, the Python API, the Python web frontend that waits for
both, each with its health check), copied to a temporary folder with `runtime: native` on the
cache, so no container engine is involved.

  aspire   `aspire up -d` launched until it returns; it returns once every resource is healthy
           (checked afterwards with `aspire ps --format json`), then `aspire down`.
  floor    the same three processes, started from this (already running) Python process with
           exactly the argv, environment and working directory aspire gave them (read from
           /proc during a warm-up `up -d`; `python3 app.py` is started as `python3`, looked up on
           the same PATH, as aspire does, so a pyenv shim costs both the same): redis-server and the API at once, each polled every
           10 ms on the same health check aspire uses (a TCP connect to redis, GET /health on
           the API); the frontend once both pass (it waits for them in the manifest too), then
           its GET /health every 10 ms. Timed from the first spawn to the frontend's first 200.

Both are timed the same number of times, alternating; the medians and their ratio are printed.
Target: aspire <= 1.2x the floor. Python 3 standard library only; needs redis-server on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET_RATIO = 1.2
POLL_S = 0.010


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare(tmp: Path, start_interval: str | None = None) -> Path:
    """The starter in `tmp/starter`, its cache run natively; with `start_interval`, every health
    check (the cache's built-in TCP check written out) probes at that cadence while starting."""
    app = tmp / "starter"
    shutil.copytree(ROOT / "manifests" / "starter", app, ignore=shutil.ignore_patterns(".aspire", "__pycache__"))
    manifest = app / "apphost.yaml"
    text = manifest.read_text()
    marker = "    type: redis"
    if marker not in text:
        raise SystemExit("bench: manifests/starter/apphost.yaml has no `type: redis` line to make native")
    text = text.replace(marker, marker + "\n    runtime: native", 1)
    if start_interval:
        text = text.replace(marker, marker + f"\n    healthCheck: {{ tcp: tcp, startInterval: {start_interval} }}", 1)
        text = text.replace("healthCheck: { http: /health }", f"healthCheck: {{ http: /health, startInterval: {start_interval} }}")
    manifest.write_text(text)
    return manifest


def aspire(binary: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and proc.returncode:
        raise SystemExit(f"bench: aspire {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return proc


def ps(binary: str, manifest: Path) -> dict[str, dict]:
    out = aspire(binary, "ps", "--format", "json", "-f", str(manifest)).stdout
    return {r["name"]: r for r in json.loads(out)["resources"]}


def time_aspire(binary: str, manifest: Path) -> float:
    start = time.perf_counter()
    proc = aspire(binary, "up", "-d", "-f", str(manifest), check=False)
    elapsed = time.perf_counter() - start
    try:
        if proc.returncode:
            raise SystemExit(f"bench: aspire up -d exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
        # `health` when ps has it (the table's HEALTH column), else the state says `healthy`.
        states = {name: r.get("health") or r["state"] for name, r in ps(binary, manifest).items()}
        if any(state != "healthy" for state in states.values()):
            raise SystemExit(f"bench: up -d returned before every resource was healthy: {states}")
    finally:
        aspire(binary, "down", "-f", str(manifest), check=False)
    return elapsed


def capture(binary: str, manifest: Path) -> dict[str, dict]:
    """argv, environment and working directory of each resource's process, from a warm-up run."""
    aspire(binary, "up", "-d", "-f", str(manifest))
    try:
        result = {}
        for name, resource in ps(binary, manifest).items():
            pid = resource["pids"][0]
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:-1]
            if os.path.basename(argv[0].decode()).startswith("python"):
                # The kernel shows the interpreter a launcher exec'd (pyenv's shim runs the real
                # python3); start it the way aspire did: `python3` looked up on the same PATH.
                argv = [b"python3", *argv[1:]]
            if name == "cache":
                # redis-server rewrites its process title; aspire runs it as `redis-server CONFIG`
                # in its data folder (LaunchPlanner+Redis).
                cwd = os.readlink(f"/proc/{pid}/cwd")
                argv = [(shutil.which("redis-server") or "redis-server").encode(), (cwd + "/redis.conf").encode()]
            env = dict(
                item.split(b"=", 1) for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") if b"=" in item)
            result[name] = {
                "argv": [a.decode() for a in argv],
                "env": {k.decode(): v.decode() for k, v in env.items()},
                "cwd": os.readlink(f"/proc/{pid}/cwd"),
                "urls": resource["urls"],
            }
        return result
    finally:
        aspire(binary, "down", "-f", str(manifest), check=False)


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/", 1)[0])


def tcp_ok(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        return True
    except OSError:
        return False


def http_ok(port: int, path: str = "/health") -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), 0.5) as s:
            s.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
            response = b""
            while chunk := s.recv(4096):  # read to the end: closing early resets the server's write
                response += chunk
            return response.split(b" ", 2)[1:2] == [b"200"]
    except (OSError, IndexError):
        return False


def wait_free(ports: list[int], seconds: float = 10, pause: float = 0.02) -> None:
    deadline = time.monotonic() + seconds
    while any(tcp_ok(p) for p in ports):
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: ports {ports} still accept connections")
        time.sleep(pause)


def time_floor(processes: dict[str, dict]) -> float:
    cache, api, web = processes["cache"], processes["apiservice"], processes["webfrontend"]
    cache_port = port_of(cache["urls"][0])
    api_port, web_port = int(api["env"]["PORT"]), int(web["env"]["PORT"])
    wait_free([cache_port, api_port, web_port])
    started: list[subprocess.Popen] = []

    def spawn(spec: dict) -> None:
        started.append(subprocess.Popen(
            spec["argv"], env=spec["env"], cwd=spec["cwd"], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL if not os.environ.get("READY_DEBUG") else None,
            start_new_session=True))

    try:
        start = time.perf_counter()
        spawn(cache)
        spawn(api)
        cache_up = api_up = False
        deadline = time.monotonic() + 30
        while not (cache_up and api_up):
            if time.monotonic() > deadline:
                raise SystemExit(f"bench: floor: cache up {cache_up}, api up {api_up} after 30 s")
            cache_up = cache_up or tcp_ok(cache_port)
            api_up = api_up or http_ok(api_port)
            if not (cache_up and api_up):
                time.sleep(POLL_S)
        spawn(web)
        while not http_ok(web_port):
            if time.monotonic() > deadline:
                raise SystemExit("bench: floor: webfrontend not healthy after 30 s")
            time.sleep(POLL_S)
        return time.perf_counter() - start
    finally:
        for proc in started:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in started:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aspire", default=str(ROOT / ".build" / "release" / "aspire"))
    parser.add_argument("--quick", action="store_true", help="3 runs each instead of 7")
    parser.add_argument("--runs", type=int)
    parser.add_argument("--out", help="write the figures as JSON here")
    parser.add_argument("--start-interval", help="e.g. 10ms: what the probe cadence costs (not the default run)")
    args, _ = parser.parse_known_args()  # BENCH_FLAGS is shared with the other bench scripts
    if not shutil.which("redis-server"):
        print("ready: skipped (no redis-server on PATH)")
        return 0
    runs = args.runs or (3 if args.quick else 7)
    with tempfile.TemporaryDirectory(prefix="aspire-ready-") as tmp:
        manifest = prepare(Path(tmp), args.start_interval)
        log("ready: warm-up run (captures each process's argv and environment for the floor)")
        processes = capture(args.aspire, manifest)
        aspire_times, floor_times = [], []
        for run in range(runs):
            aspire_times.append(time_aspire(args.aspire, manifest))
            floor_times.append(time_floor(processes))
            log(f"ready: run {run + 1}/{runs}: aspire {aspire_times[-1]:.3f} s, floor {floor_times[-1]:.3f} s")
    a, f = statistics.median(aspire_times), statistics.median(floor_times)
    ratio = a / f
    verdict = "ok" if ratio <= TARGET_RATIO else "ABOVE TARGET"
    cadence = f", startInterval {args.start_interval}" if args.start_interval else ""
    print(f"ready: starter (redis native, api, webfrontend{cadence}) to all-healthy, median of {runs}")
    print(f"  aspire up -d   {a:.3f} s   (min {min(aspire_times):.3f}, max {max(aspire_times):.3f})")
    print(f"  floor script   {f:.3f} s   (min {min(floor_times):.3f}, max {max(floor_times):.3f}; 10 ms polls)")
    print(f"  ratio          {ratio:.2f}x   (target <= {TARGET_RATIO}x: {verdict})")
    if args.out:
        Path(args.out).write_text(json.dumps({
            "what": "manifests/starter with runtime: native, `aspire up -d` to all-healthy vs a script starting the "
                    "same processes and polling the same health checks every 10 ms",
            "runs": runs, "aspire_s": aspire_times, "floor_s": floor_times,
            "aspire_median_s": a, "floor_median_s": f, "ratio": ratio, "target_ratio": TARGET_RATIO,
        }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
