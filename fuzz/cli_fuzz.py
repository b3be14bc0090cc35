#!/usr/bin/env python3
"""fuzz-lite over aspire's whole load path (shim + Swift decoder + validator + env/graph).

    python3 fuzz/cli_fuzz.py [--aspire PATH] [--cases 2000] [--seed N] [--jobs N]

Mutates the repo's manifests (every *.yaml under manifests/, Tests/ and fuzz/seeds/, plus a small
generated manifest from bench/genmanifest.py) with byte flips, inserts and deletions, tokens from
fuzz/yaml.dict, line duplication/deletion/swaps, splices between seeds, and YAML-aware edits
(renamed references, self-waits and cycles, odd numbers, deep nesting, long scalars), then runs
the release binary on each:

    aspire validate -f FILE                       every case
    aspire validate -f FILE --format json         every 3rd case
    aspire graph -f FILE --format json            every 3rd case
    aspire env NAME -f FILE                       every 3rd case (NAME: a resource in the file)

and asserts: exit status 0 or 1 (never a signal, never 2 for a readable file), no Swift runtime
failure on stderr ('Fatal error', 'Stack dump', ...), and no hang (--timeout seconds). Failing
inputs are written to fuzz/cli-crashes/ with the command and stderr beside them. Exits 1 when
anything failed. Standard library only.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BAD_STDERR = ("Fatal error", "Stack dump", "Illegal instruction", "Segmentation fault", "Trace/breakpoint",
              "Current stack trace", "Swift runtime failure", "Aborted")
NAME_RE = re.compile(rb"^  ([A-Za-z](?:-?[A-Za-z0-9])*):\s*$", re.M)


def load_dict(path: Path) -> list[bytes]:
    tokens = []
    for line in path.read_text().splitlines():
        m = re.match(r'^\s*[A-Za-z0-9_]*\s*=?\s*"(.*)"\s*$', line)
        if not m or line.lstrip().startswith("#"):
            continue
        raw, out, i = m.group(1), bytearray(), 0
        while i < len(raw):
            if raw[i] == "\\" and i + 1 < len(raw):
                if raw[i + 1] == "x" and i + 3 < len(raw):
                    out.append(int(raw[i + 2:i + 4], 16))
                    i += 4
                    continue
                out.extend(raw[i + 1].encode())
                i += 2
                continue
            out.extend(raw[i].encode())
            i += 1
        tokens.append(bytes(out))
    return tokens


def load_seeds() -> list[bytes]:
    seeds = []
    for folder in ("manifests", "Tests", "fuzz/seeds"):
        base = ROOT / folder
        if base.exists():
            for p in sorted(base.rglob("*.y*ml")):
                if p.suffix in (".yaml", ".yml"):
                    seeds.append(p.read_bytes())
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import genmanifest  # type: ignore

        seeds.append(genmanifest.manifest(30).encode())
    except ImportError:
        pass
    return seeds


class Mutator:
    def __init__(self, rng: random.Random, seeds: list[bytes], tokens: list[bytes]):
        self.rng, self.seeds, self.tokens = rng, seeds, tokens

    def names(self, data: bytes) -> list[bytes]:
        return NAME_RE.findall(data) or [b"cache", b"api"]

    def mutate(self, data: bytes) -> bytes:
        r = self.rng
        for _ in range(r.choice((1, 1, 1, 2, 2, 3, 5))):
            data = r.choice(self.ops)(self, data)
            if len(data) > 200_000:
                data = data[:200_000]
        return data

    # --- byte level
    def flip(self, d: bytes) -> bytes:
        if not d:
            return b"\x00"
        i = self.rng.randrange(len(d))
        return d[:i] + bytes([d[i] ^ (1 << self.rng.randrange(8))]) + d[i + 1:]

    def set_byte(self, d: bytes) -> bytes:
        if not d:
            return b"a"
        i = self.rng.randrange(len(d))
        return d[:i] + bytes([self.rng.choice(b"\x00\t\n\r :-{}[],&*!|>'\"#%@`\x7f\xc3\xff")]) + d[i + 1:]

    def delete(self, d: bytes) -> bytes:
        if len(d) < 2:
            return d
        i = self.rng.randrange(len(d))
        return d[:i] + d[i + self.rng.randint(1, min(16, len(d) - i)):]

    def insert_token(self, d: bytes) -> bytes:
        i = self.rng.randrange(len(d) + 1)
        return d[:i] + self.rng.choice(self.tokens) + d[i:]

    def insert_token_line_end(self, d: bytes) -> bytes:
        lines = d.split(b"\n")
        k = self.rng.randrange(len(lines))
        lines[k] = lines[k] + self.rng.choice(self.tokens)
        return b"\n".join(lines)

    # --- line level
    def dup_line(self, d: bytes) -> bytes:
        lines = d.split(b"\n")
        k = self.rng.randrange(len(lines))
        lines.insert(k, lines[k])
        return b"\n".join(lines)

    def del_line(self, d: bytes) -> bytes:
        lines = d.split(b"\n")
        if len(lines) > 1:
            del lines[self.rng.randrange(len(lines))]
        return b"\n".join(lines)

    def swap_lines(self, d: bytes) -> bytes:
        lines = d.split(b"\n")
        a, b = self.rng.randrange(len(lines)), self.rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
        return b"\n".join(lines)

    def indent(self, d: bytes) -> bytes:
        lines = d.split(b"\n")
        k = self.rng.randrange(len(lines))
        lines[k] = (b" " * self.rng.choice((1, 2, 4)) + lines[k]) if self.rng.random() < 0.6 else lines[k].lstrip(b" ")
        return b"\n".join(lines)

    def splice(self, d: bytes) -> bytes:
        other = self.rng.choice(self.seeds).split(b"\n")
        lines = d.split(b"\n")
        a = self.rng.randrange(len(other))
        chunk = other[a:a + self.rng.randint(1, 12)]
        k = self.rng.randrange(len(lines) + 1)
        return b"\n".join(lines[:k] + chunk + lines[k:])

    # --- YAML/manifest aware
    def rename_ref(self, d: bytes) -> bytes:
        names = self.names(d)
        a = self.rng.choice(names)
        b = self.rng.choice(names + [b"x" + a, a[:-1] or b"q", a + b"-2", b"nope", a.upper()])
        idx = [m.start() for m in re.finditer(re.escape(a), d)]
        if not idx:
            return d
        i = self.rng.choice(idx)
        return d[:i] + b + d[i + len(a):]

    def add_field(self, d: bytes) -> bytes:
        names = self.names(d)
        n = self.rng.choice(names)
        m = self.rng.choice(names)
        field = self.rng.choice([
            b"    waitFor: [" + m + b"]", b"    waitFor: [" + n + b"]", b"    waitForCompletion: [" + m + b"]",
            b"    references: [" + m + b", {resource: " + n + b", connectionName: x, optional: true}]",
            b"    replicas: " + self.rng.choice([b"-1", b"0", b"2", b"99999999999999999999", b"1.5", b"true", b"~"]),
            b"    endpoints: { http: { port: " + self.rng.choice([b"0", b"65536", b"8080", b"-3", b"1e9", b"0x50"]) + b" } }",
            b"    env: { A: \"{" + m + b".connectionString}\", B: \"{" + m + b".endpoints.http.url}\", C: \"${X:-{"
            + n + b".value}}\" }",
            b"    args: [\"{" + m + b".endpoints.tcp.port}\", \"{{literal}}\", \"$$x\", \"${A:?boom}\"]",
            b"    healthCheck: { http: health, interval: 1m30s, timeout: -1s, retries: 0 }",
            b"    healthCheck: { tcp: true, exec: [true] }",
            b"    restart: { policy: sometimes, maxRestarts: -2 }",
            b"    type: " + self.rng.choice([b"redis", b"postgres", b"project", b"container", b"parameter",
                                             b"external", b"connectionString", b"executable", b"valkey", b"[x]"]),
            b"    databases: {" + m + b": db, " + n + b": db}",
            b"    generate: { length: " + self.rng.choice([b"0", b"1025", b"22"]) + b", lower: false, upper: false, "
            b"numeric: false }",
            b"    x-anything: &anc { deep: [[[[[[[[1]]]]]]]] }",
            b"    url: \"{" + m + b".value}://[::1]:99999\"",
            b"    envFile: ../../../../etc/passwd",
        ])
        lines = d.split(b"\n")
        spots = [i for i, line in enumerate(lines) if NAME_RE.match(line + b"\n")]
        k = (self.rng.choice(spots) + 1) if spots else self.rng.randrange(len(lines) + 1)
        lines.insert(k, field)
        return b"\n".join(lines)

    def cycle(self, d: bytes) -> bytes:
        names = self.names(d)
        if len(names) < 2:
            return d
        chain = self.rng.sample(names, min(len(names), self.rng.randint(2, 4)))
        out = d
        for a, b in zip(chain, chain[1:] + chain[:1]):
            out = out.replace(b"\n  " + a + b":\n", b"\n  " + a + b":\n    waitFor: [" + b + b"]\n", 1)
        return out

    def deep(self, d: bytes) -> bytes:
        depth = self.rng.choice((10, 100, 255, 256, 257, 1000))
        kind = self.rng.random()
        blob = (b"[" * depth + b"]" * depth) if kind < 0.5 else (b"{a: " * depth + b"}" * depth)
        return d + b"\nx-deep: " + blob + b"\n"

    def long_scalar(self, d: bytes) -> bytes:
        n = self.rng.choice((1000, 70_000))
        filler = self.rng.choice((b"a", b"\xc3\xa9", b"{", b"$", b"\\u00e9"))
        return d + b"\nx-long: \"" + filler * (n // len(filler)) + b"\"\n"

    def anchors(self, d: bytes) -> bytes:
        names = self.names(d)
        n = self.rng.choice(names)
        return d.replace(b"\n  " + n + b":\n", b"\n  " + n + b": &" + n + b"\n", 1) + \
            b"\n  copy-" + n + b": *" + n + b"\n"

    ops = [flip, set_byte, delete, insert_token, insert_token, insert_token_line_end, dup_line, del_line,
           swap_lines, indent, splice, rename_ref, rename_ref, add_field, add_field, add_field, cycle, deep,
           long_scalar, anchors]


def stress_cases() -> list[tuple[str, bytes]]:
    """Big structured inputs that random mutation does not reach: long dependency chains (deep
    recursion in graph code), a long cycle, wide fan-in, many references to one resource."""

    def chain(n: int, reverse: bool, cycle: bool = False) -> bytes:
        out = ["resources:\n"]
        for i in range(n):
            out.append(f"  r{i}:\n    type: executable\n    command: sleep\n")
            j = i + 1 if reverse else i - 1
            if cycle:
                j %= n
            if 0 <= j < n:
                out.append(f"    waitFor: [r{j}]\n")
        return "".join(out).encode()

    def fan_in(n: int) -> bytes:
        out = ["resources:\n  hub:\n    type: redis\n"]
        for i in range(n):
            out.append(f"  c{i}:\n    type: executable\n    command: sleep\n    references: [hub]\n"
                       f"    waitFor: [hub]\n    env: {{ H: \"{{hub.connectionString}}\" }}\n")
        return "".join(out).encode()

    def ref_chain(n: int) -> bytes:
        out = ["resources:\n"]
        for i in range(n):
            out.append(f"  p{i}:\n    type: parameter\n    default: \"{{p{i + 1}.value}}\"\n" if i + 1 < n else
                       f"  p{i}:\n    type: parameter\n    default: end\n")
        return "".join(out).encode()

    return [
        ("waitFor chain of 5,000 (each waits for the next)", chain(5000, reverse=True)),
        ("waitFor chain of 60,000 (each waits for the next)", chain(60000, reverse=True)),
        ("waitFor cycle of 20,000", chain(20000, reverse=True, cycle=True)),
        ("fan-in: 20,000 resources waiting for one redis", fan_in(20000)),
        ("parameter defaults chained through expressions, 20,000 long", ref_chain(20000)),
    ]


def run_stress(aspire: Path, timeout: float, out: Path) -> int:
    failed = 0
    with tempfile.TemporaryDirectory(prefix="aspire-cli-stress-") as tmp:
        for index, (label, data) in enumerate(stress_cases()):
            started = time.perf_counter()
            statuses, failures = run_case(aspire, Path(tmp), index * 3 + 1, data, timeout)
            elapsed = time.perf_counter() - started
            if failures:
                failed += 1
                out.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha1(data).hexdigest()[:12]
                (out / f"stress-{digest}.yaml").write_bytes(data)
                (out / f"stress-{digest}.txt").write_text(f"{label}\n" + "\n".join(
                    f"$ aspire {' '.join(f['argv'])}\n{f['why']}\n{f['stderr']}" for f in failures))
                print(f"cli_fuzz: stress FAIL: {label}: {failures[0]['why']} ({elapsed:.1f}s) -> "
                      f"fuzz/cli-crashes/stress-{digest}.yaml", flush=True)
            else:
                print(f"cli_fuzz: stress ok: {label}: exit {statuses[0]} ({elapsed:.1f}s)", flush=True)
    return failed


def find_aspire(given: str | None) -> Path:
    for c in ([given] if given else [".build-bench/release/aspire", ".build/release/aspire"]):
        p = Path(c)
        if not p.is_absolute():
            p = ROOT / p
        if p.is_file() and os.access(p, os.X_OK):
            return p.resolve()
    raise SystemExit("cli_fuzz: no aspire binary; build with `swift build -c release --product aspire` or pass --aspire")


def run_case(aspire: Path, work: Path, index: int, data: bytes, timeout: float) -> tuple[list[int], list[dict]]:
    """Runs the commands for one case; returns (validate's exit status per command, failures)."""
    folder = work / f"case{index}"
    folder.mkdir()
    path = folder / "apphost.yaml"
    path.write_bytes(data)
    commands = [["validate", "-f", str(path)]]
    if index % 3 == 0:
        names = NAME_RE.findall(data)
        name = names[index % len(names)].decode() if names else "cache"
        commands += [["validate", "-f", str(path), "--format", "json"], ["graph", "-f", str(path), "--format", "json"],
                     ["env", name, "-f", str(path)]]
    failures, statuses = [], []
    env = dict(os.environ, NO_COLOR="1")
    for args in commands:
        argv = [str(aspire), *args]
        try:
            proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout, cwd=folder,
                                  env=env)
        except subprocess.TimeoutExpired:
            failures.append({"argv": args, "why": f"timed out after {timeout}s", "stderr": ""})
            continue
        stderr = proc.stderr.decode(errors="replace")
        statuses.append(proc.returncode)
        why = None
        if proc.returncode < 0:
            why = f"killed by signal {-proc.returncode}"
        elif proc.returncode not in (0, 1):
            why = f"exit status {proc.returncode} (expected 0 or 1)"
        elif any(marker in stderr for marker in BAD_STDERR):
            why = "runtime failure text on stderr"
        if why:
            failures.append({"argv": args, "why": why, "stderr": stderr[-4000:]})
    shutil.rmtree(folder, ignore_errors=True)
    return statuses, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aspire")
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=None, help="RNG seed (default: time)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per command")
    parser.add_argument("--out", default=str(HERE / "cli-crashes"), help="where failing inputs go")
    parser.add_argument("--stress", action="store_true",
                        help="also run a few big structured inputs (long waitFor chains, a long cycle, wide fan-in); "
                             "slow while the graph code is quadratic")
    args = parser.parse_args()

    aspire = find_aspire(args.aspire)
    stress_failed = run_stress(aspire, max(args.timeout, 300.0), Path(args.out)) if args.stress else 0
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    seeds = load_seeds()
    tokens = load_dict(HERE / "yaml.dict")
    mutator = Mutator(rng, seeds, tokens)
    print(f"cli_fuzz: {aspire}, {len(seeds)} seeds, {len(tokens)} dictionary tokens, {args.cases} cases, "
          f"seed {seed}, {args.jobs} jobs", flush=True)

    cases = [mutator.mutate(rng.choice(seeds)) for _ in range(args.cases)]
    out = Path(args.out)
    executions, failed, started, tally = 0, [], time.perf_counter(), {}
    with tempfile.TemporaryDirectory(prefix="aspire-cli-fuzz-") as tmp:
        work = Path(tmp)
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {pool.submit(run_case, aspire, work, i, data, args.timeout): i for i, data in enumerate(cases)}
            done = 0
            for future in concurrent.futures.as_completed(futures):
                i = futures[future]
                statuses, failures = future.result()
                executions += len(statuses)
                for status in statuses:
                    tally[status] = tally.get(status, 0) + 1
                done += 1
                if failures:
                    digest = hashlib.sha1(cases[i]).hexdigest()[:12]
                    out.mkdir(parents=True, exist_ok=True)
                    (out / f"{digest}.yaml").write_bytes(cases[i])
                    report = "\n\n".join(f"$ aspire {' '.join(f['argv'])}\n{f['why']}\n{f['stderr']}" for f in failures)
                    (out / f"{digest}.txt").write_text(report)
                    failed.append((digest, failures))
                    print(f"cli_fuzz: FAIL case {i} -> fuzz/cli-crashes/{digest}.yaml: "
                          f"{failures[0]['why']} ({' '.join(failures[0]['argv'][:1])})", flush=True)
                if done % 500 == 0:
                    print(f"cli_fuzz: {done}/{args.cases} cases, {executions} executions, {len(failed)} failing, "
                          f"{time.perf_counter() - started:.0f}s", flush=True)
    elapsed = time.perf_counter() - started
    print(f"cli_fuzz: {args.cases} cases, {executions} executions of aspire in {elapsed:.0f}s; "
          f"{len(failed)} failing case(s)" + (f" (inputs in {out})" if failed else ""))
    print("cli_fuzz: exit statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(tally.items())))
    return 1 if failed or stress_failed else 0


if __name__ == "__main__":
    sys.exit(main())
