#!/usr/bin/env python3
"""The OTLP receiver's benchmarks (make bench): ingest against the in-process decode floor and a
Python receiver, and memory at the caps against after 1,000,000 spans and log records.

    python3 bench/otel.py --otelbench PATH [--quick] [--out FILE]
    python3 bench/otel.py --otelbench PATH --compare OLD [--rounds N]   before/after: the two builds in alternation
"""
import argparse, json, os, platform, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))


def run(command):
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if len(ordered) % 2 else (ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2


def compare(args):
    """The same machine state for both builds: floor and ingest of each, in alternation, medians."""
    seconds = "2" if args.quick else "5"
    runs = {"new": [], "old": []}
    for _ in range(args.rounds):
        for name, binary in (("new", args.otelbench), ("old", args.compare)):
            floor = run([binary, "floor", "--seconds", seconds])
            ingest = run([binary, "ingest", "--seconds", seconds, "--senders", "4"])
            runs[name].append({"floor": floor["floorSpansPerSecond"], "ingest": ingest["spansPerSecond"], "p50": ingest["p50ms"], "p99": ingest["p99ms"]})
    print(f"{'':28}{'new':>12}{'old':>12}{'new/old':>9}")
    for key, label in (("floor", "floor, spans/s"), ("ingest", "ingest, spans/s"), ("p50", "ingest p50 (ms)"), ("p99", "ingest p99 (ms)")):
        new, old = (median([r[key] for r in runs[n]]) for n in ("new", "old"))
        print(f"{label:28}{new:>12,.1f}{old:>12,.1f}{new / max(old, 1e-9):>9.2f}")
    print(json.dumps(runs))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--otelbench", required=True)
    parser.add_argument("--quick", action="store_true", help="2-second loads, 200,000 spans and records")
    parser.add_argument("--out", default=os.path.join(HERE, "results", "otel.json"))
    parser.add_argument("--compare", metavar="OLD", help="another otelbench: time both in alternation (floor and ingest) and stop")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds for --compare")
    args = parser.parse_args()
    if args.compare:
        return compare(args)
    seconds = "2" if args.quick else "10"
    total = "200000" if args.quick else "1000000"

    ingest = run([args.otelbench, "ingest", "--seconds", seconds, "--senders", "4"])
    # The Python receiver twice: as a receiver (parses and keeps every span, queryable), and the
    # old parse-only variant, so the ratio against both is printed (bench/README.md).
    python = {}
    for variant, flags in (("store", []), ("parse-only", ["--parse-only"])):
        try:
            peer = subprocess.Popen([sys.executable, os.path.join(HERE, "otlp_receiver.py"), *flags], stdout=subprocess.PIPE, text=True)
            try:
                port = peer.stdout.readline().strip()
                python[variant] = run([args.otelbench, "load", "--port", port, "--seconds", seconds, "--senders", "4"])
            finally:
                peer.terminate()
                peer.wait()
        except (OSError, subprocess.CalledProcessError, ValueError) as error:
            print(f"note: no Python receiver run ({error}); pip install opentelemetry-proto", file=sys.stderr)
    memory = run([args.otelbench, "memory", "--spans", total, "--logs", total])

    rows = [
        ("ingest: aspire, spans stored/s (4 senders, 512-span protobuf batches)", f"{ingest['spansPerSecond']:,.0f}"),
        ("ingest: floor, same batches decoded + stored in a loop, spans/s", f"{ingest['floorSpansPerSecond']:,.0f}"),
        ("ingest: aspire / floor (target >= 0.5)", f"{ingest['ratioToFloor']:.2f}"),
        ("ingest: aspire request latency p50 / p99 (ms)", f"{ingest['p50ms']:.2f} / {ingest['p99ms']:.2f}"),
    ]
    for variant, what in (("store", "parses + keeps spans"), ("parse-only", "parses + counts only")):
        if variant in python:
            figures = python[variant]
            rows += [
                (f"ingest: Python receiver ({what}), spans/s", f"{figures['spansPerSecond']:,.0f}"),
                (f"ingest: aspire / Python {variant} (target >= 10)", f"{ingest['spansPerSecond'] / max(figures['spansPerSecond'], 1):.1f}"),
                (f"ingest: Python {variant} request latency p50 / p99 (ms)", f"{figures['p50ms']:.2f} / {figures['p99ms']:.2f}"),
            ]
    rows += [
        ("memory: RSS at the caps (MB)", f"{memory['atCapsMB']:.1f}"),
        (f"memory: RSS after {memory['spansIngested']:,} spans + {memory['logsIngested']:,} records (MB)", f"{memory['afterMB']:.1f}"),
        ("memory: after / at caps (target <= 1.2)", f"{memory['ratio']:.3f}"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    result = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform()}, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "ingest": ingest, "python": python.get("store"), "pythonParseOnly": python.get("parse-only"), "memory": memory, "quick": args.quick}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as handle:
        json.dump(result, handle, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
