import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Posts pre-encoded OTLP/HTTP protobuf batches from `senders` threads, each on its own
/// keep-alive connection, for a fixed time; records each request's latency.
enum LoadGenerator {
    struct Result: Sendable {
        var requests: Int
        var failed: Int
        var elapsed: Double
        var p50: Double
        var p99: Double
    }

    /// One sender's tallies (each thread writes only its own).
    final class Tally: @unchecked Sendable {
        var requests = 0
        var failed = 0
        var latencies: [Double] = []
    }

    static func run(port: Int, key: String, pool: [[UInt8]], senders: Int, seconds: Double) async -> Result {
        let tallies = (0..<senders).map { _ in Tally() }
        let start = Date()
        let deadline = start.addingTimeInterval(seconds)
        await withTaskGroup(of: Void.self) { group in
            for (index, tally) in tallies.enumerated() {
                group.addTask {
                    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                        let thread = Thread {
                            send(port: port, key: key, pool: pool, offset: index * 61, until: deadline, into: tally)
                            done.resume()
                        }
                        thread.start()
                    }
                }
            }
        }
        let elapsed = Date().timeIntervalSince(start)
        let latencies = tallies.flatMap(\.latencies).sorted()
        return Result(
            requests: tallies.reduce(0) { $0 + $1.requests }, failed: tallies.reduce(0) { $0 + $1.failed }, elapsed: elapsed,
            p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99))
    }

    static func connect(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    static func send(port: Int, key: String, pool: [[UInt8]], offset: Int, until deadline: Date, into tally: Tally) {
        var fd = connect(port: port)
        var index = offset
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while Date() < deadline {
            guard let socket = fd else {
                tally.failed += 1
                fd = connect(port: port)
                continue
            }
            let body = pool[index % pool.count]
            index += 1
            let head = "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
                + "x-otlp-api-key: \(key)\r\nContent-Length: \(body.count)\r\n\r\n"
            let request = Array(head.utf8) + body
            let begin = DispatchTime.now().uptimeNanoseconds
            guard writeAll(socket, request), let status = readResponse(socket, &buffer) else {
                close(socket)
                tally.failed += 1
                fd = connect(port: port)
                continue
            }
            tally.latencies.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e6)
            if status == 200 { tally.requests += 1 } else { tally.failed += 1 }
        }
        if let fd { close(fd) }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress.map { $0 + offset }, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }

    /// Reads one response (head, then `Content-Length` bytes); returns its status.
    static func readResponse(_ fd: Int32, _ buffer: inout [UInt8]) -> Int? {
        var data: [UInt8] = []
        var headEnd: Int?
        var length = 0
        while true {
            if let end = headEnd, data.count >= end + length { break }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            data += buffer[0..<count]
            if headEnd == nil, let range = find(data, [13, 10, 13, 10]) {
                headEnd = range + 4
                let head = String(decoding: data[0..<range], as: UTF8.self).lowercased()
                for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
        }
        let statusLine = String(decoding: data.prefix(16), as: UTF8.self).split(separator: " ")
        return statusLine.count > 1 ? Int(statusLine[1]) : nil
    }

    static func find(_ data: [UInt8], _ needle: [UInt8]) -> Int? {
        guard data.count >= needle.count else { return nil }
        for index in 0...(data.count - needle.count) where data[index..<(index + needle.count)].elementsEqual(needle) { return index }
        return nil
    }
}
