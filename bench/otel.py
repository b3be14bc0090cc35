#!/usr/bin/env python3
"""The OTLP receiver's benchmarks (make bench): ingest against the in-process decode floor and a
Python receiver, and memory at the caps against after 1,000,000 spans and log records.

    python3 bench/otel.py --otelbench PATH [--quick] [--out FILE]
"""
import argparse, json, os, platform, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))


def run(command):
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--otelbench", required=True)
    parser.add_argument("--quick", action="store_true", help="2-second loads, 200,000 spans and records")
    parser.add_argument("--out", default=os.path.join(HERE, "results", "otel.json"))
    args = parser.parse_args()
    seconds = "2" if args.quick else "10"
    total = "200000" if args.quick else "1000000"

    ingest = run([args.otelbench, "ingest", "--seconds", seconds, "--senders", "4"])
    python = None
    try:
        peer = subprocess.Popen([sys.executable, os.path.join(HERE, "otlp_receiver.py")], stdout=subprocess.PIPE, text=True)
        port = peer.stdout.readline().strip()
        python = run([args.otelbench, "load", "--port", port, "--seconds", seconds, "--senders", "4"])
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
    if python:
        rows += [
            ("ingest: Python receiver, spans/s", f"{python['spansPerSecond']:,.0f}"),
            ("ingest: aspire / Python (target >= 10)", f"{ingest['spansPerSecond'] / max(python['spansPerSecond'], 1):.1f}"),
            ("ingest: Python request latency p50 / p99 (ms)", f"{python['p50ms']:.2f} / {python['p99ms']:.2f}"),
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
              "ingest": ingest, "python": python, "memory": memory, "quick": args.quick}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as handle:
        json.dump(result, handle, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
