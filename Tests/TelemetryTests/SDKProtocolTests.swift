import Foundation
import Telemetry
import TelemetryGRPC
import Testing

/// Runs the HTTP and the gRPC receiver on free loopback ports into one store for the length of `body`.
func withReceivers<Value: Sendable>(
    apiKey: String, store: TelemetryStore, _ body: @Sendable (_ http: Int, _ grpc: Int) async throws -> Value
) async throws -> Value {
    let (ports, continuation) = AsyncStream.makeStream(of: (String, Int).self)
    return try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask {
            try await TelemetryReceiver(port: 0, apiKey: apiKey, store: store).run(onRunning: { continuation.yield(("http", $0)) })
            return nil
        }
        group.addTask {
            try await OTLPGRPCReceiver(port: 0, apiKey: apiKey, store: store).run(onRunning: { continuation.yield(("grpc", $0)) })
            return nil
        }
        var bound: [String: Int] = [:]
        for await (name, port) in ports {
            bound[name] = port
            if bound.count == 2 { break }
        }
        let value = try await body(try #require(bound["http"]), try #require(bound["grpc"]))
        group.cancelAll()
        while try await group.next() != nil {}
        return value
    }
}

extension ReceiverTests {
    /// A two-service app on the OpenTelemetry Python SDK, configured only by the injected OTEL_*
    /// variables, exporting over each OTLP protocol; and the gRPC receiver's refusals.
    @Suite(.serialized) struct SDKProtocols {
        @Test("one trace across two processes, logs with ids, a counter", arguments: ["grpc", "http/protobuf", "http/json"])
        func twoServices(protocol name: String) async throws {
            if let reason = Self.missing("opentelemetry.sdk, opentelemetry.exporter.otlp.proto.http, opentelemetry.exporter.otlp.proto.grpc") {
                print("skipping the two-service SDK test over \(name): \(reason)")
                return
            }
            let store = TelemetryStore()
            try await withReceivers(apiKey: ReceiverTests.key, store: store) { http, grpc in
                let script = try #require(Bundle.module.path(forResource: "otel_two_services", ofType: "py", inDirectory: "Fixtures"))
                func environment(_ service: String) -> [String: String] {
                    [
                        "OTEL_SERVICE_NAME": service,
                        "OTEL_RESOURCE_ATTRIBUTES": "service.instance.id=\(service)-test",
                        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(name == "grpc" ? grpc : http)",
                        "OTEL_EXPORTER_OTLP_PROTOCOL": name,
                        "OTEL_EXPORTER_OTLP_HEADERS": "x-otlp-api-key=\(ReceiverTests.key)",
                        "OTEL_EXPORTER_OTLP_TIMEOUT": "120",
                    ]
                }
                let api = try PythonProcess(script, ["api"], environment: environment("api"))
                defer { api.terminate() }
                let apiPort = try #require(await api.firstLine(prefix: "port ").flatMap { Int($0) })
                let frontend = try PythonProcess(script, ["frontend", String(apiPort)], environment: environment("frontend"))
                defer { frontend.terminate() }
                let frontendStatus = await frontend.exitStatus()
                #expect(frontendStatus == 0, "frontend: \(frontend.errors())")
                if frontendStatus != 0 { api.stop() }  // it waits for the frontend's /stop
                let apiStatus = await api.exitStatus()
                #expect(apiStatus == 0, "api: \(api.errors())")
                let sent = try #require(try JSONSerialization.jsonObject(with: Data(frontend.output().utf8)) as? [String: String])
                let traceID = try #require(sent["trace_id"].flatMap { TraceID(hex: $0) })

                #expect(await eventually { await store.spans(of: traceID)?.count == 4 })
                let spans = try #require(await store.spans(of: traceID))
                let byName = Dictionary(spans.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
                let root = try #require(byName["GET /checkout"])
                let call = try #require(byName["call api"])
                let served = try #require(byName["GET /items"])
                let query = try #require(byName["SELECT items"])
                #expect(root.parentSpanID.isNone && root.spanID.description == sent["root_span_id"])
                #expect(call.parentSpanID == root.spanID && call.spanID.description == sent["call_span_id"])
                #expect(served.parentSpanID == call.spanID && served.spanID.description == sent["api_server_span_id"])
                #expect(query.parentSpanID == served.spanID)
                #expect(root.resource == TelemetryResourceKey(serviceName: "frontend", instanceID: "frontend-test"))
                #expect(served.resource == TelemetryResourceKey(serviceName: "api", instanceID: "api-test"))
                #expect(served.kind == .server && call.kind == .client)
                #expect(await store.traceSummary(traceID)?.resources == ["api", "frontend"])

                #expect(await eventually { await store.logs(LogFilter(traceID: traceID)).count == 2 })
                let logs = await store.logs(LogFilter(traceID: traceID))
                let warning = try #require(logs.first { $0.resource.serviceName == "frontend" })
                #expect(warning.body == .string("checkout started") && warning.severityName == "WARN")
                #expect(warning.spanID == call.spanID || warning.spanID == root.spanID)
                let info = try #require(logs.first { $0.resource.serviceName == "api" })
                #expect(info.body == .string("listing items") && info.spanID == query.spanID)

                #expect(await eventually { await store.points(of: "api", instrument: "orders").last?.point.value == 7 })
                let counter = try #require(await store.instruments(of: "api").first { $0.name == "orders" })
                #expect(counter.kind == .sum && counter.isMonotonic)
            }
        }

        @Test("gRPC: no or a wrong key is UNAUTHENTICATED, > 20 MiB (any size, as sent or inflated) RESOURCE_EXHAUSTED, malformed INVALID_ARGUMENT; still serving")
        func grpcRefusals() async throws {
            if let reason = Self.missing("grpc") {
                print("skipping the gRPC refusal test: \(reason)")
                return
            }
            let store = TelemetryStore()
            try await withReceivers(apiKey: ReceiverTests.key, store: store) { _, grpc in
                let script = try #require(Bundle.module.path(forResource: "grpc_probe", ofType: "py", inDirectory: "Fixtures"))
                let probe = try PythonProcess(script, [String(grpc), ReceiverTests.key], environment: [:])
                defer { probe.terminate() }
                let status = await probe.exitStatus()
                #expect(status == 0, "grpc_probe: \(probe.errors())")
                let codes = try #require(try JSONSerialization.jsonObject(with: Data(probe.output().utf8)) as? [String: String])
                #expect(codes["no_key"] == "UNAUTHENTICATED")
                #expect(codes["wrong_key"] == "UNAUTHENTICATED")
                #expect(codes["oversized"] == "RESOURCE_EXHAUSTED")
                #expect(codes["huge"] == "RESOURCE_EXHAUSTED", "64 MiB: answered from the length prefix, not reset (CANCELLED)")
                #expect(codes["inflates_huge"] == "RESOURCE_EXHAUSTED", "a small gzip message that inflates to 64 MiB")
                #expect(codes["malformed"] == "INVALID_ARGUMENT")
                #expect(codes["valid"] == "OK")
                #expect(await store.sizes().spans == 0)
            }
        }

        /// Why `modules` cannot be imported by python3, or nil when they can.
        static func missing(_ modules: String) -> String? {
            let check = Process()
            check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            check.arguments = ["python3", "-c", "import \(modules)"]
            check.standardError = FileHandle.nullDevice
            do {
                try check.run()
                check.waitUntilExit()
            } catch {
                return "no python3 (\(error))"
            }
            return check.terminationStatus == 0 ? nil : "python3 cannot import \(modules) (make deps installs them)"
        }
    }
}
