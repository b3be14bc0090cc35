#!/usr/bin/env python3
"""Each process-wide speed trick, on and off, in one run (issue 16, item 6).

    python3 bench/tricks.py --aspire PATH [--rounds N] [--resources N] [--out bench/results/tricks.json]

The trick left: CMallocPolicy's mallopt (keep freed memory). The loader's MADV_POPULATE_WRITE
prefault and MADV_HUGEPAGE on the C shim's big arrays were measured here and removed (under
5 %); their switches stay in off.c for a trick tried again. One binary is timed with every trick
on and with each one off (bench/tricks/off.c, LD_PRELOAD'ed, makes that call do
nothing), on `aspire validate` of a generated manifest (default 20,000 resources). Variants run
in a shuffled order every round, so the machine's drift hits all alike; the paired ratio
off/on per round is what decides: a trick pays when its median ratio is at least 1.05
(off is 5 % slower). Python 3 and a C compiler only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(HERE))
import genmanifest  # noqa: E402

VARIANTS = {
    "all on": "",
    "mallopt off": "mallopt",
}
THRESHOLD = 1.05


def once(argv: list[str], env: dict) -> tuple[float, float, int]:
    import time
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"tricks: {' '.join(argv)} failed: {err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_minflt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aspire", required=True)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--resources", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="8 rounds")
    parser.add_argument("--out", default=str(HERE / "results" / "tricks.json"))
    args = parser.parse_args()
    rounds = 8 if args.quick else args.rounds
    with tempfile.TemporaryDirectory(prefix="aspire-tricks-") as tmp:
        preload = Path(tmp) / "off.so"
        subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", str(preload), str(HERE / "tricks" / "off.c"), "-ldl"],
                       check=True)
        manifest = Path(tmp) / "apphost.yaml"
        manifest.write_text(genmanifest.manifest(args.resources))
        argv = [args.aspire, "validate", "-f", str(manifest)]
        base = dict(os.environ)
        envs = {name: {**base, "LD_PRELOAD": str(preload), "ASPIRE_TRICKS_OFF": off} for name, off in VARIANTS.items()}
        for env in envs.values():
            once(argv, env)  # warm the page cache and the binary
        samples = {name: [] for name in VARIANTS}
        ratios = {name: [] for name in VARIANTS}
        for _ in range(rounds):
            order = list(VARIANTS)
            random.shuffle(order)
            row = {name: once(argv, envs[name]) for name in order}
            for name in VARIANTS:
                samples[name].append(row[name])
                ratios[name].append(row[name][0] / row["all on"][0])
    result = {"resources": args.resources, "rounds": rounds, "loadavg": os.getloadavg(), "variants": {}}
    print(f"aspire validate, {args.resources:,} resources, {rounds} rounds (shuffled), load {os.getloadavg()[0]:.1f}")
    print(f"{'variant':14} {'wall ms':>9} {'cpu ms':>8} {'minflt':>8} {'off/on':>7}  verdict")
    for name in VARIANTS:
        wall = statistics.median(s[0] for s in samples[name]) * 1000
        cpu = statistics.median(s[1] for s in samples[name]) * 1000
        faults = statistics.median(s[2] for s in samples[name])
        ratio = statistics.median(ratios[name])
        verdict = "" if name == "all on" else ("pays (>= 5 %)" if ratio >= THRESHOLD else "does not pay")
        print(f"{name:14} {wall:9.1f} {cpu:8.1f} {faults:8.0f} {ratio:7.3f}  {verdict}")
        result["variants"][name] = {"wall_ms": wall, "cpu_ms": cpu, "minflt": faults, "ratio_off_on": ratio,
                                    "pays": None if name == "all on" else ratio >= THRESHOLD}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
