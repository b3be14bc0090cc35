import Foundation
import OTLP
import Quoting
import SwiftProtobuf

/// Which OTLP signal a request carries (`/v1/traces`, `/v1/logs`, `/v1/metrics`).
package enum OTLPSignal: String, Sendable, CaseIterable {
    case traces, logs, metrics
}

/// The body encodings OTLP/HTTP allows.
package enum OTLPEncoding: Sendable, Hashable {
    case protobuf, json

    /// From a `Content-Type` header (parameters such as `charset` ignored); nil when unsupported.
    package init?(contentType: String?) {
        let type = (contentType ?? "").split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        switch type {
        case "application/x-protobuf", "application/protobuf": self = .protobuf
        case "application/json": self = .json
        default: return nil
        }
    }

    var contentType: String {
        switch self {
        case .protobuf: "application/x-protobuf"
        case .json: "application/json"
        }
    }
}

/// What the receiver answers: a status and a body in the request's encoding.
package struct OTLPReply: Sendable {
    package var status: Int
    package var contentType: String
    package var body: [UInt8]
    /// Items the store refused (the partial success's `rejected_*`).
    package var rejected: Int = 0
}

/// Decodes one OTLP/HTTP body, stores what it holds and builds the reply the spec asks for,
/// independent of the HTTP server (so the rules are tested without sockets, and a gRPC
/// front end can share them).
package struct OTLPIngest: Sendable {
    package let store: TelemetryStore
    /// Bodies (compressed, and once inflated) larger than this get 413; the default is 20 MiB.
    package let maxBodyBytes: Int

    package init(store: TelemetryStore, maxBodyBytes: Int = 20 * 1_024 * 1_024) {
        self.store = store
        self.maxBodyBytes = maxBodyBytes
    }

    /// Handles a body whose content type is already known to be supported.
    ///
    /// - Parameters:
    ///   - signal: Which endpoint it was posted to.
    ///   - encoding: From `Content-Type`.
    ///   - contentEncoding: `Content-Encoding` (`gzip`, `identity` or nil).
    ///   - body: The body as received.
    /// - Returns: 200 with an `Export*ServiceResponse` (partial success when items were rejected);
    ///   400 for a body that does not decode (nothing is stored); 413 for one that inflates past the
    ///   limit; 415 for an unknown `Content-Encoding`.
    package func handle(signal: OTLPSignal, encoding: OTLPEncoding, contentEncoding: String?, body: [UInt8]) async -> OTLPReply {
        var bytes = body
        if !Self.isIdentity(contentEncoding) {
            let coding = Self.normalized(contentEncoding) ?? ""
            guard coding == "gzip" else {
                return Self.error(415, "unsupported Content-Encoding '\(coding)' (gzip or none)", encoding: encoding)
            }
            do {
                bytes = try Gzip.inflate(body, limit: maxBodyBytes)
            } catch .tooLarge {
                return Self.error(413, "the inflated body is larger than \(maxBodyBytes) bytes", encoding: encoding)
            } catch {
                return Self.error(400, "the body is not valid gzip", encoding: encoding)
            }
        }
        if encoding == .json { bytes = OTLPJSONIDs.rewrite(bytes) }
        let conversion = OTLPConversion(limits: store.limits)
        defer { store.changes.note(signal) }  // wakes the live dashboard pages (a refused body wakes them for nothing)
        do {
            switch signal {
            case .traces:
                // Protobuf goes through the fast decoder; what it declines, and JSON, through swift-protobuf.
                let fast = encoding == .protobuf ? conversion.fastSpans(bytes) : nil
                let batch = try fast ?? conversion.spans(try Self.decode(TraceRequest.self, bytes, encoding))
                return try await keep(batch, encoding: encoding)
            case .logs:
                let batch = conversion.logs(try Self.decode(LogsRequest.self, bytes, encoding))
                let refused = await store.insert(logs: batch.items, resources: batch.resources)
                return try Self.answer(
                    batch, refused: refused, encoding: encoding, rejectedCount: \LogsResponse.partialSuccess.rejectedLogRecords,
                    errorMessage: \LogsResponse.partialSuccess.errorMessage)
            case .metrics:
                let batch = conversion.metrics(try Self.decode(MetricsRequest.self, bytes, encoding))
                let refused = await store.insert(metrics: batch.items, resources: batch.resources)
                return try Self.answer(
                    batch, refused: refused, encoding: encoding, rejectedCount: \MetricsResponse.partialSuccess.rejectedDataPoints,
                    errorMessage: \MetricsResponse.partialSuccess.errorMessage)
            }
        } catch {
            return Self.error(400, "the body is not a valid OTLP \(signal.rawValue) request: \(error)", encoding: encoding)
        }
    }

    /// `Content-Encoding` as compared: trimmed and lowercased.
    static func normalized(_ contentEncoding: String?) -> String? {
        contentEncoding?.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Whether the body arrives as sent (no `Content-Encoding`, empty or `identity`).
    static func isIdentity(_ contentEncoding: String?) -> Bool {
        switch normalized(contentEncoding) {
        case nil, "", "identity": true
        default: false
        }
    }

    /// Stores a decoded trace batch and answers it.
    func keep(_ batch: consuming OTLPConversion.Batch<TelemetrySpan>, encoding: OTLPEncoding) async throws -> OTLPReply {
        let spans = batch.items
        batch.items = []  // the store gets the only reference, so it moves the spans rather than copying them
        let refused = await store.insert(spans: consume spans, resources: batch.resources)
        return try Self.answer(
            batch, refused: refused, encoding: encoding, rejectedCount: \TraceResponse.partialSuccess.rejectedSpans,
            errorMessage: \TraceResponse.partialSuccess.errorMessage)
    }

    private static func decode<M: SwiftProtobuf.Message>(_ type: M.Type, _ bytes: [UInt8], _ encoding: OTLPEncoding) throws -> M {
        switch encoding {
        case .protobuf:
            return try M(serializedBytes: bytes)
        case .json:
            var options = JSONDecodingOptions()
            options.ignoreUnknownFields = true  // OTLP: receivers MUST ignore fields they do not know
            return try M(jsonUTF8Bytes: bytes, options: options)
        }
    }

    /// The 200 answer to an export: `Response`, with its partial success (how many were rejected
    /// and why) filled only when the conversion or the store rejected something.
    private static func answer<Item, Response: SwiftProtobuf.Message>(
        _ batch: OTLPConversion.Batch<Item>, refused: Int, encoding: OTLPEncoding,
        rejectedCount: WritableKeyPath<Response, Int64>, errorMessage: WritableKeyPath<Response, String>
    ) throws -> OTLPReply {
        var response = Response()
        let rejected = batch.rejected + refused
        if rejected > 0 {
            response[keyPath: rejectedCount] = Int64(rejected)
            response[keyPath: errorMessage] = message(batch.message, refused: refused)
        }
        return try reply(response, encoding: encoding, rejected: rejected)
    }

    private static func reply(_ message: some SwiftProtobuf.Message, encoding: OTLPEncoding, rejected: Int) throws -> OTLPReply {
        let body: [UInt8] =
            switch encoding {
            case .protobuf: try message.serializedBytes()
            case .json: try message.jsonUTF8Bytes()
            }
        return OTLPReply(status: 200, contentType: encoding.contentType, body: body, rejected: rejected)
    }

    private static func message(_ reasons: String, refused: Int) -> String {
        let cap = refused > 0 ? "\(refused) over the store's caps (resources, or spans per trace)" : ""
        return [reasons, cap].filter { !$0.isEmpty }.joined(separator: "; ")
    }

    /// An error reply: a `google.rpc.Status` (code, message) in the request's encoding, as OTLP asks.
    package static func error(_ status: Int, _ message: String, encoding: OTLPEncoding?) -> OTLPReply {
        // gRPC codes: 3 INVALID_ARGUMENT, 16 UNAUTHENTICATED, 8 RESOURCE_EXHAUSTED, 3 for the rest.
        let code: Int = status == 401 ? 16 : status == 413 ? 8 : 3
        switch encoding {
        case .protobuf?:
            var body: [UInt8] = [0x08]
            appendVarint(UInt64(code), to: &body)
            body.append(0x12)
            appendVarint(UInt64(message.utf8.count), to: &body)
            body += Array(message.utf8)
            return OTLPReply(status: status, contentType: "application/x-protobuf", body: body)
        case .json?, nil:
            let text = "{\"code\":\(code),\"message\":\(JSON.string(message))}"
            return OTLPReply(status: status, contentType: "application/json", body: Array(text.utf8))
        }
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
