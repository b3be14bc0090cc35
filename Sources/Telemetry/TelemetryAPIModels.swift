// The JSON bodies of the control API's telemetry endpoints (docs/control-api.md), shared by the
// server (built from the store) and the CLI (decoded, then formatted by ``TelemetryText``).
// Ids are lowercase hex and times are nanoseconds since 1970, as OTLP/JSON writes them.

/// An attribute as the API writes it: the value as text, with its OTLP type.
package struct TelemetryAttributeJSON: Codable, Sendable, Hashable {
    package var key: String
    package var value: String
    /// string, bool, int, double, bytes, composite or empty.
    package var type: String

    package init(key: String, value: String, type: String) {
        self.key = key
        self.value = value
        self.type = type
    }

    package init(_ attribute: TelemetryAttribute) {
        key = attribute.key
        value = attribute.value.text
        type =
            switch attribute.value {
            case .string: "string"
            case .bool: "bool"
            case .int: "int"
            case .double: "double"
            case .bytes: "bytes"
            case .composite: "composite"
            case .empty: "empty"
            }
    }
}

/// One log record.
package struct TelemetryLogJSON: Codable, Sendable, Hashable {
    /// Increases by one per record the store accepted: pass the last one seen as `after`.
    package var sequence: UInt64
    package var timeUnixNano: UInt64
    /// The resource's service name (the app's resource name) and instance id.
    package var resource: String
    package var instance: String
    package var severityNumber: Int
    /// TRACE, DEBUG, INFO, WARN, ERROR, FATAL (from the number), else the sender's text.
    package var severity: String
    package var message: String
    package var scope: String
    package var traceId: String?
    package var spanId: String?
    package var eventName: String?
    package var attributes: [TelemetryAttributeJSON]

    package init(_ record: TelemetryLogRecord) {
        sequence = record.sequence
        timeUnixNano = record.timeUnixNano
        resource = record.resource.serviceName
        instance = record.resource.instanceID
        severityNumber = record.severityNumber
        severity = record.severityName
        message = record.body.text
        scope = record.scope
        traceId = record.traceID?.description
        spanId = record.spanID.isNone ? nil : record.spanID.description
        eventName = record.eventName.isEmpty ? nil : record.eventName
        attributes = record.attributes.map(TelemetryAttributeJSON.init)
    }
}

/// The answer to `GET /v1/telemetry/logs`.
package struct TelemetryLogsPage: Codable, Sendable, Hashable {
    /// Oldest first.
    package var logs: [TelemetryLogJSON]
    /// The newest sequence number the store had given out when it answered: ask for `after=last`
    /// next to get only newer records (what `aspire otel logs -f` does).
    package var last: UInt64

    package init(logs: [TelemetryLogJSON], last: UInt64) {
        self.logs = logs
        self.last = last
    }
}

/// One trace in a list.
package struct TelemetryTraceJSON: Codable, Sendable, Hashable {
    package var traceId: String
    package var rootName: String
    package var rootResource: String
    /// Every resource with a span in the trace, sorted.
    package var resources: [String]
    package var startUnixNano: UInt64
    package var durationNano: UInt64
    package var spanCount: Int
    package var hasError: Bool

    package init(_ summary: TelemetryTraceSummary) {
        traceId = summary.traceID.description
        rootName = summary.rootName
        rootResource = summary.rootResource.serviceName
        resources = summary.resources
        startUnixNano = summary.startUnixNano
        durationNano = summary.durationNano
        spanCount = summary.spanCount
        hasError = summary.hasError
    }
}

/// The answer to `GET /v1/telemetry/traces`.
package struct TelemetryTracesPage: Codable, Sendable, Hashable {
    /// Newest first.
    package var traces: [TelemetryTraceJSON]

    package init(traces: [TelemetryTraceJSON]) { self.traces = traces }
}

/// One span of a trace.
package struct TelemetrySpanJSON: Codable, Sendable, Hashable {
    package struct Event: Codable, Sendable, Hashable {
        package var name: String
        package var timeUnixNano: UInt64
        package var attributes: [TelemetryAttributeJSON]
    }

    package struct Link: Codable, Sendable, Hashable {
        package var traceId: String
        package var spanId: String
        package var attributes: [TelemetryAttributeJSON]
    }

    package var spanId: String
    /// nil for a root span.
    package var parentSpanId: String?
    package var name: String
    /// unspecified, internal, server, client, producer or consumer.
    package var kind: String
    package var resource: String
    package var instance: String
    package var scope: String
    package var startUnixNano: UInt64
    package var endUnixNano: UInt64
    package var durationNano: UInt64
    /// unset, ok or error.
    package var status: String
    package var statusMessage: String?
    package var attributes: [TelemetryAttributeJSON]
    package var events: [Event]
    package var links: [Link]
    package var droppedCount: Int

    package init(_ span: TelemetrySpan) {
        spanId = span.spanID.description
        parentSpanId = span.parentSpanID.isNone ? nil : span.parentSpanID.description
        name = span.name
        kind =
            switch span.kind {
            case .unspecified: "unspecified"
            case .internal: "internal"
            case .server: "server"
            case .client: "client"
            case .producer: "producer"
            case .consumer: "consumer"
            }
        resource = span.resource.serviceName
        instance = span.resource.instanceID
        scope = span.scope
        startUnixNano = span.startUnixNano
        endUnixNano = span.endUnixNano
        durationNano = span.durationNano
        status =
            switch span.status {
            case .unset: "unset"
            case .ok: "ok"
            case .error: "error"
            }
        statusMessage = span.statusMessage.isEmpty ? nil : span.statusMessage
        attributes = span.attributes.map(TelemetryAttributeJSON.init)
        events = span.events.map {
            Event(name: $0.name, timeUnixNano: $0.timeUnixNano, attributes: $0.attributes.map(TelemetryAttributeJSON.init))
        }
        links = span.links.map {
            Link(traceId: $0.traceID.description, spanId: $0.spanID.description, attributes: $0.attributes.map(TelemetryAttributeJSON.init))
        }
        droppedCount = span.droppedCount
    }
}

/// The answer to `GET /v1/telemetry/traces/{traceId}`: the trace, its spans by start time and its log records.
package struct TelemetryTraceDetail: Codable, Sendable, Hashable {
    package var trace: TelemetryTraceJSON
    package var spans: [TelemetrySpanJSON]
    package var logs: [TelemetryLogJSON]

    package init(trace: TelemetryTraceJSON, spans: [TelemetrySpanJSON], logs: [TelemetryLogJSON]) {
        self.trace = trace
        self.spans = spans
        self.logs = logs
    }
}

/// One instrument of a resource.
package struct TelemetryInstrumentJSON: Codable, Sendable, Hashable {
    package var name: String
    package var description: String
    package var unit: String
    package var scope: String
    /// gauge, sum, histogram, exponentialHistogram or summary.
    package var kind: String
    package var isMonotonic: Bool
    /// 1 delta, 2 cumulative, 0 unspecified.
    package var temporality: Int
    package var pointCount: Int

    package init(_ instrument: TelemetryInstrument) {
        name = instrument.name
        description = instrument.description
        unit = instrument.unit
        scope = instrument.scope
        kind = instrument.kind.rawValue
        isMonotonic = instrument.isMonotonic
        temporality = instrument.temporality
        pointCount = instrument.pointCount
    }
}

/// The answer to `GET /v1/telemetry/resources/{name}/instruments`.
package struct TelemetryInstrumentsPage: Codable, Sendable, Hashable {
    package var resource: String
    package var instruments: [TelemetryInstrumentJSON]

    package init(resource: String, instruments: [TelemetryInstrumentJSON]) {
        self.resource = resource
        self.instruments = instruments
    }
}

/// One metric point.
package struct TelemetryPointJSON: Codable, Sendable, Hashable {
    package var instance: String
    package var startUnixNano: UInt64
    package var timeUnixNano: UInt64
    /// Gauges and sums: the value; histograms and summaries: the sum.
    package var value: Double
    /// Histograms and summaries: how many measurements.
    package var count: UInt64?
    package var bounds: [Double]?
    package var bucketCounts: [UInt64]?
    package var min: Double?
    package var max: Double?
    package var attributes: [TelemetryAttributeJSON]

    package init(instance: String, point: TelemetryMetricPoint) {
        self.instance = instance
        startUnixNano = point.startUnixNano
        timeUnixNano = point.timeUnixNano
        value = point.value.isFinite ? point.value : 0  // JSON has no NaN or infinity
        count = point.count == 0 ? nil : point.count
        bounds = point.bounds.isEmpty ? nil : point.bounds.filter(\.isFinite)
        bucketCounts = point.bucketCounts.isEmpty ? nil : point.bucketCounts
        min = point.min.flatMap { $0.isFinite ? $0 : nil }
        max = point.max.flatMap { $0.isFinite ? $0 : nil }
        attributes = point.attributes.map(TelemetryAttributeJSON.init)
    }
}

/// The answer to `GET /v1/telemetry/resources/{name}/instruments/{instrument}`: oldest point first.
package struct TelemetryPointsPage: Codable, Sendable, Hashable {
    package var resource: String
    package var instrument: TelemetryInstrumentJSON
    package var points: [TelemetryPointJSON]

    package init(resource: String, instrument: TelemetryInstrumentJSON, points: [TelemetryPointJSON]) {
        self.resource = resource
        self.instrument = instrument
        self.points = points
    }
}

/// The answer to `GET /v1/telemetry/resources`: who sent telemetry.
package struct TelemetryResourcesPage: Codable, Sendable, Hashable {
    package struct Entry: Codable, Sendable, Hashable {
        package var name: String
        package var instance: String

        package init(name: String, instance: String) {
            self.name = name
            self.instance = instance
        }
    }

    package var resources: [Entry]

    package init(resources: [Entry]) { self.resources = resources }
}
