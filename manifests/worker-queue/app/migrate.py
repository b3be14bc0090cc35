"""One-shot set-up of the queue's keys; exits 0 so that waitForCompletion lets the others start.

Uses the connection properties a reference injects: QUEUE_HOST, QUEUE_PORT, QUEUE_PASSWORD.
"""

import os
import sys

from resp import Redis

SCHEMA_VERSION = "2"

try:
    redis = Redis(os.environ["QUEUE_HOST"], os.environ["QUEUE_PORT"], os.environ.get("QUEUE_PASSWORD"))
except KeyError as missing:
    sys.exit(f"migrate: {missing} is not set; reference the queue in apphost.yaml")

current = redis.call("GET", "jobs:schema")
if current == SCHEMA_VERSION:
    print(f"migrate: schema already at version {SCHEMA_VERSION}, nothing to do", flush=True)
else:
    redis.call("DEL", "jobs:pending", "jobs:done", "jobs:next-id")
    redis.call("SET", "jobs:schema", SCHEMA_VERSION)
    print(f"migrate: schema {current or 'none'} -> {SCHEMA_VERSION}", flush=True)
redis.close()
