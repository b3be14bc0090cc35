import GRPCCore
import GRPCNIOTransportHTTP2Posix
import NIOCore
package import Telemetry

/// The OTLP/gRPC receiver `aspire up` serves on 127.0.0.1: the three collector services
/// (`opentelemetry.proto.collector.{trace,logs,metrics}.v1.*Service/Export`), docs/telemetry.md.
///
/// The services are registered by hand with GRPCCore's method descriptors and a pass-through
/// byte codec (docs/architecture.md): the body is handed as received to `OTLPIngest`, the code the
/// HTTP receiver runs, so both paths store, reject and answer alike. The key in the
/// `x-otlp-api-key` metadata is checked before the message is read (UNAUTHENTICATED otherwise);
/// a message over 20 MiB, of any size, gets RESOURCE_EXHAUSTED (``OversizedMessageGuard``).
/// Run it as a child task: cancelling the task stops it.
package struct OTLPGRPCReceiver: Sendable {
    /// The port asked for (0 lets the system pick; `run(onRunning:)` reports the real one).
    package let port: Int
    package let apiKey: String
    package let ingest: OTLPIngest
    /// Addresses served besides 127.0.0.1, on the same port: docker's bridge gateway when a
    /// container resource must reach the receiver (docs/telemetry.md). Never 0.0.0.0.
    package let alsoListenOn: [String]
    /// Told when an address of ``alsoListenOn`` cannot be bound (the loopback one still serves).
    let onExtraAddressError: @Sendable (String, any Error) -> Void

    /// - Parameters:
    ///   - port: The loopback port; kept stable across runs by the caller (`@otlp.grpc`).
    ///   - apiKey: The secret every call must present.
    ///   - store: Where accepted telemetry goes.
    ///   - maxMessageBytes: Larger messages (compressed or not) get RESOURCE_EXHAUSTED (20 MiB by default).
    ///   - alsoListenOn: More addresses to serve on the same port (a bridge gateway); still key-checked.
    ///   - onExtraAddressError: Called when one of them cannot be bound.
    package init(
        port: Int, apiKey: String, store: TelemetryStore, maxMessageBytes: Int = 20 * 1_024 * 1_024,
        alsoListenOn: [String] = [], onExtraAddressError: @escaping @Sendable (String, any Error) -> Void = { _, _ in }
    ) {
        self.port = port
        self.apiKey = apiKey
        self.ingest = OTLPIngest(store: store, maxBodyBytes: maxMessageBytes)
        self.alsoListenOn = alsoListenOn.filter { $0 != TelemetryReceiver.host && $0 != "0.0.0.0" && !$0.isEmpty }
        self.onExtraAddressError = onExtraAddressError
    }

    /// Serves until the calling task is cancelled: 127.0.0.1 first, then each of ``alsoListenOn``
    /// on the port loopback got.
    ///
    /// - Parameter onRunning: Called once the loopback socket listens, with the bound port.
    /// - Throws: When the loopback port cannot be bound.
    package func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let loopback = transport(host: TelemetryReceiver.host, port: port)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await Self.serve(GRPCServer(transport: loopback, services: [OTLPCollectorServices(receiver: self)])) }
            let bound = try await loopback.listeningAddress.ipv4?.port ?? port
            for host in alsoListenOn {
                let extra = transport(host: host, port: bound)
                group.addTask {
                    do {
                        try await Self.serve(GRPCServer(transport: extra, services: [OTLPCollectorServices(receiver: self)]))
                    } catch {
                        if !Task.isCancelled { self.onExtraAddressError(host, error) }
                    }
                }
                _ = try? await extra.listeningAddress  // running means every address listens (or failed)
            }
            await onRunning(bound)
        }
    }

    /// One address's transport. The transport's own limit is ours: past it, its decoder fails the
    /// stream without a status, which ``OversizedMessageGuard`` (first in every stream's pipeline)
    /// turns into RESOURCE_EXHAUSTED — before the message is read when its length prefix says so.
    func transport(host: String, port: Int) -> HTTP2ServerTransport.Posix {
        let limit = ingest.maxBodyBytes
        return HTTP2ServerTransport.Posix(
            address: .ipv4(host: host, port: port), transportSecurity: .plaintext,
            config: .defaults { config in
                config.rpc.maxRequestPayloadSize = limit
                config.compression.enabledAlgorithms = [.gzip, .deflate]
                config.channelDebuggingCallbacks.onAcceptHTTP2Stream = { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(OversizedMessageGuard(limit: limit), position: .first)
                    }
                }
            })
    }

    /// Serves `server` until the calling task is cancelled, which shuts it down gracefully.
    static func serve(_ server: GRPCServer<HTTP2ServerTransport.Posix>) async throws {
        try await withTaskCancellationHandler {
            do {
                try Task.checkCancellation()
                try await server.serve()
            } catch {
                if !Task.isCancelled { throw error }  // cancelled: the stop asked for, not a failure
            }
        } onCancel: {
            server.beginGracefulShutdown()
        }
    }

    /// One export call: key first, then the message through the shared ingest.
    func export(_ signal: OTLPSignal, _ request: StreamingServerRequest<[UInt8]>) async throws -> StreamingServerResponse<[UInt8]> {
        let keys = request.metadata[stringValues: TelemetryReceiver.apiKeyHeader]
        guard keys.contains(where: { TelemetryReceiver.equal($0, apiKey) }) else {
            throw RPCError(code: .unauthenticated, message: "missing or wrong \(TelemetryReceiver.apiKeyHeader) metadata")
        }
        let single = try await ServerRequest(stream: request)
        guard single.message.count <= ingest.maxBodyBytes else {
            throw RPCError(code: .resourceExhausted, message: "the message is larger than \(ingest.maxBodyBytes) bytes")
        }
        let reply = await ingest.handle(signal: signal, encoding: .protobuf, contentEncoding: nil, body: single.message)
        switch reply.status {
        case 200:
            return StreamingServerResponse(single: ServerResponse(message: reply.body))
        case 413:
            throw RPCError(code: .resourceExhausted, message: "the message is larger than \(ingest.maxBodyBytes) bytes")
        default:
            throw RPCError(code: .invalidArgument, message: "the message is not a valid OTLP \(signal.rawValue) export request")
        }
    }
}

/// The three collector services, each with its one unary `Export` method.
struct OTLPCollectorServices: RegistrableRPCService {
    let receiver: OTLPGRPCReceiver

    /// The fully qualified service names of opentelemetry-proto's collector protos.
    static let services: [(OTLPSignal, String)] = [
        (.traces, "opentelemetry.proto.collector.trace.v1.TraceService"),
        (.logs, "opentelemetry.proto.collector.logs.v1.LogsService"),
        (.metrics, "opentelemetry.proto.collector.metrics.v1.MetricsService"),
    ]

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        for (signal, service) in Self.services {
            let receiver = receiver
            router.registerHandler(
                forMethod: MethodDescriptor(fullyQualifiedService: service, method: "Export", type: .unary),
                deserializer: PassThroughCodec(), serializer: PassThroughCodec()
            ) { request, _ in try await receiver.export(signal, request) }
        }
    }
}

/// Hands a message's bytes over undecoded: decoding is `OTLPIngest`'s, after the key check.
struct PassThroughCodec: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}
