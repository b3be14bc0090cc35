#!/usr/bin/env python3
"""`aspire ps` latency against a running app (issue 16, item 2: the control API's HTTP stack).

    python3 bench/pslatency.py --aspire PATH [--compare PATH] [--quick] [--runs N] [--resources K]
                               [--out bench/results/ps.json]

Each binary runs its own app (K `sleep` processes) with `aspire up -d`; then `aspire ps` (the
table) and `aspire ps --format json` are timed, whole process, N times each. With `--compare`
(e.g. the build before a change) both apps run at once and the two binaries are timed in
alternation (a, b, b, a, ...), so the machine's drift hits both alike; the medians and the
median of the paired ratios (compare / aspire) are printed. `/bin/true` is timed too: the
process-start floor. With `--ahc on|auto` the same `GET /v1/status` is also made by
bench/ahcprobe, a program that does only that request with AsyncHTTPClient: the maintained client
the CLI would use instead of its own small one (built once into .build-bench-ahc/; `auto` skips it
with a note when the build fails). Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(argv: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"bench: {' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode(errors='replace')}")
    return elapsed


def start_app(binary: str, folder: Path, resources: int) -> Path:
    folder.mkdir(parents=True)
    manifest = folder / "apphost.yaml"
    lines = ["name: pslatency", "resources:"]
    for index in range(resources):
        lines += [f"  s{index}:", "    type: executable", "    command: sleep", '    args: ["300"]']
    manifest.write_text("\n".join(lines) + "\n")
    proc = subprocess.run([binary, "up", "-d", "-f", str(manifest)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    if proc.returncode:
        raise SystemExit(f"bench: {binary} up -d exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return manifest


def stop_app(binary: str, manifest: Path) -> None:
    subprocess.run([binary, "down", "-f", str(manifest)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def round_trip(socket_path: Path) -> float:
    """One `GET /v1/status` straight over the control socket: the server's share, no client process."""
    start = time.perf_counter()
    with socket.socket(socket.AF_UNIX) as conn:
        conn.connect(str(socket_path))
        conn.sendall(b"GET /v1/status HTTP/1.1\r\nHost: aspire\r\nConnection: close\r\n\r\n")
        while conn.recv(65536):
            pass
    return time.perf_counter() - start


def build_ahcprobe(mode: str) -> str | None:
    if mode == "off":
        return None
    binary = HERE.parent / ".build-bench-ahc" / "release" / "ahcprobe"
    if not binary.exists():
        log("bench: building bench/ahcprobe (AsyncHTTPClient) in release mode (.build-bench-ahc/); minutes the first time")
        proc = subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--package-path",
                               str(HERE / "ahcprobe"), "--scratch-path", str(binary.parent.parent)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if proc.returncode or not binary.exists():
            if mode == "on":
                raise SystemExit(f"bench: building bench/ahcprobe failed:\n{proc.stderr[-2000:]}")
            log("bench: skipping the AsyncHTTPClient comparison: bench/ahcprobe did not build")
            return None
    return str(binary)


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aspire", required=True, help="the aspire binary to time")
    parser.add_argument("--compare", help="a second binary (e.g. the build before a change), timed in alternation")
    parser.add_argument("--runs", type=int, default=200, help="timed runs per command and binary (default 200)")
    parser.add_argument("--resources", type=int, default=10, help="resources in the app (default 10)")
    parser.add_argument("--quick", action="store_true", help="20 runs")
    parser.add_argument("--ahc", choices=["auto", "on", "off"], default="auto",
                        help="also time GET /v1/status with AsyncHTTPClient (bench/ahcprobe)")
    parser.add_argument("--out", default=str(HERE / "results" / "ps.json"))
    args = parser.parse_args()
    runs = 20 if args.quick else args.runs
    binaries = {"aspire": str(Path(args.aspire).resolve())}
    if args.compare:
        binaries["compare"] = str(Path(args.compare).resolve())
    ahcprobe = build_ahcprobe(args.ahc)

    with tempfile.TemporaryDirectory(prefix="aspire-pslatency-") as tmp:
        manifests = {}
        try:
            for label, binary in binaries.items():
                manifests[label] = start_app(binary, Path(tmp) / label, args.resources)
            commands = {
                "ps": lambda b, m: [b, "ps", "-f", str(m)],
                "ps_json": lambda b, m: [b, "ps", "--format", "json", "-f", str(m)],
            }
            samples: dict[str, dict[str, list[float]]] = {c: {l: [] for l in binaries} for c in commands}
            floor: list[float] = []
            ahc: list[float] = []
            server: dict[str, list[float]] = {label: [] for label in binaries}
            socket = manifests["aspire"].parent / ".aspire" / "control.sock"
            order = list(binaries)
            for label in order:  # warm-up
                for make in commands.values():
                    run(make(binaries[label], manifests[label]))
            for index in range(runs):
                labels = order if index % 2 == 0 else list(reversed(order))
                for name, make in commands.items():
                    for label in labels:
                        samples[name][label].append(run(make(binaries[label], manifests[label])))
                floor.append(run(["/bin/true"]))
                for label in labels:
                    server[label].append(round_trip(manifests[label].parent / ".aspire" / "control.sock"))
                if ahcprobe:
                    ahc.append(run([ahcprobe, str(socket)]))
        finally:
            for label, manifest in manifests.items():
                stop_app(binaries[label], manifest)

    result: dict = {
        "runs": runs, "resources": args.resources, "binaries": binaries, "true_ms": median_ms(floor),
        "commands": {},
    }
    for name, by_label in samples.items():
        entry = {f"{label}_ms": median_ms(values) for label, values in by_label.items()}
        if args.compare:
            ratios = [c / a for a, c in zip(by_label["aspire"], by_label["compare"])]
            entry["ratio_compare_over_aspire"] = round(statistics.median(ratios), 3)
        result["commands"][name] = entry
        log(f"bench: {name}: " + ", ".join(f"{k} {v}" for k, v in entry.items()))
    result["server_round_trip_ms"] = {label: median_ms(values) for label, values in server.items()}
    log(f"bench: GET /v1/status round trip, no client process: {result['server_round_trip_ms']}")
    if ahc:
        result["ahcprobe_status_ms"] = median_ms(ahc)
        log(f"bench: AsyncHTTPClient GET /v1/status alone (bench/ahcprobe): {result['ahcprobe_status_ms']} ms")
    log(f"bench: /bin/true {result['true_ms']} ms")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
