"""Calls the OTLP/gRPC TraceService/Export with raw bytes and prints each answer's status code as JSON:
no key, a wrong key, messages over 20 MiB (21 MiB, 64 MiB — past what grpc-swift's transport reads —
and a gzip-compressed one of 100 KiB that inflates to 64 MiB), a malformed one, then a valid (empty)
one — the last shows the receiver still serves. Usage: grpc_probe.py PORT KEY [HOST]; with HOST (another address
the receiver listens on) only the key check and a valid call are made. Exits 3 without grpcio."""

import json
import sys

try:
    import grpc
except ImportError as error:
    print(f"no grpcio: {error}", file=sys.stderr)
    sys.exit(3)

port, key = sys.argv[1], sys.argv[2]
host = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
channel = grpc.insecure_channel(f"{host}:{port}", options=[("grpc.max_send_message_length", -1)])
export = channel.unary_unary("/opentelemetry.proto.collector.trace.v1.TraceService/Export")


def code(body, metadata, compression=None):
    try:
        # Generous: in the full suite on 2 cores the receiver can wait a long time for a thread.
        export(body, metadata=metadata, timeout=120, compression=compression)
        return "OK"
    except grpc.RpcError as error:
        return error.code().name


if len(sys.argv) > 3:
    print(json.dumps({"no_key": code(b"", []), "valid": code(b"", [("x-otlp-api-key", key)])}))
    sys.exit(0)

print(json.dumps({
    "no_key": code(b"", []),
    "wrong_key": code(b"", [("x-otlp-api-key", "wrong")]),
    "oversized": code(b"\x0a" + b"\xff" * (21 * 1024 * 1024), [("x-otlp-api-key", key)]),
    "huge": code(b"\x0a" + b"\xff" * (64 * 1024 * 1024), [("x-otlp-api-key", key)]),
    "inflates_huge": code(b"\x0a" + b"\x00" * (64 * 1024 * 1024), [("x-otlp-api-key", key)], grpc.Compression.Gzip),
    "malformed": code(b"\x0a\xff\xff\xff\xff\x0f", [("x-otlp-api-key", key)]),
    "valid": code(b"", [("x-otlp-api-key", key)]),
}))
