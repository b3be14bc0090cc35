"""Pushes a job onto the queue every --interval seconds, forever.

The connection string arrives as an argument (--redis={queue.connectionString} in apphost.yaml),
to show expressions in args.
"""

import argparse
import json
import signal
import sys
import time

from resp import Redis

parser = argparse.ArgumentParser()
parser.add_argument("--redis", required=True, help="the Redis connection string")
parser.add_argument("--interval", type=float, default=0.5)
options = parser.parse_args()

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
redis = Redis.from_connection_string(options.redis)
try:
    while True:
        job_id = redis.call("INCR", "jobs:next-id")
        redis.call("RPUSH", "jobs:pending", json.dumps({"id": job_id, "at": time.time()}))
        print(f"producer: queued job {job_id}", flush=True)
        time.sleep(options.interval)
except KeyboardInterrupt:
    pass
