import Foundation
import OTLP
import SwiftProtobuf
import Telemetry
import Testing

/// The receiver over real loopback sockets, and the OpenTelemetry Python SDK exporting to it.
@Suite(.serialized) struct ReceiverTests {
    static let key = "test-key-0123456789"

    static func headers(_ type: String = "application/x-protobuf", key: String? = ReceiverTests.key) -> [String: String] {
        var headers = ["Content-Type": type]
        if let key { headers["x-otlp-api-key"] = key }
        return headers
    }

    @Test("401 without the key or with a wrong one, 415, 413, 400 — and the receiver keeps serving")
    func refusals() async throws {
        let store = TelemetryStore()
        let receiver = TelemetryReceiver(port: 0, apiKey: Self.key, store: store, maxBodyBytes: 4_096)
        try await withReceiver(receiver) { port in
            let body: [UInt8] = try logsRequest("api", count: 1).serializedBytes()
            #expect(try await post(port: port, path: "/v1/logs", headers: Self.headers(key: nil), body: body).status == 401)
            #expect(try await post(port: port, path: "/v1/logs", headers: Self.headers(key: "wrong"), body: body).status == 401)
            // 401 comes before the body is read: a huge declared length gets no 413.
            let unread = try await post(
                port: port, path: "/v1/logs", headers: Self.headers(key: nil).merging(["Content-Length": "999999999"]) { $1 }, body: [])
            #expect(unread.status == 401)
            #expect(try await post(port: port, path: "/v1/logs", headers: Self.headers("text/plain"), body: body).status == 415)
            let large = [UInt8](repeating: 0x0A, count: 8_192)
            #expect(try await post(port: port, path: "/v1/logs", headers: Self.headers(), body: large).status == 413)
            let malformed = try await post(port: port, path: "/v1/traces", headers: Self.headers(), body: [0xFF, 0xFF])
            #expect(malformed.status == 400)
            #expect(malformed.headers["content-type"] == "application/x-protobuf")
            #expect(await store.logs().isEmpty)
            let accepted = try await post(port: port, path: "/v1/logs", headers: Self.headers(), body: body)
            #expect(accepted.status == 200)
            #expect(await store.logs().count == 1)
        }
    }

    @Test("OTLP/HTTP JSON with hex ids, gzip-compressed, over a socket")
    func jsonOverSocket() async throws {
        let store = TelemetryStore()
        try await withReceiver(TelemetryReceiver(port: 0, apiKey: Self.key, store: store)) { port in
            let body = try #require(Gzip.deflate(Array(EncodingTests.traceJSON.utf8)))
            var headers = Self.headers("application/json")
            headers["Content-Encoding"] = "gzip"
            let answer = try await post(port: port, path: "/v1/traces", headers: headers, body: body)
            #expect(answer.status == 200)
            #expect(answer.headers["content-type"] == "application/json")
            #expect(await store.traces().first?.spanCount == 2)
        }
    }

    @Test("the Python SDK's exporters: one trace across two services, logs with trace ids, a counter")
    func pythonSDK() async throws {
        guard let reason = Self.pythonSDKMissing() else {
            try await runPythonSDK()
            return
        }
        print("skipping the OpenTelemetry Python SDK part: \(reason)")
    }

    /// Why the SDK cannot run here, or nil when it can.
    static func pythonSDKMissing() -> String? {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import opentelemetry.sdk, opentelemetry.exporter.otlp.proto.http"]
        check.standardError = FileHandle.nullDevice
        do {
            try check.run()
            check.waitUntilExit()
        } catch {
            return "no python3 (\(error))"
        }
        return check.terminationStatus == 0
            ? nil : "opentelemetry-sdk / opentelemetry-exporter-otlp-proto-http not installed (pip install them)"
    }

    func runPythonSDK() async throws {
        let store = TelemetryStore()
        try await withReceiver(TelemetryReceiver(port: 0, apiKey: Self.key, store: store)) { port in
            let script = try #require(Bundle.module.path(forResource: "otel_export", ofType: "py", inDirectory: "Fixtures"))
            let output = try await runPython(script, environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(port)",
                "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
                "OTEL_EXPORTER_OTLP_HEADERS": "x-otlp-api-key=\(Self.key)",
            ])
            let sent = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: String])
            let traceHexID = try #require(sent["trace_id"])
            let traceID = try #require(TraceID(hex: traceHexID))

            // Everything was acknowledged before the script exited; no waiting needed, but be lenient under load.
            #expect(await eventually { await store.spans(of: traceID)?.count == 4 })
            let spans = try #require(await store.spans(of: traceID))
            #expect(await store.traces().count == 1)
            let byName = Dictionary(spans.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            let root = try #require(byName["GET /checkout"])
            let call = try #require(byName["call api"])
            let served = try #require(byName["GET /items"])
            let query = try #require(byName["SELECT items"])
            #expect(root.parentSpanID.isNone)
            #expect(root.spanID.description == sent["root_span_id"])
            #expect(call.parentSpanID == root.spanID)
            #expect(served.parentSpanID == call.spanID)
            #expect(served.spanID.description == sent["api_server_span_id"])
            #expect(query.parentSpanID == served.spanID)
            #expect(root.resource == TelemetryResourceKey(serviceName: "frontend", instanceID: "frontend-test"))
            #expect(served.resource.serviceName == "api")
            #expect(served.kind == .server && call.kind == .client)
            #expect(root.attributes["http.route"] == .string("/checkout"))
            let summary = try #require(await store.traceSummary(traceID))
            #expect(summary.rootName == "GET /checkout")
            #expect(summary.resources == ["api", "frontend"])

            let logs = await store.logs()
            #expect(logs.count == 2)
            let warning = try #require(logs.first { $0.resource.serviceName == "frontend" })
            #expect(warning.body == .string("checkout started"))
            #expect(warning.severityName == "WARN")
            #expect(warning.traceID == traceID && warning.spanID == root.spanID)
            let info = try #require(logs.first { $0.resource.serviceName == "api" })
            #expect(info.traceID == traceID && info.spanID == query.spanID)
            #expect(await store.logs(LogFilter(traceID: traceID)).count == 2)

            let counter = try #require(await store.instruments(of: "api").first { $0.name == "orders" })
            #expect(counter.kind == .sum && counter.isMonotonic && counter.unit == "{order}")
            let points = await store.points(of: "api", instrument: "orders")
            #expect(points.last?.point.value == 7)
            #expect(points.last?.point.attributes["region"] == .string("eu"))
        }
    }

    /// Runs `python3 script` with `environment` added; returns its stdout, failing on a non-zero exit.
    func runPython(_ script: String, environment: [String: String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // Output goes to files, not pipes: reading pipes would block threads of the pool the receiver needs.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("otel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outPath = directory.appendingPathComponent("out").path
        let errPath = directory.appendingPathComponent("err").path
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        try process.run()
        var statuses = exited.stream.makeAsyncIterator()
        let status = await statuses.next() ?? -1
        let output = (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data()
        let errors = (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data()
        #expect(status == 0, "python3 \(script) exited \(status): \(String(decoding: errors, as: UTF8.self))")
        return String(decoding: output, as: UTF8.self)
    }
}
