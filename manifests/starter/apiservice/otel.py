"""OpenTelemetry for the starter's services: traces, logs and a counter, exported over OTLP/HTTP
to `aspire up` (which injects OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS,
OTEL_SERVICE_NAME, ...; the SDK reads them itself).

Optional: without the SDK (`make deps` installs opentelemetry-sdk and
opentelemetry-exporter-otlp-proto-http), or without OTEL_EXPORTER_OTLP_ENDPOINT, every helper
here does nothing and the service runs as before. The same file is in both services.
"""

import contextlib
import logging
import os

try:
    from opentelemetry import metrics, propagate, trace
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.trace import SpanKind, Status, StatusCode
    SDK = True
except ImportError:  # the service runs without telemetry
    SDK = False


class Telemetry:
    """What a service uses: spans around requests and calls, a logger, counters; no-ops when off."""

    def __init__(self, name):
        self.name = name
        self.enabled = (SDK and bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))
                        and os.environ.get("OTEL_SDK_DISABLED", "").lower() != "true")
        self.logger = logging.getLogger(name)
        self.logger.setLevel(logging.INFO)
        self.logger.propagate = False
        self._providers = []
        if not self.enabled:
            return
        resource = Resource.create()  # service.name and service.instance.id from the environment
        tracer_provider = TracerProvider(resource=resource)
        tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(tracer_provider)
        meter_provider = MeterProvider(resource=resource, metric_readers=[PeriodicExportingMetricReader(OTLPMetricExporter())])
        metrics.set_meter_provider(meter_provider)
        logger_provider = LoggerProvider(resource=resource)
        logger_provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter()))
        self.logger.addHandler(LoggingHandler(level=logging.INFO, logger_provider=logger_provider))
        self._providers = [tracer_provider, meter_provider, logger_provider]
        self.tracer = trace.get_tracer(name)
        self.meter = metrics.get_meter(name)

    def counter(self, name, unit="1", description=""):
        """A monotonic counter; `.add(n, attributes)` on the result (a no-op when off)."""
        if not self.enabled:
            return _NoCounter()
        return self.meter.create_counter(name, unit=unit, description=description)

    @contextlib.contextmanager
    def server_span(self, name, headers, attributes=None):
        """A SERVER span for one request, a child of the caller's W3C `traceparent` when there is one."""
        if not self.enabled:
            yield None
            return
        context = propagate.extract({key.lower(): value for key, value in headers.items()})
        with self.tracer.start_as_current_span(name, context=context, kind=SpanKind.SERVER,
                                               attributes=attributes or {}) as span:
            yield span

    @contextlib.contextmanager
    def client_span(self, name, attributes=None):
        """A CLIENT span around an outgoing call; yields the headers that carry `traceparent` on."""
        headers = {}
        if not self.enabled:
            yield headers
            return
        with self.tracer.start_as_current_span(name, kind=SpanKind.CLIENT, attributes=attributes or {}) as span:
            propagate.inject(headers)
            yield headers  # an exception marks the span failed and records it (the SDK's default)

    def fail(self, span, message):
        """Marks a span as failed (the dashboard shows it red)."""
        if span is not None:
            span.set_status(Status(StatusCode.ERROR, message))

    def shutdown(self):
        """Sends what is still buffered; call before the process exits."""
        for provider in self._providers:
            try:
                provider.shutdown()
            except Exception:
                pass


class _NoCounter:
    def add(self, amount, attributes=None):
        pass
