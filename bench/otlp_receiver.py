"""A Python OTLP/HTTP trace receiver written in a few lines, the peer bench/otel.py loads like aspire's.

Default (`store`): what aspire's receiver does with a request, in Python. Each
ExportTraceServiceRequest is parsed with the official protobuf classes (upb), and every span is kept
in memory in a form one can query: a dict per span with its hex trace id, span id and parent id,
name, kind, start and end times, status code, scope name, attributes as a dict and the resource's
service name, grouped by trace id; past 10,000 traces the oldest trace goes (aspire's default cap).

`--parse-only`: the old baseline, which only parses the request and counts its spans.

Both answer with an empty ExportTraceServiceResponse on ThreadingHTTPServer (a thread per connection).
"""
import sys
import threading
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest, ExportTraceServiceResponse

MAX_TRACES = 10_000
EMPTY = ExportTraceServiceResponse().SerializeToString()
SPANS = [0]
TRACES = OrderedDict()  # trace id (hex) -> [span dict], oldest trace first
LOCK = threading.Lock()


def value(any_value):
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


def store(request):
    for resource_spans in request.resource_spans:
        resource = {pair.key: value(pair.value) for pair in resource_spans.resource.attributes}
        service = resource.get("service.name") or "unknown_service"
        for scope_spans in resource_spans.scope_spans:
            scope = scope_spans.scope.name
            for span in scope_spans.spans:
                trace_id = span.trace_id.hex()
                row = {
                    "trace_id": trace_id, "span_id": span.span_id.hex(), "parent_span_id": span.parent_span_id.hex(),
                    "name": span.name, "kind": span.kind, "start": span.start_time_unix_nano, "end": span.end_time_unix_nano,
                    "status": span.status.code, "scope": scope, "service": service,
                    "attributes": {pair.key: value(pair.value) for pair in span.attributes},
                }
                with LOCK:
                    trace = TRACES.get(trace_id)
                    if trace is None:
                        TRACES[trace_id] = [row]
                        if len(TRACES) > MAX_TRACES:
                            TRACES.popitem(last=False)
                    else:
                        trace.append(row)
                    SPANS[0] += 1


def count(request):
    SPANS[0] += sum(len(scope.spans) for rs in request.resource_spans for scope in rs.scope_spans)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    keep = staticmethod(store)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.keep(ExportTraceServiceRequest.FromString(body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(EMPTY)))
        self.end_headers()
        self.wfile.write(EMPTY)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if "--parse-only" in arguments:
        arguments.remove("--parse-only")
        Handler.keep = staticmethod(count)
    server = ThreadingHTTPServer(("127.0.0.1", int(arguments[0]) if arguments else 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
