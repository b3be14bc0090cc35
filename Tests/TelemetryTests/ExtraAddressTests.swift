import Foundation
import SwiftProtobuf
import Telemetry
import TelemetryGRPC
import Testing

extension ReceiverTests {
    /// `alsoListenOn` (docker's bridge gateway in `up`), tried on another loopback address: the same
    /// port, the same key check, and never 0.0.0.0.
    @Test("both receivers also serve an extra address on the same port, key-checked; 0.0.0.0 is never taken")
    func extraAddress() async throws {
        let store = TelemetryStore()
        let http = TelemetryReceiver(port: 0, apiKey: Self.key, store: store, alsoListenOn: ["127.0.0.2", "0.0.0.0"])
        #expect(http.alsoListenOn == ["127.0.0.2"])
        try await withReceiver(http) { port in
            let body: [UInt8] = try logsRequest("api", count: 1).serializedBytes()
            let refused = try await post(port: port, path: "/v1/logs", headers: Self.headers(key: nil), body: body, host: "127.0.0.2")
            #expect(refused.status == 401)
            let accepted = try await post(port: port, path: "/v1/logs", headers: Self.headers(), body: body, host: "127.0.0.2")
            #expect(accepted.status == 200)
            #expect(await store.logs().count == 1)
        }
        if let reason = SDKProtocols.missing("grpc") {
            print("skipping the gRPC half of the extra-address test: \(reason)")
            return
        }
        let grpc = OTLPGRPCReceiver(port: 0, apiKey: Self.key, store: store, alsoListenOn: ["127.0.0.2", "0.0.0.0"])
        #expect(grpc.alsoListenOn == ["127.0.0.2"])
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await grpc.run(onRunning: { continuation.yield($0) }) }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let script = try #require(Bundle.module.path(forResource: "grpc_probe", ofType: "py", inDirectory: "Fixtures"))
            let probe = try PythonProcess(script, [String(port), Self.key, "127.0.0.2"], environment: [:])
            defer { probe.terminate() }
            #expect(await probe.exitStatus() == 0, "grpc_probe: \(probe.errors())")
            let codes = try #require(try JSONSerialization.jsonObject(with: Data(probe.output().utf8)) as? [String: String])
            #expect(codes == ["no_key": "UNAUTHENTICATED", "valid": "OK"])
            group.cancelAll()
        }
    }
}
