import Foundation

/// Asks the kernel whether a TCP port can be bound, and for a fresh free port.
package enum PortProbe {
    /// True when `port` can be bound on 127.0.0.1 (and on all interfaces when `allInterfaces`).
    package static func isFree(_ port: Int, allInterfaces: Bool = false) -> Bool {
        guard let fd = bindSocket(port: port, loopback: !allInterfaces) else { return false }
        close(fd)
        return true
    }

    /// A free loopback port below the kernel's ephemeral range (`net.ipv4.ip_local_port_range`),
    /// for a port a server binds a while after it was chosen (RabbitMQ's Erlang distribution).
    /// Why: the kernel gives ephemeral ports to outgoing connections too, so one chosen there can be
    /// taken before the server binds it; below the range only another explicit bind can take it.
    /// Falls back to ``ephemeralPort()`` when the range cannot be read or nothing there is free.
    package static func portBelowEphemeralRange(lowest: Int = 10_000) -> Int? {
        let range = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))
            .map { $0.split(whereSeparator: \.isWhitespace).compactMap { Int($0) } }
        guard let ceiling = range?.first, ceiling > lowest, ceiling <= 65_536 else { return ephemeralPort() }
        let span = ceiling - lowest
        let start = Int.random(in: 0..<span)
        for offset in 0..<min(span, 256) {
            let port = lowest + (start + offset) % span
            if isFree(port) { return port }
        }
        return ephemeralPort()
    }

    /// A port the kernel hands out for 127.0.0.1:0, or nil.
    package static func ephemeralPort() -> Int? {
        guard let fd = bindSocket(port: 0, loopback: true) else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func bindSocket(port: Int, loopback: Bool) -> Int32? {
        // A port read back from a state file may be anything: one outside 0...65535 is not free.
        guard let port = UInt16(exactly: port) else { return nil }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(port.bigEndian)
        address.sin_addr.s_addr = loopback ? inet_addr("127.0.0.1") : INADDR_ANY
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }
}
