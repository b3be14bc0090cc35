#!/usr/bin/env python3
"""Six servers to all-healthy (issue 19): `aspire up -d` against a shell script (the floor).

    python3 bench/servers.py [--aspire PATH] [--quick] [--runs N] [--out bench/results/servers.json] [--keep-script]

The app: postgres, mysql, rabbitmq, nats, redis and aws, each `runtime: native`, in a temporary
folder. No resource waits for another, so both sides start all six at once.

  aspire   `aspire up -d` launched until it returns; it returns once every resource is healthy
           (checked afterwards with `aspire ps --format json`), then `aspire down` (not timed).
  floor    a bash script generated from a warm-up `up -d`: each server started with exactly the
           argv, environment, working directory and user aspire gave it (read from /proc;
           redis-server, which rewrites its title, as `redis-server DATA/redis.conf`; moto's
           Python launcher as `moto_server` on the same PATH), all six at once, then each polled
           until healthy the way aspire checks it, at aspire's cadence while starting
           (LaunchPlanner and the WellKnownType files): postgres `psql … -tAc 'SELECT 1'` every
           50 ms; mysql's handshake (protocol 10 at byte 3), AMQP's Connection.Start after the
           protocol header and NATS's `INFO ` every 50 ms (greetings start at 50 ms: each probe
           is a logged connection in those servers); a TCP connect to redis and moto's S3
           ListBuckets (`GET /` answered 2xx) every 10 ms. The script exits when all six
           passed; timed from its start to its exit.

Both are timed the same number of times, alternating; the medians and their ratio are printed.
Target: aspire <= 1.2x the floor. Needs the six servers installed (make deps); skipped with a
note otherwise. Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
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

APP = """name: six
resources:
  pg: { type: postgres, runtime: native }
  my: { type: mysql, runtime: native }
  mq: { type: rabbitmq, runtime: native }
  bus: { type: nats, runtime: native }
  cache: { type: redis, runtime: native }
  cloud: { type: aws, runtime: native }
"""

# How aspire checks each (LaunchPlanner+Postgres, WellKnownType+MySQL/RabbitMQ/Nats/AWS, LaunchPlanner+Redis).
PROBES = {
    "pg": "psql",
    "my": ("greeting", "", "000a", 3),
    "mq": ("greeting", r"AMQP\x00\x00\x09\x01", "010000", 0),
    "bus": ("greeting", "", "494e464f20", 0),
    "cache": "tcp",
    "cloud": "http",
}
NEEDS = ["postgres", "mariadbd", "rabbitmq-server", "nats-server", "redis-server", "moto_server"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


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
        states = {name: r.get("health") or r["state"] for name, r in ps(binary, manifest).items()}
        if any(state != "healthy" for state in states.values()):
            raise SystemExit(f"bench: up -d returned before every resource was healthy: {states}")
    finally:
        aspire(binary, "down", "-f", str(manifest), check=False)
    return elapsed


def capture(binary: str, manifest: Path) -> dict[str, dict]:
    """argv, environment, folder, user and port of each server, from a warm-up run."""
    aspire(binary, "up", "-d", "-f", str(manifest))
    try:
        result = {}
        for name, resource in ps(binary, manifest).items():
            pid = resource["pids"][0]
            argv = [a.decode() for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:-1]]
            cwd = os.readlink(f"/proc/{pid}/cwd")
            if name == "cache":
                argv = [shutil.which("redis-server") or "redis-server", cwd + "/redis.conf"]
            if os.path.basename(argv[0]).startswith("python") and len(argv) > 1 and argv[1].endswith("/moto_server"):
                argv = ["moto_server", *argv[2:]]
            env = dict(item.split(b"=", 1) for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") if b"=" in item)
            status = Path(f"/proc/{pid}/status").read_text().splitlines()
            uid = next(line.split()[1] for line in status if line.startswith("Uid:"))
            gid = next(line.split()[1] for line in status if line.startswith("Gid:"))
            result[name] = {
                "argv": argv, "env": {k.decode(): v.decode() for k, v in env.items()}, "cwd": cwd,
                "uid": int(uid), "gid": int(gid), "port": int(resource["urls"][0].rsplit(":", 1)[1]),
            }
        return result
    finally:
        aspire(binary, "down", "-f", str(manifest), check=False)


def floor_script(processes: dict[str, dict]) -> str:
    """The bash floor: start all six as aspire did, poll each the way aspire does, exit when all pass."""
    psql = shutil.which("psql") or "psql"
    pg_bin = os.path.dirname(processes["pg"]["argv"][0])
    if os.path.exists(os.path.join(pg_bin, "psql")):
        psql = os.path.join(pg_bin, "psql")
    lines = [
        "#!/bin/bash",
        "# Generated by bench/servers.py: the six servers as aspire starts them, polled as aspire checks them.",
        "greeting() {  # port, bytes to send (printf), expected hex, offset",
        "  exec 3<>/dev/tcp/127.0.0.1/$1 || return 1",
        '  [ -n "$2" ] && printf "$2" >&3',
        '  local got; got=$(timeout 2 head -c $(( $4 + ${#3} / 2 )) <&3 | od -An -v -tx1 | tr -d " \\n")',
        "  exec 3<&- 3>&-",
        '  [ "${got:$(( $4 * 2 ))}" = "$3" ]',
        "}",
        "tcp() { exec 3<>/dev/tcp/127.0.0.1/$1 || return 1; exec 3<&- 3>&-; }",
        "http() {",
        "  exec 3<>/dev/tcp/127.0.0.1/$1 || return 1",
        "  printf 'GET / HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&3",
        "  local status; IFS= read -r -t 2 status <&3; cat <&3 >/dev/null",
        "  exec 3<&- 3>&-",
        '  [[ $status == "HTTP/1."?" "[23]* ]]',
        "}",
    ]
    for name, spec in processes.items():
        env = " ".join(shlex.quote(f"{k}={v}") for k, v in sorted(spec["env"].items()))
        user = f"setpriv --reuid={spec['uid']} --regid={spec['gid']} --clear-groups " if spec["uid"] != os.getuid() else ""
        argv = " ".join(shlex.quote(a) for a in spec["argv"])
        lines.append(f"(cd {shlex.quote(spec['cwd'])} && exec {user}env -i {env} {argv}) >/dev/null 2>&1 &")
    for name, spec in processes.items():
        probe, port = PROBES[name], spec["port"]
        if probe == "psql":
            password = shlex.quote(spec["env"].get("PGPASSWORD", ""))
            check, pause = f"PGPASSWORD={password} {shlex.quote(psql)} -h 127.0.0.1 -p {port} -U postgres -d postgres -tAc 'SELECT 1'", "0.05"
        elif probe == "tcp":
            check, pause = f"tcp {port}", "0.01"
        elif probe == "http":
            check, pause = f"http {port}", "0.01"
        else:
            _, send, expect, offset = probe
            check, pause = f"greeting {port} {shlex.quote(send)} {expect} {offset}", "0.05"
        lines.append(f"(until {check} >/dev/null 2>&1; do sleep {pause}; done) &")
        lines.append(f"waits+=($!)")
    lines.append('wait "${waits[@]}"')
    return "\n".join(lines) + "\n"


def tcp_ok(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        return True
    except OSError:
        return False


def wait_free(ports: list[int]) -> None:
    deadline = time.monotonic() + 30
    while any(tcp_ok(p) for p in ports):
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: ports {ports} still accept connections")
        time.sleep(0.05)


def time_floor(script: Path, processes: dict[str, dict]) -> float:
    ports = [spec["port"] for spec in processes.values()]
    wait_free(ports)
    start = time.perf_counter()
    proc = subprocess.Popen(["bash", str(script)], stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        code = proc.wait(120)
        elapsed = time.perf_counter() - start
        if code:
            raise SystemExit(f"bench: the floor script exited {code}")
        return elapsed
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and subprocess.run(["pgrep", "-g", str(proc.pid)], stdout=subprocess.DEVNULL).returncode == 0:
                time.sleep(0.05)
        wait_free(ports)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aspire", default=str(ROOT / ".build" / "release" / "aspire"))
    parser.add_argument("--quick", action="store_true", help="2 runs each instead of 5")
    parser.add_argument("--runs", type=int)
    parser.add_argument("--out", help="write the figures as JSON here")
    parser.add_argument("--keep-script", help="copy the generated floor script here")
    args, _ = parser.parse_known_args()  # BENCH_FLAGS is shared with the other bench scripts
    path = os.environ.get("PATH", "") + ":/usr/sbin:/usr/lib/rabbitmq/bin"
    missing = [n for n in NEEDS if not shutil.which(n, path=path) and not any(Path(f"/usr/lib/postgresql/{v}/bin/postgres").exists() for v in range(10, 30) if n == "postgres")]
    if missing:
        print(f"servers: skipped (not installed: {', '.join(missing)}; make deps installs them)")
        return 0
    runs = args.runs or (2 if args.quick else 5)
    with tempfile.TemporaryDirectory(prefix="aspire-servers-") as tmp:
        os.chmod(tmp, 0o755)  # the servers' own users reach their data folders
        manifest = Path(tmp) / "apphost.yaml"
        manifest.write_text(APP)
        log("servers: warm-up run (initialises the data folders; captures each server's argv, environment and user)")
        processes = capture(args.aspire, manifest)
        script = Path(tmp) / "floor.sh"
        script.write_text(floor_script(processes))
        script.chmod(0o700)
        if args.keep_script:
            shutil.copy(script, args.keep_script)
        aspire_times, floor_times = [], []
        try:
            for run in range(runs):
                aspire_times.append(time_aspire(args.aspire, manifest))
                floor_times.append(time_floor(script, processes))
                log(f"servers: run {run + 1}/{runs}: aspire {aspire_times[-1]:.3f} s, floor {floor_times[-1]:.3f} s")
        finally:
            aspire(args.aspire, "down", "--volumes", "-f", str(manifest), check=False)
    a, f = statistics.median(aspire_times), statistics.median(floor_times)
    ratio = a / f
    verdict = "ok" if ratio <= TARGET_RATIO else "ABOVE TARGET"
    print(f"servers: postgres, mysql, rabbitmq, nats, redis, aws (all native) to all-healthy, median of {runs}")
    print(f"  aspire up -d   {a:.3f} s   (min {min(aspire_times):.3f}, max {max(aspire_times):.3f})")
    print(f"  floor script   {f:.3f} s   (min {min(floor_times):.3f}, max {max(floor_times):.3f})")
    paired = statistics.median(x / y for x, y in zip(aspire_times, floor_times))
    print(f"  ratio          {ratio:.2f}x   (target <= {TARGET_RATIO}x: {verdict}; median of the paired runs' ratios {paired:.2f}x)")
    if args.out:
        Path(args.out).write_text(json.dumps({
            "what": "six native servers, `aspire up -d` to all-healthy vs a bash script starting the same argv and polling the same checks",
            "runs": runs, "aspire_s": aspire_times, "floor_s": floor_times,
            "aspire_median_s": a, "floor_median_s": f, "ratio": ratio, "paired_ratio_median": paired,
            "target_ratio": TARGET_RATIO, "load_average": os.getloadavg(),
        }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
