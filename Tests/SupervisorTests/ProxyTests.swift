import Foundation
import Testing

@testable import Supervisor

extension ProcessTests {
    @Suite struct Replicas {
        @Test("connections to the proxy are spread round-robin over the replicas")
        func roundRobin() async throws {
            let sandbox = try Sandbox()
            let listen = try freePort()
            let targets = try (0..<3).map { _ in try freePort() }
            let replicas = targets.enumerated().map { index, port in
                ReplicaSpec(
                    environment: environment(["PORT": "\(port)", "REPLICA": "\(index)"]), endpointPorts: ["http": port])
            }
            let plan = sandbox.plan([
                ServiceSpec(
                    name: "api", replicas: replicas, executable: "python3", arguments: ["-c", replicaServer],
                    workingDirectory: sandbox.directory,
                    healthCheck: HealthCheckSpec(
                        probe: .tcp(endpoint: "http"), interval: .milliseconds(50), retries: 100),
                    proxies: [
                        ProxySpec(endpoint: "http", listenHost: "127.0.0.1", listenPort: listen, targetPorts: targets)
                    ],
                    hostPorts: [listen])
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.statuses().first?.state == .healthy }, "\(sink.text)")
            var answers: [String] = []
            for _ in 0..<6 {
                answers.append(httpGet(port: listen) ?? "no answer")
            }
            #expect(Set(answers) == ["0", "1", "2"], "\(answers)")
            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
        }

        @Test("a replica that refuses is skipped")
        func skipsRefusingTarget() async throws {
            let sandbox = try Sandbox()
            let listen = try freePort()
            let live = try freePort()
            let dead = try freePort()
            let plan = sandbox.plan([
                ServiceSpec(
                    name: "api",
                    replicas: [
                        ReplicaSpec(
                            environment: environment(["PORT": "\(live)", "REPLICA": "live"]),
                            endpointPorts: ["http": live])
                    ], executable: "python3", arguments: ["-c", replicaServer], workingDirectory: sandbox.directory,
                    healthCheck: HealthCheckSpec(
                        probe: .tcp(endpoint: "http"), interval: .milliseconds(50), retries: 100),
                    proxies: [
                        ProxySpec(
                            endpoint: "http", listenHost: "127.0.0.1", listenPort: listen, targetPorts: [dead, live])
                    ])
            ])
            let (supervisor, _) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "api") == .healthy })
            for _ in 0..<4 { #expect(httpGet(port: listen) == "live") }
            await supervisor.requestShutdown()
            _ = try await outcome
        }

        @Test("the proxy relays large bodies both ways with half-close")
        func echoRelay() async throws {
            let sandbox = try Sandbox()
            let listen = try freePort()
            let target = try freePort()
            // Echo server: reads until EOF (the client's half-close), then answers with what it read.
            let echo = """
                import socket, os
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", int(os.environ["PORT"]))); s.listen()
                while True:
                    c, _ = s.accept(); data = b""
                    while True:
                        chunk = c.recv(65536)
                        if not chunk: break
                        data += chunk
                    c.sendall(data); c.close()
                """
            let plan = sandbox.plan([
                ServiceSpec(
                    name: "echo",
                    replicas: [
                        ReplicaSpec(environment: environment(["PORT": "\(target)"]), endpointPorts: ["tcp": target])
                    ],
                    executable: "python3", arguments: ["-c", echo], workingDirectory: sandbox.directory,
                    healthCheck: HealthCheckSpec(
                        probe: .tcp(endpoint: "tcp"), interval: .milliseconds(50), retries: 100),
                    proxies: [
                        ProxySpec(endpoint: "tcp", listenHost: "127.0.0.1", listenPort: listen, targetPorts: [target])
                    ])
            ])
            let (supervisor, _) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "echo") == .healthy })
            let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let reply = try echoRoundTrip(port: listen, payload: payload)
            #expect(reply == payload)
            await supervisor.requestShutdown()
            _ = try await outcome
        }
    }
}

/// Sends `payload`, half-closes, and reads the reply to EOF (blocking; the write happens on
/// another thread so neither side's buffers can deadlock).
private func echoRoundTrip(port: Int, payload: [UInt8]) throws -> [UInt8] {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(fd >= 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    try #require(connected == 0)
    let writer = Thread {
        payload.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { break }
                offset += sent
            }
        }
        shutdown(fd, Int32(SHUT_WR))
    }
    writer.start()
    var reply: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count <= 0 { break }
        reply.append(contentsOf: buffer[0..<count])
    }
    return reply
}
