import Dashboard
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a real `DashboardServer` on a free loopback port for the length of `body`, then cancels it
/// and checks that it stops.
func withLiveServer<Value: Sendable>(
    _ server: DashboardServer<TestBackend>, shutdownGrace: Duration = .seconds(1),
    _ body: @Sendable (Int) async throws -> Value
) async throws -> Value {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    return try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask {
            try await server.run(shutdownGrace: shutdownGrace, onRunning: { portContinuation.yield($0) })
            return nil
        }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let value = try await body(port)
        group.cancelAll()
        while try await group.next() != nil {}
        return value
    }
}

/// A minimal HTTP/1.1 client over a blocking socket, polled without blocking the test's thread,
/// so a test can read a response that never ends (server-sent events).
final class RawConnection {
    private let fd: Int32
    private(set) var received = ""

    /// Connects to 127.0.0.1:`port`, from `source` (another loopback address, e.g. 127.0.0.2) when given.
    init(port: Int, from source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawError.socket }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                close(fd)
                throw RawError.connect
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw RawError.connect
        }
    }

    deinit { close(fd) }

    enum RawError: Error {
        case socket, connect
        case timeout(String)
    }

    /// Sends `GET path` with extra header lines.
    func get(_ path: String, headers: [String] = []) {
        let request = (["GET \(path) HTTP/1.1", "Host: 127.0.0.1"] + headers + ["", ""]).joined(separator: "\r\n")
        _ = request.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count - 1, 0) }
    }

    /// Sends `text` as it is (half a request, say).
    func write(partial text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
    }

    /// Whether the server has closed the connection (what it sent before is kept in ``received``).
    func isClosedByServer() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 {
                received += String(decoding: buffer.prefix(count), as: UTF8.self)
                continue
            }
            return count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)
        }
    }

    /// Reads until `text` has arrived (or the timeout passes: generous, since CI runs the suites
    /// side by side on two cores and a loaded machine may take seconds to answer).
    @discardableResult
    func read(until text: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while !received.contains(text) {
            guard ContinuousClock.now < deadline else {
                throw RawError.timeout("no \(text.debugDescription) in \(received.debugDescription)")
            }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 0) > 0 {
                var buffer = [UInt8](repeating: 0, count: 65_536)
                let count = recv(fd, &buffer, buffer.count, 0)
                if count <= 0 {
                    throw RawError.timeout(
                        "connection closed before \(text.debugDescription): \(received.debugDescription)")
                }
                received += String(decoding: buffer.prefix(count), as: UTF8.self)
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        return received
    }
}

/// Logs in over a real connection and returns the `Cookie:` header line.
func liveLogin(port: Int, token: String) async throws -> String {
    let connection = try RawConnection(port: port)
    connection.get("/login?t=\(token)")
    let head = try await connection.read(until: "\r\n\r\n")
    let line = try #require(head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") })
    let pair = try #require(line.dropFirst("set-cookie:".count).split(separator: ";").first)
    return "Cookie: \(pair.trimmingCharacters(in: .whitespaces))"
}
