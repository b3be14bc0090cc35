package import Hummingbird
import Foundation
import HTTPTypes
package import Logging
import GracefulServing

/// The OTLP/HTTP receiver `aspire up` serves on 127.0.0.1: `POST /v1/traces`, `/v1/logs` and
/// `/v1/metrics`, protobuf or JSON, optionally gzip-compressed (docs/telemetry.md).
///
/// Every request must carry the app's key in `x-otlp-api-key`; without it the answer is 401
/// before the body is read. Run it as a child task: cancelling the task stops it.
package struct TelemetryReceiver: Sendable {
    /// The port asked for (0 lets the system pick; `run(onRunning:)` reports the real one).
    package let port: Int
    package let apiKey: String
    package let ingest: OTLPIngest
    let logger: Logger

    /// The header OTLP exporters send the key in (`OTEL_EXPORTER_OTLP_HEADERS=x-otlp-api-key=…`).
    package static let apiKeyHeader = "x-otlp-api-key"
    static let apiKeyField = HTTPField.Name(apiKeyHeader)
    /// The one address both receivers bind, and the host the injected endpoint names
    /// (docs/telemetry.md: not `localhost`, which may resolve to ::1 first).
    package static let host = "127.0.0.1"

    /// Addresses served besides 127.0.0.1, on the same port: docker's bridge gateway when a
    /// container resource must reach the receiver (docs/telemetry.md). Never 0.0.0.0.
    package let alsoListenOn: [String]
    /// Told when an address of ``alsoListenOn`` cannot be bound (the loopback one still serves).
    let onExtraAddressError: @Sendable (String, any Error) -> Void

    /// - Parameters:
    ///   - port: The loopback port; kept stable across runs by the caller.
    ///   - apiKey: The secret every request must present.
    ///   - store: Where accepted telemetry goes.
    ///   - maxBodyBytes: Larger bodies get 413 (20 MiB by default).
    ///   - alsoListenOn: More addresses to serve on the same port (a bridge gateway); still key-checked.
    ///   - onExtraAddressError: Called when one of them cannot be bound.
    ///   - logger: Hummingbird's logger; nil logs nothing (the console belongs to `up`).
    package init(
        port: Int, apiKey: String, store: TelemetryStore, maxBodyBytes: Int = 20 * 1_024 * 1_024,
        alsoListenOn: [String] = [], onExtraAddressError: @escaping @Sendable (String, any Error) -> Void = { _, _ in },
        logger: Logger? = nil
    ) {
        self.port = port
        self.apiKey = apiKey
        self.ingest = OTLPIngest(store: store, maxBodyBytes: maxBodyBytes)
        self.alsoListenOn = alsoListenOn.filter { $0 != Self.host && $0 != "0.0.0.0" && !$0.isEmpty }
        self.onExtraAddressError = onExtraAddressError
        self.logger = logger ?? Logger(label: "aspire.otlp", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    /// Serves OTLP/HTTP on 127.0.0.1:`port` (and `alsoListenOn`) into `store` until the calling task is cancelled.
    ///
    /// - Parameters:
    ///   - alsoListenOn: More addresses on the same port (docker's bridge gateway).
    ///   - onExtraAddressError: Called when one of them cannot be bound.
    ///   - onRunning: Called once the loopback socket listens, with the bound port.
    /// - Throws: When the loopback port cannot be bound.
    package static func start(
        port: Int, apiKey: String, store: TelemetryStore, alsoListenOn: [String] = [],
        onExtraAddressError: @escaping @Sendable (String, any Error) -> Void = { _, _ in },
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        try await TelemetryReceiver(
            port: port, apiKey: apiKey, store: store, alsoListenOn: alsoListenOn, onExtraAddressError: onExtraAddressError
        ).run(onRunning: onRunning)
    }

    /// Serves until the calling task is cancelled: 127.0.0.1 first, then each of ``alsoListenOn``
    /// on the port loopback got.
    package func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let (ports, announce) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                do {
                    try await GracefulServing.run(self.application(host: Self.host, port: port) { announce.yield($0) })
                } catch {
                    announce.finish()
                    throw error
                }
            }
            var iterator = ports.makeAsyncIterator()
            guard let bound = await iterator.next() else { return }  // the loopback task's error is the group's
            announce.finish()
            // Running means every address listens (or failed), so a container never finds it closed.
            let (ready, isReady) = AsyncStream.makeStream(of: Void.self)
            for host in alsoListenOn {
                group.addTask {
                    do {
                        try await GracefulServing.run(self.application(host: host, port: bound) { _ in isReady.yield() })
                    } catch {
                        isReady.yield()
                        if !Task.isCancelled { self.onExtraAddressError(host, error) }
                    }
                }
            }
            var readiness = ready.makeAsyncIterator()
            for _ in alsoListenOn { _ = await readiness.next() }
            await onRunning(bound)
        }
    }

    /// One listening address's application (every address shares the routes and the key check).
    func application(host: String, port: Int, onRunning: @escaping @Sendable (Int) async -> Void)
        -> Application<RouterResponder<BasicRequestContext>>
    {
        Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// The routes; tests drive them in-process too.
    package func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        for signal in OTLPSignal.allCases {
            router.post("/v1/\(signal.rawValue)") { request, _ in await self.receive(signal, request) }
        }
        return router
    }

    private func receive(_ signal: OTLPSignal, _ request: Request) async -> Response {
        var request = request
        let contentType = request.headers[.contentType]
        let encoding = OTLPEncoding(contentType: contentType)
        guard let field = Self.apiKeyField, let key = request.headers[field], Self.equal(key, apiKey) else {
            return Self.response(OTLPIngest.error(401, "missing or wrong \(Self.apiKeyHeader) header", encoding: encoding))
        }
        guard let encoding else {
            let given = contentType ?? "none"
            return Self.response(
                OTLPIngest.error(415, "unsupported Content-Type '\(given)' (application/x-protobuf or application/json)", encoding: nil))
        }
        let limit = ingest.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            return Self.response(OTLPIngest.error(413, "the body is larger than \(limit) bytes", encoding: encoding))
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            return Self.response(OTLPIngest.error(413, "the body is larger than \(limit) bytes", encoding: encoding))
        }
        let reply = await ingest.handle(
            signal: signal, encoding: encoding, contentEncoding: request.headers[.contentEncoding], body: body)
        return Self.response(reply)
    }

    static func response(_ reply: OTLPReply) -> Response {
        Response(
            status: HTTPResponse.Status(code: reply.status), headers: [.contentType: reply.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    /// Compares in time independent of where the strings differ.
    package static func equal(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8)
        let b = Array(expected.utf8)
        var difference = a.count ^ b.count
        for index in 0..<b.count {
            difference |= Int((index < a.count ? a[index] : 0) ^ b[index])
        }
        return difference == 0
    }
}

extension OTLPIngest {
    /// The same for a body still in the server's buffer: an uncompressed protobuf trace export is
    /// decoded in place, without copying it to an array first; anything else (and what the fast
    /// decoder declines) takes ``handle(signal:encoding:contentEncoding:body:)`` with a copy.
    func handle(signal: OTLPSignal, encoding: OTLPEncoding, contentEncoding: String?, body: ByteBuffer) async -> OTLPReply {
        if signal == .traces, encoding == .protobuf, Self.isIdentity(contentEncoding), body.readableBytes > 0,
            let batch = body.withUnsafeReadableBytes({ OTLPConversion(limits: store.limits).fastSpans(raw: $0) })
        {
            defer { store.changes.note(signal) }
            do {
                return try await keep(batch, encoding: encoding)
            } catch {
                return OTLPIngest.error(400, "the body is not a valid OTLP \(signal.rawValue) request: \(error)", encoding: encoding)
            }
        }
        return await handle(signal: signal, encoding: encoding, contentEncoding: contentEncoding, body: Array(body.readableBytesView))
    }
}
