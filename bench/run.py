#!/usr/bin/env python3
"""aspire's benchmarks: `make bench` runs `python3 bench/run.py` after a release build.

    python3 bench/run.py [--aspire PATH] [--quick] [--out bench/results/latest.json]

Every figure is reported next to a baseline measured in the same run, as a ratio:

  parse + validate   `aspire validate -f FILE` (whole process) on generated manifests of 100,
                     2,000 and 20,000 resources (bench/genmanifest.py) vs
                       - rawscan: a bare libyaml event scan of the same file in C (bench/rawscan.c,
                         whole process) — the floor;
                       - PyYAML's CSafeLoader, yaml.load(text) timed in-process (no interpreter
                         start-up counted: this favours PyYAML);
                       - aspire on an empty manifest (`resources: {}`): its process floor, used
                         for the per-resource cost and the growth exponent.
                     Targets: aspire <= 1.5x rawscan, >= 20x faster than PyYAML, linear growth.
  CLI latency        `aspire validate` and `aspire env webfrontend` on the starter example vs
                     `python3 -c pass` and vs rawscan of the same file.
  start-up / Yams    reported as skipped, with the reason (see the JSON's "skipped" notes).

Timing: wall clock (time.perf_counter) around subprocess.run; one untimed warm-up run per
command (which is also the correctness check: exit 0), then the median of N runs. N adapts to a
per-figure time budget so that the whole run stays near 3 minutes (--quick: near 30 s); the JSON
keeps every sample and N. Python 3 standard library only (+ PyYAML if installed).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import math
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.dont_write_bytecode = True  # no bench/__pycache__ from importing genmanifest
sys.path.insert(0, str(HERE))
import genmanifest  # noqa: E402  (bench/genmanifest.py)

SIZES = (100, 2000, 20000)
TARGET_RAWSCAN_RATIO = 1.5
TARGET_PYYAML_SPEEDUP = 20.0


# --------------------------------------------------------------------------------------------
# helpers


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_text(argv: list[str], with_stderr: bool = True, **kwargs) -> str:
    """stdout of a command (stderr folded in unless with_stderr is False), or '' when it cannot run."""
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT if with_stderr else subprocess.DEVNULL,
                              text=True, timeout=60, **kwargs)
        return proc.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


class Timer:
    """Runs commands and in-process callables against a time budget."""

    def __init__(self, quick: bool):
        self.quick = quick
        self.max_runs = 5 if quick else 15
        self.min_runs = 1 if quick else 3

    def runs_for(self, first_seconds: float, budget: float) -> int:
        if first_seconds <= 0:
            return self.max_runs
        return max(self.min_runs, min(self.max_runs, int(budget / first_seconds)))

    def command(self, argv: list[str], budget: float, cwd: str | None = None, label: str = "") -> dict:
        """Warm-up (must exit 0), then N timed runs; returns median and samples in ms."""

        def once() -> float:
            start = time.perf_counter()
            proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=cwd)
            elapsed = time.perf_counter() - start
            if proc.returncode != 0:
                raise SystemExit(
                    f"bench: {label or argv[0]} exited {proc.returncode} (expected 0): {' '.join(argv)}\n"
                    f"{proc.stdout.decode(errors='replace')[-3000:]}"
                )
            return elapsed

        first = once()
        return summarize(self.more(first, once, budget))

    def more(self, first: float, once, budget: float) -> list[float]:
        """The timed samples after a warm-up run that took `first` seconds. A warm-up that alone
        takes half the budget or more is kept as a sample (warm-up effects are noise there)."""
        runs = self.runs_for(first, budget)
        if first * 2 >= budget:
            return [first] + [once() for _ in range(runs - 1)]
        return [once() for _ in range(runs)]

    def paired(self, a_argv: list[str], b_argv: list[str], budget: float, label: str = "") -> dict:
        """Runs two commands in alternation (a, b, b, a, a, b, ...) and returns the median of the
        per-pair ratios a/b with its quartiles, plus a's CPU time (user + system, all threads).
        On a machine whose speed drifts (a VM with neighbours), two back-to-back runs see the same
        speed far more often than two batches do; the paired ratio is the robust figure."""

        def once(argv: list[str]) -> tuple[float, float]:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            elapsed = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if proc.returncode != 0:
                raise SystemExit(f"bench: {label or argv[0]} exited {proc.returncode} (expected 0): {' '.join(argv)}\n"
                                 f"{proc.stdout.decode(errors='replace')[-3000:]}")
            return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

        first = once(a_argv)[0] + once(b_argv)[0]
        runs = max(self.min_runs * 2, self.runs_for(first, budget))
        a_wall, b_wall, a_cpu, ratios = [], [], [], []
        for i in range(runs):
            if i % 2 == 0:
                (wa, ca), (wb, _) = once(a_argv), once(b_argv)
            else:
                (wb, _), (wa, ca) = once(b_argv), once(a_argv)
            a_wall.append(wa)
            b_wall.append(wb)
            a_cpu.append(ca)
            ratios.append(wa / wb)
        quartiles = statistics.quantiles(ratios, n=4) if len(ratios) >= 2 else [ratios[0]] * 3
        return {
            "a": summarize(a_wall),
            "b": summarize(b_wall),
            "a_cpu_median_ms": round(statistics.median(a_cpu) * 1000, 3),
            "ratio_median": round(statistics.median(ratios), 3),
            "ratio_q1": round(quartiles[0], 3),
            "ratio_q3": round(quartiles[2], 3),
        }

    def inprocess(self, fn, budget: float) -> dict:
        def once() -> float:
            gc.collect()
            start = time.perf_counter()
            fn()
            return time.perf_counter() - start

        first = once()
        return summarize(self.more(first, once, budget))


def summarize(samples_s: list[float]) -> dict:
    ms = [s * 1000 for s in samples_s]
    return {
        "median_ms": round(statistics.median(ms), 3),
        "min_ms": round(min(ms), 3),
        "max_ms": round(max(ms), 3),
        "runs": len(ms),
        "samples_ms": [round(x, 3) for x in ms],
    }


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b <= 0:
        return None
    return round(a / b, 3)


def fmt(value, digits=1, suffix="") -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}{suffix}"


# --------------------------------------------------------------------------------------------
# set-up


def find_aspire(given: str | None) -> Path:
    candidates = [given] if given else [".build-bench/release/aspire", ".build/release/aspire"]
    for c in candidates:
        p = Path(c)
        if not p.is_absolute():
            p = (Path.cwd() / p) if (Path.cwd() / p).exists() else ROOT / p
        if p.is_file() and os.access(p, os.X_OK):
            return p.resolve()
    raise SystemExit(
        f"bench: no aspire binary at {', '.join(candidates)}; build one with "
        "`swift build -c release --product aspire` (or pass --aspire PATH)"
    )


def build_rawscan(tmp: Path) -> Path:
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        raise SystemExit("bench: no C compiler (cc) to build bench/rawscan.c")
    flags = run_text(["pkg-config", "--cflags", "--libs", "yaml-0.1"])
    if not flags or "not found" in flags.lower() or "No package" in flags:
        raise SystemExit("bench: pkg-config does not know yaml-0.1 (Debian: apt-get install libyaml-dev pkg-config)")
    out = tmp / "rawscan"
    proc = subprocess.run([cc, "-O2", "-o", str(out), str(HERE / "rawscan.c"), *flags.split()],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"bench: building bench/rawscan.c failed:\n{proc.stdout}")
    return out


def machine_facts(aspire: Path) -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import yaml  # type: ignore

        pyyaml = yaml.__version__ + (" (CSafeLoader)" if hasattr(yaml, "CSafeLoader") else " (no libyaml binding)")
    except ImportError:
        pyyaml = None
    commit = run_text(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = bool(run_text(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"]))
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "uname_r": run_text(["uname", "-r"]),
        "swift": (run_text(["swift", "--version"]).splitlines() or [""])[0],
        "python": platform.python_version(),
        "pyyaml": pyyaml,
        "libyaml": run_text(["pkg-config", "--modversion", "yaml-0.1"]),
        "cc": (run_text([os.environ.get("CC", "cc"), "--version"]).splitlines() or [""])[0],
        "aspire_binary": str(aspire),
        "aspire_binary_bytes": aspire.stat().st_size,
        "git_commit": commit + ("+dirty" if dirty and commit else ""),
    }


# --------------------------------------------------------------------------------------------
# benchmarks


def bench_parse_validate(timer: Timer, aspire: Path, rawscan: Path, yams: Path | None, tmp: Path, sizes,
                         budget: float) -> dict:
    try:
        import yaml  # type: ignore

        loader = getattr(yaml, "CSafeLoader", None)
        pyyaml_note = None if loader else "PyYAML is installed without its libyaml binding (no CSafeLoader)"
    except ImportError:
        yaml, loader = None, None
        pyyaml_note = "PyYAML is not installed (pip install pyyaml)"
    if pyyaml_note:
        log(f"bench: skipping PyYAML: {pyyaml_note}")

    empty = tmp / "empty" / "apphost.yaml"
    empty.parent.mkdir()
    empty.write_text("name: empty\nresources: {}\n")
    floor = timer.command([str(aspire), "validate", "-f", str(empty)], budget / 4, label="aspire validate (empty)")
    raw_floor = timer.command([str(rawscan), str(empty)], budget / 4, label="rawscan (empty)")
    log(f"bench: empty manifest: aspire validate {floor['median_ms']:.1f} ms, rawscan {raw_floor['median_ms']:.2f} ms")

    rows = []
    for n in sizes:
        folder = tmp / f"r{n}"
        folder.mkdir()
        path = folder / "apphost.yaml"
        text = genmanifest.manifest(n)
        path.write_text(text)
        # Correctness: every command's warm-up run must exit 0 (so the manifest is valid for aspire).
        events = (run_text([str(rawscan), str(path)], with_stderr=False).splitlines() or [""])[0]
        log(f"bench: {n} resources ({len(text)} bytes, {events} libyaml events)")

        pair = timer.paired([str(aspire), "validate", "-f", str(path)], [str(rawscan), str(path)], budget * 1.5,
                            label="aspire validate / rawscan")
        a, r = pair["a"], pair["b"]
        y = timer.command([str(yams), str(path)], budget / 2, label="yamsload") if yams else None
        p = None
        if loader is not None:
            p = timer.inprocess(lambda: yaml.load(text, Loader=loader), budget)
        row = {
            "resources": n,
            "bytes": len(text.encode()),
            "libyaml_events": int(events) if events.isdigit() else None,
            "aspire_validate": a,
            "rawscan": r,
            "pyyaml_csafeloader_inprocess": p,
            "yams_compose": y,
            "yams_ms": y["median_ms"] if y else None,
            "ratio_yams_over_aspire": ratio(y["median_ms"], a["median_ms"]) if y else None,
            "aspire_ms": a["median_ms"],
            "rawscan_ms": r["median_ms"],
            "pyyaml_ms": p["median_ms"] if p else None,
            # Median of back-to-back pairs (see Timer.paired): the headline ratio.
            "ratio_aspire_over_rawscan": pair["ratio_median"],
            "ratio_aspire_over_rawscan_q1": pair["ratio_q1"],
            "ratio_aspire_over_rawscan_q3": pair["ratio_q3"],
            "ratio_aspire_over_rawscan_of_medians": ratio(a["median_ms"], r["median_ms"]),
            # CPU time over wall time: how many cores the load kept busy (large files load in parts).
            "aspire_cpu_ms": pair["a_cpu_median_ms"],
            "aspire_cores_used": ratio(pair["a_cpu_median_ms"], a["median_ms"]),
            # Both net of their own process floor (the same command on an empty manifest).
            "ratio_aspire_over_rawscan_net": ratio(a["median_ms"] - floor["median_ms"],
                                                   r["median_ms"] - raw_floor["median_ms"]),
            "speedup_vs_pyyaml": ratio(p["median_ms"], a["median_ms"]) if p else None,
            "aspire_us_per_resource": round(a["median_ms"] * 1000 / n, 3),
            "aspire_us_per_resource_net": round(max(0.0, a["median_ms"] - floor["median_ms"]) * 1000 / n, 3),
            "rawscan_us_per_resource": round(r["median_ms"] * 1000 / n, 3),
            "pyyaml_us_per_resource": round(p["median_ms"] * 1000 / n, 3) if p else None,
        }
        rows.append(row)
        log(f"bench:   aspire {a['median_ms']:.1f} ms (x{a['runs']}), rawscan {r['median_ms']:.1f} ms, "
            f"pyyaml {fmt(row['pyyaml_ms'])} ms, yams {fmt(row['yams_ms'])} ms")

    # Growth: the exponent k in t ~ n^k between consecutive sizes, net of the process floor.
    growth = []
    for lo, hi in zip(rows, rows[1:]):
        def exponent(key_lo, key_hi, base=0.0):
            t_lo, t_hi = key_lo - base, key_hi - base
            if t_lo <= 0 or t_hi <= 0:
                return None
            return round(math.log(t_hi / t_lo) / math.log(hi["resources"] / lo["resources"]), 3)

        growth.append({
            "from": lo["resources"],
            "to": hi["resources"],
            "aspire_exponent_net": exponent(lo["aspire_ms"], hi["aspire_ms"], floor["median_ms"]),
            "rawscan_exponent": exponent(lo["rawscan_ms"], hi["rawscan_ms"]),
            "pyyaml_exponent": exponent(lo["pyyaml_ms"], hi["pyyaml_ms"]) if lo["pyyaml_ms"] else None,
            "aspire_marginal_us_per_resource": round(
                (hi["aspire_ms"] - lo["aspire_ms"]) * 1000 / (hi["resources"] - lo["resources"]), 3),
        })
    return {"aspire_empty_manifest": floor, "rawscan_empty_manifest": raw_floor, "sizes": rows, "growth": growth, "pyyaml_note": pyyaml_note}


def bench_cli_latency(timer: Timer, aspire: Path, rawscan: Path, tmp: Path, budget: float) -> dict:
    # A copy of the starter example, so the state folder (.aspire/) `env` creates stays in tmp.
    starter = tmp / "starter"
    shutil.copytree(ROOT / "manifests" / "starter", starter, ignore=shutil.ignore_patterns(".aspire"))
    manifest = starter / "apphost.yaml"
    env_name = "webfrontend"
    python_pass = timer.command([sys.executable, "-c", "pass"], budget, label="python3 -c pass")
    # Without site (this machine's site-packages may import slow .pth hooks): the interpreter alone.
    python_nosite = timer.command([sys.executable, "-S", "-c", "pass"], budget, label="python3 -S -c pass")
    true = timer.command(["/bin/true"] if os.path.exists("/bin/true") else ["true"], budget, label="true")
    validate = timer.command([str(aspire), "validate", "-f", str(manifest)], budget, label="aspire validate")
    env = timer.command([str(aspire), "env", env_name, "-f", str(manifest)], budget, label="aspire env")
    raw = timer.command([str(rawscan), str(manifest)], budget, label="rawscan")
    # `env cache` of the starter's redis (runtime: auto) needs the container engine's answer; once
    # .aspire/engine.json holds it (the warm-up run writes it), env runs no engine CLI at all.
    # Compared with `aspire --version` (the process floor), or `validate` while it has none.
    floor_argv = [str(aspire), "--version"]
    if subprocess.run(floor_argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
        floor_argv = [str(aspire), "validate", "-f", str(manifest)]
    floor = timer.command(floor_argv, budget, label=" ".join(["aspire"] + floor_argv[1:2]))
    env_cache = timer.command([str(aspire), "env", "cache", "-f", str(manifest)], budget, label="aspire env cache")
    return {
        "manifest": "manifests/starter/apphost.yaml (copied to a temporary folder)",
        "true": true,
        "python3": sys.executable,
        "python3_c_pass": python_pass,
        "python3_S_c_pass": python_nosite,
        "rawscan": raw,
        "aspire_validate": validate,
        f"aspire_env_{env_name}": env,
        "aspire_env_cache_warm": env_cache,
        "floor": {"argv": "aspire " + " ".join(floor_argv[1:2]), **floor},
        "ratio_env_cache_over_floor": ratio(env_cache["median_ms"], floor["median_ms"]),
        "ratio_validate_over_python_pass": ratio(validate["median_ms"], python_pass["median_ms"]),
        "ratio_env_over_python_pass": ratio(env["median_ms"], python_pass["median_ms"]),
        "ratio_validate_over_python_nosite": ratio(validate["median_ms"], python_nosite["median_ms"]),
        "ratio_validate_over_rawscan": ratio(validate["median_ms"], raw["median_ms"]),
        "ratio_env_over_rawscan": ratio(env["median_ms"], raw["median_ms"]),
        "ratio_rawscan_over_true": ratio(raw["median_ms"], true["median_ms"]),
    }


# --------------------------------------------------------------------------------------------
# Yams (the local package copy), building its Node tree: bench/yamsload


def build_yams(mode: str) -> tuple[Path | None, str | None]:
    """Returns (binary, None) or (None, why it is skipped). mode: on, off, auto (auto builds it)."""
    if mode == "off":
        return None, "--yams off (the default with --quick)"
    binary = ROOT / ".build-bench-yams" / "release" / "yamsload"
    swift = shutil.which("swift")
    if swift is None:
        return (binary, None) if binary.exists() else (None, "no swift toolchain to build bench/yamsload")
    log("bench: building bench/yamsload (Yams) in release mode (.build-bench-yams/)")
    try:
        proc = subprocess.run([swift, "build", "-c", "release", "--package-path", str(HERE / "yamsload"),
                               "--scratch-path", str(ROOT / ".build-bench-yams")],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return None, "building bench/yamsload took over 5 minutes"
    if proc.returncode != 0 or not binary.exists():
        why = "building bench/yamsload failed (Yams not resolvable from the local package copies?): " + \
              proc.stdout.strip()[-400:]
        if mode == "on":
            raise SystemExit("bench: " + why)
        return None, why
    return binary, None


def yams_version() -> str | None:
    try:
        data = json.loads((HERE / "yamsload" / "Package.resolved").read_text())
        for pin in data.get("pins", []):
            if pin.get("identity") == "yams":
                return pin.get("state", {}).get("version")
    except (OSError, ValueError):
        pass
    return None


# --------------------------------------------------------------------------------------------
# start-up: a 200-resource, 10-level DAG to all-ready vs a plain spawn loop

STARTUP_LEVELS = 10
STARTUP_WIDTH = 20
READY = re.compile(r"\b([A-Za-z](?:-?[A-Za-z0-9])*): (?:running|healthy)\b")

SPAWN_LOOP = r"""
import subprocess, sys, time
start = time.perf_counter()
procs = [subprocess.Popen(["sleep", "300"], stdin=subprocess.DEVNULL) for _ in range(int(sys.argv[1]))]
print("ready %.3f" % ((time.perf_counter() - start) * 1000), flush=True)
sys.stdin.read()
for p in procs: p.terminate()
for p in procs: p.wait()
"""


def dag_manifest() -> str:
    lines = ["name: startup\n", "resources:\n"]
    for level in range(STARTUP_LEVELS):
        for i in range(STARTUP_WIDTH):
            lines.append(f"  l{level}-n{i}:\n    type: executable\n    command: sleep\n    args: [\"300\"]\n")
            if level:
                deps = ", ".join(f"l{level - 1}-n{j}" for j in range(STARTUP_WIDTH))
                lines.append(f"    waitFor: [{deps}]\n")
    return "".join(lines)


def run_until(argv: list[str], done, timeout: float, cwd: str | None = None, stdin=subprocess.DEVNULL):
    """Starts argv, reads its output lines until done(line) is true; returns (seconds, proc, lines)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=stdin, text=True,
                            cwd=cwd, start_new_session=True)
    lines: list[str] = []
    deadline = start + timeout
    elapsed = None
    assert proc.stdout is not None
    # A watchdog: a hung child must not hang the benchmark.
    import threading
    timer = threading.Timer(timeout, lambda: proc.poll() is None and proc.send_signal(signal.SIGINT))
    timer.start()
    try:
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if done(line):
                elapsed = time.perf_counter() - start
                break
            if time.perf_counter() > deadline:
                break
    finally:
        timer.cancel()
    return elapsed, proc, lines


def stop(proc: subprocess.Popen, how, grace: float = 20.0) -> float | None:
    """Asks proc to stop (how(proc)), drains its output, returns the seconds it took to exit."""
    start = time.perf_counter()
    how(proc)
    try:
        proc.communicate(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        return None
    return time.perf_counter() - start


def bench_startup(timer: Timer, aspire: Path, tmp: Path) -> dict:
    total = STARTUP_LEVELS * STARTUP_WIDTH
    help_ok = subprocess.run([str(aspire), "up", "--help"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL).returncode == 0
    if not help_ok:
        return {"skipped": "`aspire up --help` failed: no `up` command in this build"}
    folder = tmp / "startup"
    folder.mkdir()
    manifest = folder / "apphost.yaml"
    manifest.write_text(dag_manifest())

    def aspire_once():
        ready: set[str] = set()

        def done(line: str) -> bool:
            m = READY.search(line)
            if m:
                ready.add(m.group(1))
            return len(ready) >= total

        elapsed, proc, lines = run_until([str(aspire), "up", "-f", str(manifest)], done, timeout=60, cwd=str(folder))
        shutdown = stop(proc, lambda p: p.send_signal(signal.SIGINT))
        if elapsed is None:
            tail = "\n".join(lines[-15:])
            raise RuntimeError(f"only {len(ready)} of {total} resources reported running/healthy; last output:\n{tail}")
        return elapsed, shutdown

    def loop_once():
        inproc = []

        def done(line: str) -> bool:
            if line.startswith("ready"):
                inproc.append(float(line.split()[1]))
                return True
            return False

        elapsed, proc, lines = run_until([sys.executable, "-c", SPAWN_LOOP, str(total)], done, timeout=60,
                                         stdin=subprocess.PIPE)
        stop(proc, lambda p: None)  # communicate() closes stdin: the script then stops its children
        if elapsed is None:
            raise RuntimeError("the Python spawn loop did not report ready: " + "\n".join(lines[-5:]))
        return elapsed, inproc[0] / 1000

    try:
        aspire_once()  # warm-up (and the check that the format is understood)
        loop_once()
        runs = timer.max_runs if not timer.quick else 2
        runs = min(runs, 7)
        a_ready, a_shutdown, l_whole, l_inproc = [], [], [], []
        for _ in range(runs):
            e, sd = aspire_once()
            a_ready.append(e)
            if sd is not None:
                a_shutdown.append(sd)
            e, ip = loop_once()
            l_whole.append(e)
            l_inproc.append(ip)
    except RuntimeError as problem:
        return {"skipped": f"aspire up could not be measured reliably: {problem}"}
    a, lw, li = summarize(a_ready), summarize(l_whole), summarize(l_inproc)
    return {
        "resources": total,
        "levels": STARTUP_LEVELS,
        "edges": (STARTUP_LEVELS - 1) * STARTUP_WIDTH * STARTUP_WIDTH,
        "what": "launch of `aspire up` to the line where the last of the 200 `sleep` executables (no health "
                "checks; each level waits for every resource of the previous one) reports running",
        "aspire_up_all_ready": a,
        "aspire_up_shutdown_after_sigint": summarize(a_shutdown) if a_shutdown else None,
        "python_spawn_loop_whole_process": lw,
        "python_spawn_loop_inprocess": li,
        "ratio_aspire_over_loop_whole_process": ratio(a["median_ms"], lw["median_ms"]),
        "ratio_aspire_over_loop_inprocess": ratio(a["median_ms"], li["median_ms"]),
    }


# --------------------------------------------------------------------------------------------
# report


def print_report(result: dict) -> None:
    pv = result["parse_validate"]
    print()
    print("parse + validate (median wall-clock ms; aspire, rawscan and Yams whole process, PyYAML in-process;")
    print("aspire/raw is the median of back-to-back pairs, with its quartiles; cores = aspire's CPU time / wall time)")
    head = (f"{'resources':>9} {'bytes':>9} {'aspire':>9} {'rawscan':>8} {'pyyaml':>9} {'yams':>8} "
            f"{'aspire/raw':>10} {'(q1-q3)':>11} {'cores':>5} {'net':>7} {'vs pyyaml':>9} {'vs yams':>7} {'aspire us/res':>13} {'net us/res':>10} {'raw us/res':>10}")
    print(head)
    print("-" * len(head))
    for r in pv["sizes"]:
        print(f"{r['resources']:>9} {r['bytes']:>9} {fmt(r['aspire_ms']):>9} {fmt(r['rawscan_ms']):>8} "
              f"{fmt(r['pyyaml_ms']):>9} {fmt(r['yams_ms']):>8} {fmt(r['ratio_aspire_over_rawscan'], 2, 'x'):>10} "
              f"{fmt(r['ratio_aspire_over_rawscan_q1'], 2) + '-' + fmt(r['ratio_aspire_over_rawscan_q3'], 2):>11} "
              f"{fmt(r['aspire_cores_used'], 2):>5} "
              f"{fmt(r['ratio_aspire_over_rawscan_net'], 1, 'x'):>7} "
              f"{fmt(r['speedup_vs_pyyaml'], 1, 'x'):>9} {fmt(r['ratio_yams_over_aspire'], 1, 'x'):>7} "
              f"{fmt(r['aspire_us_per_resource'], 2):>13} "
              f"{fmt(r['aspire_us_per_resource_net'], 2):>10} {fmt(r['rawscan_us_per_resource'], 2):>10}")
    print(f"empty manifest (process floor): aspire {pv['aspire_empty_manifest']['median_ms']:.1f} ms, rawscan "
          f"{pv['rawscan_empty_manifest']['median_ms']:.2f} ms; 'net' = minus each tool's own floor")
    for g in pv["growth"]:
        print(f"growth {g['from']} -> {g['to']}: time ~ n^{fmt(g['aspire_exponent_net'], 2)} for aspire (net), "
              f"n^{fmt(g['rawscan_exponent'], 2)} rawscan, n^{fmt(g['pyyaml_exponent'], 2)} PyYAML "
              f"(1.00 = linear); aspire marginal {fmt(g['aspire_marginal_us_per_resource'], 2)} us/resource")
    if pv.get("pyyaml_note"):
        print(f"PyYAML skipped: {pv['pyyaml_note']}")

    c = result["cli_latency"]
    print()
    print("CLI latency on manifests/starter/apphost.yaml (median wall-clock ms, whole process)")
    env_key = next(k for k in c if k.startswith("aspire_env_") and k != "aspire_env_cache_warm")
    for label, key in (("true", "true"), ("python3 -c pass", "python3_c_pass"),
                       ("python3 -S -c pass", "python3_S_c_pass"), ("rawscan", "rawscan"),
                       ("aspire validate", "aspire_validate"), (f"aspire env {env_key[len('aspire_env_'):]}", env_key)):
        print(f"  {label:<24} {c[key]['median_ms']:>8.2f} ms  (x{c[key]['runs']})")
    print(f"  validate / python3 -c pass = {fmt(c['ratio_validate_over_python_pass'], 2)}x, "
          f"env / python3 -c pass = {fmt(c['ratio_env_over_python_pass'], 2)}x, "
          f"validate / python3 -S -c pass = {fmt(c['ratio_validate_over_python_nosite'], 2)}x")
    print(f"  validate / rawscan = {fmt(c['ratio_validate_over_rawscan'], 2)}x, "
          f"env / rawscan = {fmt(c['ratio_env_over_rawscan'], 2)}x")
    print(f"  {c['floor']['argv']:<24} {c['floor']['median_ms']:>8.2f} ms  (x{c['floor']['runs']})")
    print(f"  {'aspire env cache (warm)':<24} {c['aspire_env_cache_warm']['median_ms']:>8.2f} ms  "
          f"(x{c['aspire_env_cache_warm']['runs']})  -> {fmt(c['ratio_env_cache_over_floor'], 2)}x {c['floor']['argv']}")

    st = result["startup"]
    print()
    if "skipped" in st:
        print(f"start-up: skipped: {st['skipped']}")
    else:
        print(f"start-up: {st['resources']} executables in {st['levels']} levels ({st['edges']} waitFor edges), "
              "launch to all running (median ms)")
        print(f"  aspire up                          {st['aspire_up_all_ready']['median_ms']:>8.1f} ms  "
              f"(x{st['aspire_up_all_ready']['runs']})")
        print(f"  python3 spawn loop (whole process) {st['python_spawn_loop_whole_process']['median_ms']:>8.1f} ms  "
              f"-> aspire/loop = {fmt(st['ratio_aspire_over_loop_whole_process'], 2)}x")
        print(f"  python3 spawn loop (in-process)    {st['python_spawn_loop_inprocess']['median_ms']:>8.1f} ms  "
              f"-> aspire/loop = {fmt(st['ratio_aspire_over_loop_inprocess'], 2)}x")
        sd = st.get("aspire_up_shutdown_after_sigint")
        if sd:
            print(f"  aspire up shutdown after SIGINT    {sd['median_ms']:>8.1f} ms  (200 children that obey SIGTERM)")

    print()
    print("targets")
    for t in result["targets"]:
        print(f"  [{'PASS' if t['met'] else 'MISS' if t['met'] is not None else 'n/a '}] {t['what']}: {t['value']}")
    for name, why in result["skipped"].items():
        print(f"  skipped {name}: {why}")


def targets(result: dict) -> list[dict]:
    out = []
    biggest = result["parse_validate"]["sizes"][-1]
    r = biggest["ratio_aspire_over_rawscan"]
    out.append({"what": f"aspire validate <= {TARGET_RAWSCAN_RATIO}x rawscan at {biggest['resources']} resources",
                "value": f"{fmt(r, 2)}x", "ratio": r, "met": None if r is None else r <= TARGET_RAWSCAN_RATIO})
    s = biggest["speedup_vs_pyyaml"]
    out.append({"what": f"aspire validate >= {TARGET_PYYAML_SPEEDUP:.0f}x faster than PyYAML CSafeLoader "
                        f"at {biggest['resources']} resources",
                "value": f"{fmt(s, 1)}x", "ratio": s, "met": None if s is None else s >= TARGET_PYYAML_SPEEDUP})
    exps = [g["aspire_exponent_net"] for g in result["parse_validate"]["growth"] if g["aspire_exponent_net"]]
    worst = max(exps) if exps else None
    out.append({"what": "aspire cost grows linearly with size (net exponent <= 1.15)",
                "value": f"n^{fmt(worst, 2)}", "ratio": worst, "met": None if worst is None else worst <= 1.15})
    c = result.get("cli_latency")
    if c:
        r = c["ratio_env_cache_over_floor"]
        out.append({"what": f"aspire env cache (engine answer cached) <= 3x {c['floor']['argv']}", "value": f"{fmt(r, 2)}x",
                    "ratio": r, "met": None if r is None else r <= 3.0})
    st = result.get("startup", {})
    if "skipped" not in st:
        r = st["ratio_aspire_over_loop_whole_process"]
        out.append({"what": "aspire up start-up <= 1.3x a plain spawn loop (whole process)", "value": f"{fmt(r, 2)}x",
                    "ratio": r, "met": None if r is None else r <= 1.3})
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aspire", help="the aspire binary (default: .build-bench/release/aspire, "
                                         "then .build/release/aspire)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (CI smoke, about 30 s)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.json"),
                        help="where to write the JSON (default: bench/results/latest.json)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="comma-separated manifest sizes in resources (default: 100,2000,20000)")
    parser.add_argument("--yams", choices=("auto", "on", "off"), default="auto",
                        help="the Yams comparison: auto builds bench/yamsload and skips it if that fails "
                             "(--quick: off); on fails instead; off skips it")
    parser.add_argument("--no-startup", action="store_true", help="skip the `aspire up` start-up benchmark")
    args = parser.parse_args()

    started = time.perf_counter()
    aspire = find_aspire(args.aspire)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    timer = Timer(args.quick)
    # Seconds of timed runs per figure (after the warm-up); N = budget / first run, clamped.
    budget = 3.0 if args.quick else 14.0

    with tempfile.TemporaryDirectory(prefix="aspire-bench-") as tmpname:
        tmp = Path(tmpname)
        rawscan = build_rawscan(tmp)
        yams_mode = args.yams
        if args.quick and yams_mode == "auto":
            yams_mode = "off"
        yams, yams_skip = build_yams(yams_mode)
        log(f"bench: aspire = {aspire}")
        result = {
            "schema": 1,
            "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "quick": args.quick,
            "command": "python3 bench/run.py" + (" --quick" if args.quick else ""),
            "machine": machine_facts(aspire),
            "loadavg_before": [round(x, 2) for x in os.getloadavg()],
            "method": "wall clock (time.perf_counter) around subprocess.run; one warm-up run (must exit 0), "
                      "then the median of N runs; PyYAML timed in-process (yaml.load(text, Loader=CSafeLoader)), "
                      "without interpreter start-up",
        }
        result["machine"]["yams"] = yams_version() if yams else None
        result["parse_validate"] = bench_parse_validate(timer, aspire, rawscan, yams, tmp, sizes, budget)
        result["cli_latency"] = bench_cli_latency(timer, aspire, rawscan, tmp, budget / 4)
        result["startup"] = {"skipped": "--no-startup"} if args.no_startup else bench_startup(timer, aspire, tmp)
        result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]

    result["skipped"] = {}
    if yams_skip:
        result["skipped"]["yams"] = yams_skip
    if "skipped" in result["startup"]:
        result["skipped"]["startup"] = result["startup"]["skipped"]
    for other in ("log throughput", "idle overhead", "honcho/supervisord"):
        result["skipped"][other] = "not part of this harness yet (issue 8)"
    result["targets"] = targets(result)
    result["elapsed_s"] = round(time.perf_counter() - started, 1)

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print_report(result)
    print(f"\nwrote {out} in {result['elapsed_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
