/// One log record as stored.
package struct TelemetryLogRecord: Sendable, Hashable {
    /// Increases by one per record the store accepts: a page or `-f` asks for what came after the last it saw.
    package var sequence: UInt64
    /// The record's time, else the time it was observed.
    package var timeUnixNano: UInt64
    /// OTLP severity number, 1 (TRACE) to 24 (FATAL4); 0 unspecified.
    package var severityNumber: Int
    package var severityText: String
    package var body: TelemetryValue
    package var resource: TelemetryResourceKey
    package var scope: String
    package var attributes: [TelemetryAttribute]
    /// nil when the record was not written inside a span.
    package var traceID: TraceID?
    package var spanID: SpanID
    /// The record's event name (OTLP 1.5+), else empty.
    package var eventName: String

    /// The severity's family name (`TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`, `FATAL`), from the number.
    package var severityName: String {
        switch severityNumber {
        case 1...4: "TRACE"
        case 5...8: "DEBUG"
        case 9...12: "INFO"
        case 13...16: "WARN"
        case 17...20: "ERROR"
        case 21...24: "FATAL"
        default: severityText.isEmpty ? "UNSPECIFIED" : severityText.uppercased()
        }
    }
}
