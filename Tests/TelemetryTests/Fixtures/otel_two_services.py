"""Two services exporting through the OpenTelemetry Python SDK, configured only by the OTEL_*
variables `aspire up` injects (endpoint, protocol, headers, service name, instance id).

  otel_two_services.py api       serves GET /items on a free port (prints "port N"); GET /stop flushes and exits
  otel_two_services.py frontend N  calls api's /items over real HTTP with the W3C traceparent, stops api,
                                   prints the ids as JSON

OTEL_EXPORTER_OTLP_PROTOCOL picks the exporter: grpc, http/protobuf, or http/json (the SDK has no
JSON exporter: this script encodes the SDK's protobuf messages as OTLP/JSON — hex ids, integer
enums — and posts them). Exits 3 when the SDK is missing.
"""

import base64
import json
import logging
import os
import sys
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

try:
    from google.protobuf.json_format import MessageToDict
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
    from opentelemetry.exporter.otlp.proto.common.metrics_encoder import encode_metrics
    from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
    from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
    from opentelemetry.sdk._logs.export import LogExportResult, SimpleLogRecordProcessor
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import MetricExporter, MetricExportResult, PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
except ImportError as error:
    print(f"no OpenTelemetry SDK: {error}", file=sys.stderr)
    sys.exit(3)

PROTOCOL = os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
ENDPOINT = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "")
HEADERS = dict(h.split("=", 1) for h in os.environ.get("OTEL_EXPORTER_OTLP_HEADERS", "").split(",") if "=" in h)
# The SDK's exporters read OTEL_EXPORTER_OTLP_TIMEOUT too (seconds; the tests set a generous one: a
# loaded CI machine under AddressSanitizer answers slowly). The HTTP calls between the two use it.
TIMEOUT = float(os.environ.get("OTEL_EXPORTER_OTLP_TIMEOUT", "10"))


def hex_ids(value):
    """OTLP/JSON: trace and span ids as hex, not protobuf JSON's base64."""
    if isinstance(value, dict):
        return {k: (base64.b64decode(v).hex() if k in ("traceId", "spanId", "parentSpanId") and isinstance(v, str) else hex_ids(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [hex_ids(v) for v in value]
    return value


def post_json(path, message):
    body = json.dumps(hex_ids(MessageToDict(message, use_integers_for_enums=True))).encode()
    request = urllib.request.Request(ENDPOINT + path, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **HEADERS})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
        return answer.status == 200


class JSONSpans:
    def export(self, spans):
        return SpanExportResult.SUCCESS if post_json("/v1/traces", encode_spans(spans)) else SpanExportResult.FAILURE

    def shutdown(self):
        pass

    def force_flush(self, timeout_millis=0):
        return True


class JSONLogs:
    def export(self, batch):
        return LogExportResult.SUCCESS if post_json("/v1/logs", encode_logs(batch)) else LogExportResult.FAILURE

    def shutdown(self):
        pass


class JSONMetrics(MetricExporter):
    def export(self, metrics_data, timeout_millis=10_000, **kwargs):
        return MetricExportResult.SUCCESS if post_json("/v1/metrics", encode_metrics(metrics_data)) else MetricExportResult.FAILURE

    def force_flush(self, timeout_millis=10_000):
        return True

    def shutdown(self, timeout_millis=30_000, **kwargs):
        pass


def exporters():
    if PROTOCOL == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
        return OTLPSpanExporter(), OTLPLogExporter(), OTLPMetricExporter()
    if PROTOCOL == "http/json":
        return JSONSpans(), JSONLogs(), JSONMetrics()
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    return OTLPSpanExporter(), OTLPLogExporter(), OTLPMetricExporter()


spans, logs, metrics = exporters()
resource = Resource.create()  # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES
tracer_provider = TracerProvider(resource=resource)
tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
tracer = tracer_provider.get_tracer("two-services")
logger_provider = LoggerProvider(resource=resource)
logger_provider.add_log_record_processor(SimpleLogRecordProcessor(logs))
logger = logging.getLogger("two-services")
logger.setLevel(logging.INFO)
logger.propagate = False
logger.addHandler(LoggingHandler(level=logging.INFO, logger_provider=logger_provider))
reader = PeriodicExportingMetricReader(metrics, export_interval_millis=60_000)
meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
orders = meter_provider.get_meter("two-services").create_counter("orders", unit="{order}")
propagator = TraceContextTextMapPropagator()


def shutdown():
    meter_provider.shutdown()
    logger_provider.shutdown()
    tracer_provider.shutdown()


class API(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/stop":
            self.send_response(200)
            self.end_headers()
            shutdown()
            self.server.stopping = True
            return
        context = propagator.extract({k.lower(): v for k, v in self.headers.items()})  # urllib sends "Traceparent"
        with tracer.start_as_current_span("GET /items", context=context, kind=trace.SpanKind.SERVER) as served:
            with tracer.start_as_current_span("SELECT items"):
                logger.info("listing items")
            orders.add(3, {"region": "eu"})
            orders.add(4, {"region": "eu"})
            body = json.dumps({"api_server_span_id": format(served.get_span_context().span_id, "016x")}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if sys.argv[1] == "api":
    server = HTTPServer(("127.0.0.1", 0), API)
    server.stopping = False
    print(f"port {server.server_address[1]}", flush=True)
    while not server.stopping:
        server.handle_request()
else:
    api_port = int(sys.argv[2])
    with tracer.start_as_current_span("GET /checkout", kind=trace.SpanKind.SERVER) as root:
        logger.warning("checkout started")
        with tracer.start_as_current_span("call api", kind=trace.SpanKind.CLIENT) as call:
            headers = {}
            propagator.inject(headers)
            request = urllib.request.Request(f"http://127.0.0.1:{api_port}/items", headers=headers)
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                served = json.loads(answer.read())
    shutdown()
    urllib.request.urlopen(f"http://127.0.0.1:{api_port}/stop", timeout=TIMEOUT).read()  # api flushes, then exits
    print(json.dumps({
        "trace_id": format(root.get_span_context().trace_id, "032x"),
        "root_span_id": format(root.get_span_context().span_id, "016x"),
        "call_span_id": format(call.get_span_context().span_id, "016x"),
        "api_server_span_id": served["api_server_span_id"],
    }))
