// otlp_fuzzer.swift — libFuzzer target over the OTLP receivers' three decoders.
//
// Every input is one request body, handed to `OTLPIngest.handle` (what both the OTLP/HTTP and
// the OTLP/gRPC receiver call) the way the first byte says:
//
//   byte 0 % 3        the signal: traces, logs, metrics
//   byte 0 / 3 % 2    the encoding: protobuf (swift-protobuf's binary decoder) or OTLP/JSON
//                     (hex ids rewritten by OTLPJSONIDs, then swift-protobuf's JSON decoder)
//   byte 0 / 6 % 2    Content-Encoding: none, or gzip (Sources/CZlibShim's inflate with the limit)
//   the rest          the body
//
// then through the conversion into the store (a small one: caps of 64 so eviction runs too) and
// the reply, which must be 200, 400, 413 or 415 with a body. An uncompressed protobuf traces body
// is also decoded both ways (OTLPTraceDecodings): the fast trace decoder must decline it or yield
// exactly what swift-protobuf + the conversion yield. A Swift trap or an ASan report is a crash.
// Built by fuzz/run.sh (target "otlp") from Sources/ without SwiftPM: SwiftProtobuf (from
// .build/checkouts/swift-protobuf, else /opt/swift-packages/apple/swift-protobuf.git), OTLP, Quoting,
// CZlibShim and Telemetry (without TelemetryReceiver.swift, the Hummingbird front end).

import Dispatch
import Telemetry

private let limits: TelemetryLimits = {
    var limits = TelemetryLimits()
    limits.logRecords = 64
    limits.traces = 64
    limits.spansPerTrace = 64
    limits.metricPointsPerResource = 64
    limits.attributesPerItem = 8
    limits.resources = 8
    return limits
}()

private let ingest = OTLPIngest(store: TelemetryStore(limits: limits), maxBodyBytes: 1 << 20)

/// Carries one reply status out of the task that computed it.
private final class Box: @unchecked Sendable {  // written once before the semaphore is signalled
    var status = 0
    var bodyCount = 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = Int(data[0])
    let signal = OTLPSignal.allCases[selector % 3]
    let encoding: OTLPEncoding = (selector / 3) % 2 == 0 ? .protobuf : .json
    let contentEncoding: String? = (selector / 6) % 2 == 0 ? nil : "gzip"
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if signal == .traces, encoding == .protobuf, contentEncoding == nil {
        let decodings = OTLPTraceDecodings(body: body, limits: limits)
        guard decodings.agree else {
            fatalError("the fast trace decoder disagrees: \(String(reflecting: decodings.fast)) vs \(String(reflecting: decodings.reference))")
        }
    }
    let done = DispatchSemaphore(value: 0)
    let box = Box()
    Task {
        let reply = await ingest.handle(signal: signal, encoding: encoding, contentEncoding: contentEncoding, body: body)
        box.status = reply.status
        box.bodyCount = reply.body.count
        done.signal()
    }
    done.wait()
    guard [200, 400, 413, 415].contains(box.status), box.status == 200 || box.bodyCount > 0 else {
        fatalError("unexpected reply \(box.status) with \(box.bodyCount) bytes")
    }
    return 0
}
