import Foundation
import Telemetry
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a real receiver on a free loopback port for the length of `body`, then cancels it.
func withReceiver<Value: Sendable>(
    _ receiver: TelemetryReceiver, _ body: @Sendable (Int) async throws -> Value
) async throws -> Value {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    return try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask {
            try await receiver.run(onRunning: { continuation.yield($0) })
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

/// One HTTP/1.1 answer.
struct HTTPAnswer: Sendable {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
}

enum HTTPTestError: Error {
    case socket, connect, timeout, malformed(String)
}

/// POSTs `body` over a plain socket (`Connection: close`) and reads the answer; the socket is
/// polled without blocking the test's thread.
func post(
    port: Int, path: String, headers: [String: String], body: [UInt8], host: String = "127.0.0.1", timeout: Duration = .seconds(30)
) async throws -> HTTPAnswer {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw HTTPTestError.socket }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr(host)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw HTTPTestError.connect }
    var head = ["POST \(path) HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if headers["Content-Length"] == nil { head.append("Content-Length: \(body.count)") }
    head += headers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
    let request = Array((head + ["", ""]).joined(separator: "\r\n").utf8) + body
    var sent = 0
    while sent < request.count {
        let count = request[sent...].withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if count <= 0 { break }  // the server may answer (401, 413) and close before reading it all
        sent += count
    }
    var received: [UInt8] = []
    let deadline = ContinuousClock.now + timeout
    while true {
        guard ContinuousClock.now < deadline else { throw HTTPTestError.timeout }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, 0) > 0 {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
            if let answer = parse(received) { return answer }
        } else {
            try await Task.sleep(for: .milliseconds(2))
        }
    }
    guard let answer = parse(received) else { throw HTTPTestError.malformed(String(decoding: received, as: UTF8.self)) }
    return answer
}

/// The answer once its head and `Content-Length` bytes of body have arrived.
private func parse(_ bytes: [UInt8]) -> HTTPAnswer? {
    let separator: [UInt8] = [13, 10, 13, 10]
    guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<($0 + 4)]) == separator }) else { return nil }
    let lines = String(decoding: bytes[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
    guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else { return nil }
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    let body = Array(bytes[(end + 4)...])
    let length = Int(headers["content-length"] ?? "") ?? body.count
    guard body.count >= length else { return nil }
    return HTTPAnswer(status: status, headers: headers, body: Array(body.prefix(length)))
}

/// Polls `condition` until it holds (no fixed sleeps in assertions).
func eventually(timeout: Duration = .seconds(30), _ condition: @Sendable () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
