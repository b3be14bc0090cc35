import SwiftProtobuf

/// One OTLP/protobuf trace body decoded both ways: by the fast decoder
/// (``OTLPConversion/fastSpans(_:)``) and by swift-protobuf followed by
/// ``OTLPConversion/spans(_:)``, the reference. Tests and the `otlp` fuzz target check that the
/// fast decoder either declines or yields exactly the reference's batch.
package struct OTLPTraceDecodings: Sendable {
    /// What a body turned into: the batch as the store would be handed it.
    package struct Result: Sendable, Hashable {
        package var resources: [TelemetryResource]
        package var spans: [TelemetrySpan]
        package var rejected: Int
        package var message: String
    }

    /// nil when the fast decoder declined (the receiver then uses the reference).
    package var fast: Result?
    /// nil when swift-protobuf rejected the body (the receiver answers 400).
    package var reference: Result?

    package init(body: [UInt8], limits: TelemetryLimits = TelemetryLimits()) {
        let conversion = OTLPConversion(limits: limits)
        fast = conversion.fastSpans(body).map(Self.result)
        reference = (try? TraceRequest(serializedBytes: body)).map { Self.result(conversion.spans($0)) }
    }

    /// The fast decoder declined, or agreed with the reference (NaN attributes compared as text).
    package var agree: Bool { fast == nil || fast == reference || String(reflecting: fast) == String(reflecting: reference) }

    private static func result(_ batch: OTLPConversion.Batch<TelemetrySpan>) -> Result {
        Result(resources: batch.resources, spans: batch.items, rejected: batch.rejected, message: batch.message)
    }
}
