"""Prints the configuration aspire injected, with secrets shortened, then exits 0."""

import os
import re

NAMES = ["services__", "PAYMENTS", "GEO", "ConnectionStrings__", "API_KEY", "FEATURE_FLAGS", "LOG_LEVEL", "OTEL_SERVICE_NAME"]
SECRET = re.compile(r"(Password=)[^;]*", re.IGNORECASE)


def shown(name, value):
    if name == "API_KEY":
        return value[:4] + "..." if value else "(empty)"
    return SECRET.sub(r"\1***", value)


for name in sorted(os.environ):
    if any(name.startswith(prefix) for prefix in NAMES):
        print(f"{name}={shown(name, os.environ[name])}", flush=True)
