import AppStatus
import ControlPlane
import Dispatch
import Foundation
import Logging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The control API's transport (Hummingbird on a Unix socket), in process with a stub handler:
/// the socket's mode, the limits on heads and bodies, and slow clients.
@Suite(.serialized) struct ControlTransportTests {
    /// Answers with a fixed app; every name is unknown.
    struct StubHandler: ControlHandler {
        func status() async -> RunStatus {
            RunStatus(
                app: "stub", manifest: "/stub/apphost.yaml", pid: 42, startedAt: 1, shuttingDown: false, resources: [])
        }

        func perform(_ action: ControlAction, on resources: [String]) async throws(ControlRefusal) -> [ResourceStatus] {
            throw ControlRefusal(
                status: 404,
                body: ControlErrorBody(error: "no resource named '\(resources[0])'", code: "unknownResource"))
        }

        func shutdown() async -> ControlShutdownResponse {
            ControlShutdownResponse(shuttingDown: true, alreadyShuttingDown: false)
        }
    }

    /// A server on a socket in a new 0700 folder, served by a task until `stop()`.
    struct Running {
        let folder: String
        let socket: String
        let task: Task<Void, Never>

        init(ioTimeout: Duration = .seconds(5), folderName: String = "") throws {
            let base = NSTemporaryDirectory() + "aspire-control-\(UUID().uuidString.prefix(8))" + folderName
            try FileManager.default.createDirectory(
                atPath: base, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            folder = base
            socket = base + "/control.sock"
            let server = try ControlServer(
                socketPath: socket, handler: StubHandler(), logger: Logger(label: "test"), ioTimeout: ioTimeout)
            task = Task { await server.run() }
        }

        /// Waits until the socket answers. Generous: in the full suite, tests that block the
    /// cooperative pool's threads can hold the server's tasks back for a while.
        func ready() async -> Bool {
            let client = ControlClient(socketPath: socket, timeout: .seconds(30))
            return await eventually(timeout: .seconds(60)) { (try? await blocking { try client.status() }) != nil }
        }

        func stop() async {
            task.cancel()
            await task.value
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    @Test("the socket is 0600; status, errors and methods answer as before; the socket is gone after")
    func roundTrip() async throws {
        let server = try Running()
        #expect(await server.ready())
        let mode = try FileManager.default.attributesOfItem(atPath: server.socket)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let client = ControlClient(socketPath: server.socket, timeout: .seconds(30))
        let status = try await blocking { try client.status() }
        #expect(status.app == "stub" && status.pid == 42)
        #expect(try await blocking { try client.status(waitingUntilReadyFor: .seconds(1)) }.app == "stub")
        let shutdown = try await blocking { try client.shutdown() }
        #expect(shutdown.shuttingDown)

        let refusal = try await blocking { () -> ControlClientError? in
            do throws(ControlClientError) {
                _ = try client.perform(.restart, on: ["nope"])
                return nil
            } catch {
                return error
            }
        }
        guard case .refused(404, let body) = refusal?.code else {
            Issue.record("expected a 404, got \(String(describing: refusal))")
            return
        }
        #expect(body.code == "unknownResource")

        let answers = try await blocking {
            try [
                Self.exchange(server.socket, "GET /v2/status HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"),
                Self.exchange(server.socket, "POST /v1/status HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"),
                Self.exchange(
                    server.socket,
                    "POST /v1/stop HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{x}"),
            ]
        }
        #expect(answers[0].hasPrefix("HTTP/1.1 404 ") && answers[0].contains("\"notFound\""), "\(answers[0])")
        #expect(answers[1].hasPrefix("HTTP/1.1 405 ") && answers[1].lowercased().contains("allow: get"), "\(answers[1])")
        #expect(answers[1].lowercased().contains("cache-control: no-store"))
        #expect(answers[2].hasPrefix("HTTP/1.1 400 ") && answers[2].contains("\"badRequest\""), "\(answers[2])")

        await server.stop()
        #expect(!FileManager.default.fileExists(atPath: server.socket))
    }

    @Test("a 20 KB head sent in one write is refused (400 or a reset) and the connection is closed; others still answer")
    func oversizedHead() async throws {
        let server = try Running()
        defer { Task { await server.stop() } }
        #expect(await server.ready())
        let padding = String(repeating: "a", count: 20 * 1024)
        let answer = try await blocking {
            try Self.exchange(server.socket, "GET /v1/status HTTP/1.1\r\nHost: a\r\nX-Pad: \(padding)\r\n\r\n")
        }
        // Refused: a 400, or (when the server closes while bytes it did not read are still queued)
        // a reset before the 400 could be read. Never the handler's answer.
        #expect(answer.isEmpty || answer.hasPrefix("HTTP/1.1 400 "), "\(answer.prefix(200))")
        #expect(!answer.contains("\"stub\""))
        let many = (0..<2000).map { "X-\($0): \(String(repeating: "b", count: 8))\r\n" }.joined()
        let split = try await blocking {
            try Self.exchange(server.socket, "GET /v1/status HTTP/1.1\r\nHost: a\r\n\(many)\r\n")
        }
        #expect(split.isEmpty || split.hasPrefix("HTTP/1.1 400 "), "\(split.prefix(200))")
        #expect(!split.contains("\"stub\""))
        let client = ControlClient(socketPath: server.socket, timeout: .seconds(30))
        #expect(try await blocking { try client.status() }.app == "stub")
    }

    @Test("a body over 64 KiB gets 413 tooLarge")
    func oversizedBody() async throws {
        let server = try Running()
        defer { Task { await server.stop() } }
        #expect(await server.ready())
        let body = String(repeating: " ", count: 70 * 1024)
        let answer = try await blocking {
            try Self.exchange(
                server.socket,
                "POST /v1/stop HTTP/1.1\r\nHost: a\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            )
        }
        #expect(answer.hasPrefix("HTTP/1.1 413 ") && answer.contains("\"tooLarge\""), "\(answer.prefix(300))")
    }

    @Test("a slowloris client is cut off after the timeout and blocks nobody meanwhile")
    func slowClient() async throws {
        let server = try Running(ioTimeout: .milliseconds(500))
        defer { Task { await server.stop() } }
        #expect(await server.ready())
        let slow = try UnixSocket.connect(path: server.socket, timeout: .seconds(10))
        defer { close(slow) }
        #expect(Self.send(slow, "GET /v1/status HTTP/1.1\r\nHost: a\r\n"))
        // Dripping a header line every 100 ms keeps the socket busy but never completes the head.
        let dripper = Task.detached {
            var index = 0
            while !Task.isCancelled, Self.send(slow, "X-\(index): b\r\n") {
                index += 1
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        defer { dripper.cancel() }
        let client = ControlClient(socketPath: server.socket, timeout: .seconds(30))
        for _ in 0..<3 {
            #expect(try await blocking { try client.status() }.app == "stub")
        }
        // The server closes the slow connection: reading it ends (EOF or reset), well before
        // its own 10 s receive timeout.
        let ended = try await blocking { Self.readUntilClosed(slow) }
        #expect(ended, "the slow connection was not closed")
        #expect(try await blocking { try client.status() }.app == "stub")
    }

    @Test("200 connections open at once all get their answer")
    func concurrentClients() async throws {
        let server = try Running()
        defer { Task { await server.stop() } }
        #expect(await server.ready())
        let answered = try await blocking {
            var connections: [Int32] = []
            defer { for fd in connections { close(fd) } }
            for _ in 0..<200 {
                let fd = try UnixSocket.connect(path: server.socket, timeout: .seconds(10))
                connections.append(fd)
                Self.send(fd, "GET /v1/status HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            }
            return connections.filter { Self.readAll($0).contains("\"stub\"") }.count
        }
        #expect(answered == 200)
    }

    @Test("a socket path longer than sun_path is served through /proc/self/fd")
    func longPath() async throws {
        let server = try Running(folderName: "/" + String(repeating: "d", count: 60) + "/" + String(repeating: "e", count: 60))
        defer { Task { await server.stop() } }
        #expect(server.socket.utf8.count > 108)
        #expect(await server.ready())
        let mode = try FileManager.default.attributesOfItem(atPath: server.socket)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    // MARK: - Raw sockets

    /// Sends `text` on a new connection and reads until the server closes it.
    static func exchange(_ socket: String, _ text: String) throws -> String {
        let fd = try UnixSocket.connect(path: socket, timeout: .seconds(30))
        defer { close(fd) }
        _ = send(fd, text)
        return readAll(fd)
    }

    /// Reads until the server closes the connection (or an error, or the receive timeout).
    static func readAll(_ fd: Int32) -> String {
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            answer += chunk[0..<count]
        }
        return String(decoding: answer, as: UTF8.self)
    }

    /// Writes all of `text`; false once the connection is gone.
    @discardableResult
    static func send(_ fd: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress.map { $0 + offset }, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }

    /// Reads until EOF or a reset (true), or the socket's receive timeout (false).
    static func readUntilClosed(_ fd: Int32) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { continue }
            if count < 0 && errno == EINTR { continue }
            return count == 0 || errno == ECONNRESET
        }
    }
}

/// Runs blocking work (the client's socket calls) on a Dispatch thread, off the cooperative pool.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(10), _ condition: @Sendable () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
