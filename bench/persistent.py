#!/usr/bin/env python3
"""`lifetime: persistent` (issue 18, item 4): the starter's `up -d` to all-healthy with a
persistent Redis and PostgreSQL, adopted from the previous run, against the same app with the
default session lifetime.

    python3 bench/persistent.py [--aspire PATH] [--quick] [--runs N] [--out bench/results/persistent.json]

The app is manifests/starter (Redis, the Python API, the Python web frontend) plus a PostgreSQL
server the frontend waits for, both servers native (`runtime: native`), copied twice to a
temporary folder: once as is (session) and once with `lifetime: persistent` on both servers.
The same is measured for Redis and PostgreSQL alone, where the servers' start is the whole
time (in the starter the Python API's start is on the critical path beside them).

  session     `aspire up -d` until it returns (every resource healthy, checked with `ps`), then
              `aspire down`: Redis and PostgreSQL start on every run (the data folders exist
              after the warm-up, so no `initdb` is timed).
  persistent  the same, but `down` leaves both servers running and the next `up -d` adopts
              them (checked: the servers' pids do not change between runs).

Runs alternate; the medians and their difference are printed. Needs redis-server and PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ready import aspire, ps  # one copy of the CLI helpers, in bench/ready.py

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare(tmp: Path, name: str, persistent: bool) -> Path:
    app = tmp / name
    shutil.copytree(ROOT / "manifests" / "starter", app, ignore=shutil.ignore_patterns(".aspire", "__pycache__"))
    manifest = app / "apphost.yaml"
    text = manifest.read_text()
    marker = "    type: redis"
    if marker not in text or "    waitFor: [cache, apiservice]" not in text:
        raise SystemExit("bench: manifests/starter/apphost.yaml changed shape (no `type: redis` or waitFor line)")
    lifetime = "\n    lifetime: persistent" if persistent else ""
    text = text.replace(marker, marker + "\n    runtime: native" + lifetime, 1)
    text = text.replace("    waitFor: [cache, apiservice]", "    waitFor: [cache, apiservice, db]", 1)
    text += f"\n  db:\n    type: postgres\n    runtime: native{lifetime}\n"
    manifest.write_text(text.replace("name: starter", f"name: {name}", 1))
    return manifest


def prepare_servers(tmp: Path, name: str, persistent: bool) -> Path:
    """Redis and PostgreSQL alone: what adoption saves without the Python apps' start."""
    app = tmp / name
    app.mkdir()
    lifetime = ", lifetime: persistent" if persistent else ""
    manifest = app / "apphost.yaml"
    manifest.write_text(
        f"name: {name}\nresources:\n  cache: {{ type: redis, runtime: native{lifetime} }}\n  db: {{ type: postgres, runtime: native{lifetime} }}\n")
    return manifest


def time_up(binary: str, manifest: Path) -> tuple[float, dict[str, list[int]]]:
    """Seconds from `up -d` to its return (all healthy), and the servers' pids."""
    start = time.perf_counter()
    proc = aspire(binary, "up", "-d", "-f", str(manifest), check=False)
    elapsed = time.perf_counter() - start
    try:
        if proc.returncode:
            raise SystemExit(f"bench: aspire up -d exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
        resources = ps(binary, manifest)
        states = {name: r.get("health") or r["state"] for name, r in resources.items()}
        if any(state != "healthy" for state in states.values()):
            raise SystemExit(f"bench: up -d returned before every resource was healthy: {states}")
        pids = {name: resources[name]["pids"] for name in ("cache", "db")}
    finally:
        aspire(binary, "down", "-f", str(manifest), check=False)
    return elapsed, pids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aspire", default=str(ROOT / ".build" / "release" / "aspire"))
    parser.add_argument("--quick", action="store_true", help="3 runs each instead of 7")
    parser.add_argument("--runs", type=int)
    parser.add_argument("--out", default=str(HERE / "results" / "persistent.json"))
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        log("bench persistent: skipped (redis-server is not installed)")
        return 0
    runs = args.runs or (3 if args.quick else 7)
    tmp = Path(tempfile.mkdtemp(prefix="aspire-bench-persistent-"))
    results = {}
    try:
        for label, session, persistent in (
            ("starter + postgres", prepare(tmp, "session", False), prepare(tmp, "persistent", True)),
            ("redis + postgres alone", prepare_servers(tmp, "serverssession", False), prepare_servers(tmp, "serverspersistent", True)),
        ):
            results[label] = measure(args.aspire, session, persistent, runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for label, times in results.items():
        medians = {name: statistics.median(values) for name, values in times.items()}
        print(f"{label}: up -d to all-healthy ({runs} runs each, medians):")
        print(f"  session lifetime     {medians['session'] * 1000:8.0f} ms   (redis-server and postgres start every run)")
        print(f"  persistent, adopted  {medians['persistent'] * 1000:8.0f} ms   (same pids as the previous run)")
        print(f"  saved                {(medians['session'] - medians['persistent']) * 1000:8.0f} ms ({medians['persistent'] / medians['session']:.2f}x)")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"runs": runs, "seconds": results}, indent=2) + "\n")
    return 0


def measure(binary: str, session: Path, persistent: Path, runs: int) -> dict[str, list[float]]:
    """Alternating runs of both apps after a warm-up; the persistent servers must be adopted."""
    try:
        # Warm-up: data folders (initdb), ports, and the persistent servers started once.
        time_up(binary, session)
        _, first = time_up(binary, persistent)
        times: dict[str, list[float]] = {"session": [], "persistent": []}
        for _ in range(runs):
            elapsed, _ = time_up(binary, session)
            times["session"].append(elapsed)
            elapsed, pids = time_up(binary, persistent)
            if pids != first:
                raise SystemExit(f"bench: the persistent servers were not adopted (pids {first} then {pids})")
            times["persistent"].append(elapsed)
        return times
    finally:
        aspire(binary, "down", "--persistent", "--volumes", "-f", str(persistent), check=False)
        aspire(binary, "down", "--volumes", "-f", str(session), check=False)


if __name__ == "__main__":
    sys.exit(main())
