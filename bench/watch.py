#!/usr/bin/env python3
"""`watch:` on a large tree (issue 18, item 1).

    python3 bench/watch.py --aspire PATH [--quick] [--files N] [--rounds R] [--out bench/results/watch.json]

Builds a tree of N files (default 50,000: 500 folders of 100) under `src/`, runs `aspire up` on an
executable that watches it (`watch: {paths: [./src], debounce: 50ms}`) and prints:

- the supervisor's CPU use while idle over 5 seconds (utime + stime from /proc/PID/stat; inotify
  sleeps in epoll, so it should be ≈ 0);
- the time from a write to a watched file to the new process running (its first line of output
  appearing), median and max over R rounds; the debounce (50 ms) is part of it.

Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEBOUNCE_MS = 50


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def lines(path: Path) -> int:
    try:
        return len(path.read_text().splitlines())
    except FileNotFoundError:
        return 0


def wait_for_lines(path: Path, count: int, timeout: float = 30) -> float:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if lines(path) >= count:
            return time.perf_counter()
        time.sleep(0.001)
    raise SystemExit(f"bench: {path} did not reach {count} lines")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aspire", required=True)
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds of idle CPU measurement")
    parser.add_argument("--quick", action="store_true", help="5 rounds")
    parser.add_argument("--out", default=str(HERE / "results" / "watch.json"))
    args = parser.parse_args()
    rounds = 5 if args.quick else args.rounds

    with tempfile.TemporaryDirectory(prefix="aspire-watch-") as tmp:
        root = Path(tmp)
        src = root / "src"
        per_folder = 100
        for index in range(args.files):
            folder = src / f"d{index // per_folder:04d}"
            if index % per_folder == 0:
                folder.mkdir(parents=True)
            (folder / f"f{index % per_folder:03d}.txt").write_text("x\n")
        (src / "msg.txt").write_text("v0\n")
        (root / "apphost.yaml").write_text(
            "name: watchbench\nresources:\n  app:\n    type: executable\n    command: sh\n"
            "    args: [\"-c\", \"echo \\\"$$ $(cat src/msg.txt)\\\" >> out; exec sleep 300\"]\n"
            "    endpoints: {}\n"
            f"    watch:\n      paths: [./src]\n      debounce: {DEBOUNCE_MS}ms\n")
        out = root / "out"
        started = time.perf_counter()
        proc = subprocess.Popen([args.aspire, "up", "--no-dashboard", "-f", str(root / "apphost.yaml")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=root)
        try:
            wait_for_lines(out, 1)
            first_run = time.perf_counter() - started
            time.sleep(1.0)  # let the initial walk of the tree finish
            before, clock = cpu_seconds(proc.pid), time.perf_counter()
            time.sleep(args.idle)
            idle_cpu = (cpu_seconds(proc.pid) - before) / (time.perf_counter() - clock)
            latencies = []
            for round_ in range(rounds):
                expected = lines(out) + 1
                start = time.perf_counter()
                (src / "msg.txt").write_text(f"v{round_ + 1}\n")
                latencies.append(wait_for_lines(out, expected) - start)
                time.sleep(0.3)
            if not out.read_text().splitlines()[-1].endswith(f" v{rounds}"):
                raise SystemExit("bench: the last run did not print the last change")
            # A file deep in the tree (the last folder walked) restarts it too.
            expected = lines(out) + 1
            start = time.perf_counter()
            (src / f"d{(args.files - 1) // per_folder:04d}" / "f000.txt").write_text("changed\n")
            deep = wait_for_lines(out, expected) - start
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()

    result = {
        "files": args.files,
        "folders": args.files // per_folder,
        "first_run_s": round(first_run, 3),
        "idle_cpu_percent": round(idle_cpu * 100, 3),
        "idle_seconds": args.idle,
        "debounce_ms": DEBOUNCE_MS,
        "write_to_running_ms_median": round(statistics.median(latencies) * 1000, 1),
        "write_to_running_ms_max": round(max(latencies) * 1000, 1),
        "rounds": rounds,
        "deep_write_to_running_ms": round(deep * 1000, 1),
    }
    print(f"watch: {args.files} files in {args.files // per_folder} folders watched; up to first run {first_run:.2f}s")
    print(f"watch: idle CPU of the supervisor over {args.idle:.0f}s: {idle_cpu * 100:.3f}%")
    print(f"watch: write → new process running: median {result['write_to_running_ms_median']} ms, "
          f"max {result['write_to_running_ms_max']} ms (debounce {DEBOUNCE_MS} ms included, {rounds} rounds); "
          f"a file in the last folder: {result['deep_write_to_running_ms']} ms")
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
