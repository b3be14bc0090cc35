"""Takes jobs off the queue and "processes" them. Runs as several replicas.

CRASH_AFTER=N makes it exit 1 after N jobs, so the on-failure restart policy shows.
"""

import json
import os
import random
import signal
import sys
import time

from resp import Redis

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
name = f"worker[{os.getpid()}]"
crash_after = int(os.environ.get("CRASH_AFTER") or 0)
connection_string = os.environ.get("ConnectionStrings__queue")
if not connection_string:
    sys.exit(f"{name}: ConnectionStrings__queue is not set; reference the queue in apphost.yaml")

redis = Redis.from_connection_string(connection_string)
done = 0
print(f"{name}: waiting for jobs", flush=True)
try:
    while True:
        item = redis.call("BLPOP", "jobs:pending", 1)
        if item is None:
            continue
        job = json.loads(item[1])
        time.sleep(random.uniform(0.05, 0.3))
        total = redis.call("INCR", "jobs:done")
        done += 1
        print(f"{name}: finished job {job['id']} ({total} done in all)", flush=True)
        if crash_after and done >= crash_after:
            print(f"{name}: simulated crash after {done} jobs", file=sys.stderr, flush=True)
            sys.exit(1)
except KeyboardInterrupt:
    pass
