"""Exports telemetry of two services to an OTLP/HTTP receiver through the OpenTelemetry Python SDK.

The receiver comes from the environment, as `aspire up` injects it: OTEL_EXPORTER_OTLP_ENDPOINT and
OTEL_EXPORTER_OTLP_HEADERS. `frontend` handles a request and calls `api`, carrying the W3C
traceparent; `api` exports its spans first, so children reach the receiver before their parent.
Both write a log record inside their span, and `api` counts orders (3 + 4). Prints what it sent as
JSON; exits 3 when the SDK is missing.
"""

import json
import logging
import sys

try:
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
    from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
except ImportError as error:
    print(f"no OpenTelemetry SDK: {error}", file=sys.stderr)
    sys.exit(3)


class Service:
    """One service's providers, as a process with OTEL_SERVICE_NAME set would build them."""

    def __init__(self, name):
        resource = Resource.create({"service.name": name, "service.instance.id": f"{name}-test"})
        self.traces = TracerProvider(resource=resource)
        self.traces.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter()))
        self.tracer = self.traces.get_tracer(f"{name}.tracer")
        self.logs = LoggerProvider(resource=resource)
        self.logs.add_log_record_processor(SimpleLogRecordProcessor(OTLPLogExporter()))
        self.logger = logging.getLogger(name)
        self.logger.setLevel(logging.INFO)
        self.logger.propagate = False
        self.logger.addHandler(LoggingHandler(level=logging.INFO, logger_provider=self.logs))
        self.reader = PeriodicExportingMetricReader(OTLPMetricExporter(), export_interval_millis=60_000)
        self.metrics = MeterProvider(resource=resource, metric_readers=[self.reader])
        self.meter = self.metrics.get_meter(f"{name}.meter")

    def shutdown(self):
        self.metrics.shutdown()
        self.logs.shutdown()
        self.traces.shutdown()


frontend = Service("frontend")
api = Service("api")
orders = api.meter.create_counter("orders", unit="{order}", description="Orders placed")
propagator = TraceContextTextMapPropagator()

with frontend.tracer.start_as_current_span("GET /checkout", kind=trace.SpanKind.SERVER) as root:
    root.set_attribute("http.route", "/checkout")
    frontend.logger.warning("checkout started")
    with frontend.tracer.start_as_current_span("call api", kind=trace.SpanKind.CLIENT) as call:
        headers = {}
        propagator.inject(headers)
        # The api service, in "another process": only the traceparent header links it.
        context = propagator.extract(headers)
        with api.tracer.start_as_current_span("GET /items", context=context, kind=trace.SpanKind.SERVER) as served:
            with api.tracer.start_as_current_span("SELECT items"):
                api.logger.info("listing items")
            orders.add(3, {"region": "eu"})
            orders.add(4, {"region": "eu"})
        api_ids = {"server": format(served.get_span_context().span_id, "016x")}
        # api's spans are all exported (SimpleSpanProcessor) before frontend's "call api" ends.
    call_id = format(call.get_span_context().span_id, "016x")
root_id = format(root.get_span_context().span_id, "016x")

api.shutdown()
frontend.shutdown()
print(json.dumps({
    "trace_id": format(root.get_span_context().trace_id, "032x"),
    "root_span_id": root_id,
    "call_span_id": call_id,
    "api_server_span_id": api_ids["server"],
    "traceparent": headers.get("traceparent", ""),
}))
