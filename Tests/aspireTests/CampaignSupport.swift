import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the campaign tests need besides the CLI: raw connections to the control socket and the
/// dashboard (half-sent requests, clients that never read), and a process's memory, CPU and
/// open files from /proc.
enum Campaign {
    /// True under `make sanitize-address` (which sets ASAN_OPTIONS): AddressSanitizer keeps freed
    /// memory in quarantine and adds shadow memory, so resident-memory bounds say nothing there;
    /// the memory checks run in the plain `make test`.
    static let underAddressSanitizer = ProcessInfo.processInfo.environment["ASAN_OPTIONS"] != nil

    /// A stream socket connection, Unix (the control socket) or TCP on the loopback (the dashboard).
    final class Connection {
        let fd: Int32
        private(set) var received = Data()

        /// Connects to the Unix socket at `path`.
        init(unixPath path: String) throws {
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure("socket: errno \(errno)") }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
                close(fd)
                throw Failure("socket path too long: \(path)")
            }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in bytes.enumerated() { raw[index] = byte }
            }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard connected == 0 else {
                let number = errno
                close(fd)
                throw Failure("connect \(path): errno \(number)")
            }
        }

        /// Connects to 127.0.0.1:`port`; `receiveBuffer` shrinks the socket's receive buffer
        /// (a client that never reads then fills up at once).
        init(port: Int, receiveBuffer: Int32? = nil) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure("socket: errno \(errno)") }
            if var size = receiveBuffer {
                setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
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
                let number = errno
                close(fd)
                throw Failure("connect 127.0.0.1:\(port): errno \(number)")
            }
        }

        deinit { close(fd) }

        /// Sends `text` (a whole request or half of one).
        func write(_ text: String) {
            let bytes = Array(text.utf8)
            var sent = 0
            while sent < bytes.count {
                let count = bytes.withUnsafeBytes { send(fd, $0.baseAddress.map { $0 + sent }, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
                if count <= 0 { return }
                sent += count
            }
        }

        /// Reads until the server closes the connection (or `text` has arrived) or `timeout`
        /// passes; returns all received.
        @discardableResult
        func readToEnd(timeout: Double = 60, until text: String? = nil) -> String {
            let deadline = Date().addingTimeInterval(timeout)
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while Date() < deadline {
                if let text, String(decoding: received, as: UTF8.self).contains(text) { break }
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 100) > 0 else { continue }
                let count = recv(fd, &buffer, buffer.count, 0)
                if count <= 0 { break }
                received.append(contentsOf: buffer.prefix(count))
            }
            return String(decoding: received, as: UTF8.self)
        }

        /// Whether the server closed the connection (without reading what is still to come).
        func isClosedByServer() -> Bool {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if count > 0 {
                    received.append(contentsOf: buffer.prefix(count))
                    continue
                }
                return count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)
            }
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// An HTTP/1.1 request with `Connection: close`, as any client of the control API sends it.
    static func request(_ method: String, _ path: String, body: String? = nil, headers: [String] = []) -> String {
        var lines = ["\(method) \(path) HTTP/1.1", "Host: aspire", "Connection: close"] + headers
        if let body { lines += ["Content-Type: application/json", "Content-Length: \(body.utf8.count)"] }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + (body ?? "")
    }

    /// The status code of an HTTP answer (0 when there is none).
    static func status(of answer: String) -> Int {
        let parts = answer.prefix(while: { $0 != "\r" }).split(separator: " ")
        return parts.count > 1 ? Int(parts[1]) ?? 0 : 0
    }

    // MARK: - /proc

    /// A `/proc/PID/status` field in kB (`VmRSS`, `VmHWM`), or nil when the process is gone.
    static func memoryKB(_ pid: Int32, _ field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    /// User plus system CPU time of `pid` itself, in clock ticks (children not included).
    static func cpuTicks(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the name: state is field 3, utime 14, stime 15 (1-based), so 11 and 12 here.
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    /// Every process (other than this test) with its working directory or an open file under `folder`.
    static func holders(of folder: String) -> [String] {
        let me = getpid()
        var found: [String] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), pid != me else { continue }
            if let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"),
                cwd == folder || cwd.hasPrefix(folder + "/")
            {
                found.append("pid \(pid) runs in \(cwd)")
            }
            for fd in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? [] {
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                    target.hasPrefix(folder + "/")
                {
                    found.append("pid \(pid) holds \(target)")
                }
            }
        }
        return found
    }

    /// Whether something listens on 127.0.0.1:`port` or *:`port` (from /proc/net/tcp).
    static func isListening(_ port: Int) -> Bool {
        let hex = String(port, radix: 16, uppercase: true)
        let suffix = ":" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let table = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            for line in table.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count > 3, fields[1].hasSuffix(suffix), fields[3] == "0A" { return true }
            }
        }
        return false
    }
}
