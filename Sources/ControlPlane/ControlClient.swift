package import AppStatus
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why a control request did not get a successful answer.
package struct ControlClientError: Error, Sendable, Hashable, CustomStringConvertible {
    package enum Code: Sendable, Hashable {
        /// Nothing listens on the socket (no file, or connection refused): no app runs.
        case notListening
        /// The server answered with an error status.
        case refused(status: Int, body: ControlErrorBody)
        /// The connection failed, timed out, or the answer made no sense.
        case io(String)
    }

    package var code: Code

    package init(_ code: Code) { self.code = code }

    package var description: String {
        switch code {
        case .notListening: "no app answers on the control socket"
        case .refused(_, let body): body.error
        case .io(let what): what
        }
    }
}

/// A blocking client of the control API, for the CLI verbs (one request per connection).
package struct ControlClient: Sendable {
    /// The socket's path, normally `StateFolder.controlSocketFile`.
    package var socketPath: String
    /// How long to wait for an answer (a stop waits for the grace period).
    package var timeout: Duration

    package init(socketPath: String, timeout: Duration = .seconds(60)) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    /// `GET /v1/status`.
    ///
    /// - Throws: `ControlClientError`.
    package func status() throws(ControlClientError) -> RunStatus {
        try decode(RunStatus.self, from: request("GET", "/v1/status"))
    }

    /// `GET /v1/status?wait=ready`: the status once the app is ready or something failed, or
    /// after `timeout` (the server caps it at 60 s); the client's own `timeout` must be longer.
    ///
    /// - Throws: `ControlClientError`.
    package func status(waitingUntilReadyFor timeout: Duration) throws(ControlClientError) -> RunStatus {
        let (seconds, attoseconds) = timeout.components
        let text = String(Double(seconds) + Double(attoseconds) / 1e18)
        return try decode(RunStatus.self, from: request("GET", "/v1/status?wait=ready&timeout=\(text)"))
    }

    /// `POST /v1/{action}` for several resources at once (all or nothing when a name is unknown).
    ///
    /// - Returns: the resources' states once the action is done.
    /// - Throws: `ControlClientError`; `.refused` with status 404 for unknown names.
    package func perform(_ action: ControlAction, on names: [String]) throws(ControlClientError) -> [ResourceStatus] {
        let body: Data
        do {
            body = try JSONEncoder().encode(ControlActionRequest(resources: names))
        } catch {
            throw ControlClientError(.io("cannot encode the request: \(error)"))
        }
        return try decode(
            ControlActionResponse.self, from: request("POST", "/v1/\(action.rawValue)", body: Array(body))
        )
        .resources
    }

    /// `POST /v1/shutdown`.
    ///
    /// - Throws: `ControlClientError`.
    package func shutdown() throws(ControlClientError) -> ControlShutdownResponse {
        try decode(ControlShutdownResponse.self, from: request("POST", "/v1/shutdown"))
    }

    // MARK: - HTTP

    /// Sends one request and reads the whole answer.
    ///
    /// - Returns: the body of a 2xx answer.
    /// - Throws: `ControlClientError` (`.refused` carries the error body of a 4xx/5xx answer).
    package func request(_ method: String, _ path: String, body: [UInt8] = []) throws(ControlClientError) -> [UInt8] {
        let fd: Int32
        do {
            fd = try UnixSocket.connect(path: socketPath, timeout: timeout)
        } catch {
            if error.errno == ENOENT || error.errno == ECONNREFUSED { throw ControlClientError(.notListening) }
            throw ControlClientError(.io(error.description))
        }
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: aspire\r\nConnection: close\r\n"
        if !body.isEmpty || method == "POST" {
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        }
        let bytes = Array((head + "\r\n").utf8) + body
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes {
                send(fd, $0.baseAddress.map { $0 + offset }, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw ControlClientError(.io("cannot send the request: \(Self.describe(errno))")) }
            offset += count
        }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                throw ControlClientError(.io("no answer from the app within \(timeout)"))
            }
            guard count >= 0 else { throw ControlClientError(.io("cannot read the answer: \(Self.describe(errno))")) }
            if count == 0 { break }
            answer += chunk[0..<count]
        }
        let (status, payload) = try Self.parseResponse(answer)
        guard (200..<300).contains(status) else {
            let body =
                (try? JSONDecoder().decode(ControlErrorBody.self, from: Data(payload)))
                ?? ControlErrorBody(
                    error: "the app answered \(status) \(ControlResponse.reason(status))", code: "http\(status)")
            throw ControlClientError(.refused(status: status, body: body))
        }
        return payload
    }

    /// The status code and body of a complete HTTP/1.x response.
    static func parseResponse(_ bytes: [UInt8]) throws(ControlClientError) -> (Int, [UInt8]) {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4,
            let end = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<($0 + 4)]) == separator })
        else { throw ControlClientError(.io("the app closed the connection without an answer")) }
        let head = String(decoding: bytes[0..<end], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n", maxSplits: 1).first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw ControlClientError(.io("the app sent a malformed answer"))
        }
        var body = Array(bytes[(end + 4)...])
        for line in head.split(separator: "\r\n").dropFirst() {
            let pair = line.split(separator: ":", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == "content-length",
                let length = Int(pair[1].trimmingCharacters(in: .whitespaces)), (0...body.count).contains(length)
            {
                body = Array(body[0..<length])
            }
        }
        return (status, body)
    }

    private func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(ControlClientError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw ControlClientError(.io("the app sent an answer that is not the expected JSON: \(error)"))
        }
    }

    private static func describe(_ value: Int32) -> String { String(cString: strerror(value)) }
}
