#!/usr/bin/env python3
"""Publish that runs (issue 20): time from `aspire publish --target compose --build` to the
starter's frontend answering under `podman-compose up -d`, against the local `aspire up -d` of
the same app. No target yet: this is the baseline.

    python3 bench/publishrun.py [--aspire PATH] [--quick] [--runs N] [--out bench/results/publishrun.json]

The app is manifests/starter copied to a temporary folder, its frontend published on a free port.
  compose  `aspire publish --target compose --build` (base images from bench/make-base-images.sh,
           made once per machine and not timed), then `podman-compose -p P up -d`, then GET / on
           the published port every 50 ms until the page shows a forecast row and a hit count;
           afterwards `down -v` (not timed). The engine's layer cache is warm after the first run.
  up       `aspire up -d`, then the same GET loop; afterwards `aspire down` (not timed).
Runs alternate; medians are printed. Skips (exit 0, with the reason) when podman or
podman-compose is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answered(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
            page = response.read().decode()
    except Exception:
        return False
    return "<td>" in page and re.search(r"viewed <strong>\d+</strong>", page) is not None


def wait(port: int, start: float, limit: float = 120) -> float:
    while time.monotonic() - start < limit:
        if answered(port):
            return time.monotonic() - start
        time.sleep(0.05)
    raise SystemExit(f"the frontend did not answer on port {port} within {limit} s")


def run(argv: list[str], **kwargs) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--aspire", default=os.path.join(ROOT, ".build/release/aspire"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=0)
    parser.add_argument("--out", default=os.path.join(ROOT, "bench/results/publishrun.json"))
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    for tool in ("podman", "podman-compose"):
        if shutil.which(tool) is None:
            print(f"publishrun: skipped: {tool} is not installed")
            return
    images = subprocess.run([os.path.join(ROOT, "bench/make-base-images.sh"), "podman"], capture_output=True, text=True)
    if "podman: ready" not in images.stdout:
        print(f"publishrun: skipped: no base images: {images.stdout}{images.stderr}")
        return

    work = tempfile.mkdtemp(prefix="aspire-publishrun-")
    app = os.path.join(work, "app")
    shutil.copytree(os.path.join(ROOT, "manifests/starter"), app, ignore=shutil.ignore_patterns(".aspire"))
    port = free_port()
    manifest = os.path.join(app, "apphost.yaml")
    with open(manifest) as f:
        text = f.read()
    with open(manifest, "w") as f:
        f.write(text.replace("    external: true ", f"    endpoints: {{ http: {{ port: {port} }} }}\n    external: true ", 1))
    out = os.path.join(work, "out")
    env = dict(os.environ, ASPIRE_CONTAINER_RUNTIME="podman")
    compose, up = [], []
    try:
        for index in range(runs):
            project = f"aspire-bench-{os.getpid()}-{index}"
            start = time.monotonic()
            run([args.aspire, "publish", "--target", "compose", "-o", out, "-f", manifest, "--build",
                 "--base-image", "python=localhost/aspire-base-python:test",
                 "--base-image", "redis=localhost/aspire-base-redis:test"], env=env)
            run(["podman-compose", "-p", project, "up", "-d"], cwd=out)
            compose.append(wait(port, start))
            subprocess.run(["podman-compose", "-p", project, "down", "-v"], cwd=out, capture_output=True)
            subprocess.run(["podman", "network", "rm", "-f", f"{project}_default"], capture_output=True)

            start = time.monotonic()
            run([args.aspire, "up", "-d", "-f", manifest], env=env)
            up.append(wait(port, start))
            subprocess.run([args.aspire, "down", "-f", manifest], capture_output=True, env=env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "runs": runs,
        "compose_seconds": sorted(compose), "compose_median": statistics.median(compose),
        "up_seconds": sorted(up), "up_median": statistics.median(up),
    }
    print(f"publish --build + podman-compose up -d -> frontend answers: median {result['compose_median']:.2f} s ({runs} runs)")
    print(f"aspire up -d                        -> frontend answers: median {result['up_median']:.2f} s ({runs} runs)")
    print(f"ratio compose/up: {result['compose_median'] / result['up_median']:.2f} (baseline, no target)")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
