/// Async socket helpers on top of the loop (non-blocking sockets, readiness from epoll).
extension IOLoop {
    /// Connects to host:port.
    ///
    /// - Returns: the connected, non-blocking socket (close it with `close(_:)`).
    /// - Throws: `SystemCallError` (e.g. ECONNREFUSED), or `CancellationError`.
    func connect(host: String, port: Int) async throws -> Int32 {
        let (fd, inProgress) = try Syscalls.tcpConnect(host: host, port: port).get()
        guard inProgress else { return fd }
        do {
            try await wait(for: .write, on: fd)
        } catch {
            close(fd)
            throw error
        }
        let error = Syscalls.socketError(fd)
        guard error == 0 else {
            close(fd)
            throw SystemCallError(call: "connect", errno: error)
        }
        return fd
    }

    /// Sends every byte, waiting for writability as needed.
    ///
    /// - Throws: `SystemCallError` (e.g. EPIPE), or `CancellationError`.
    func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) async throws {
        var offset = 0
        while offset < bytes.count {
            let sent = Syscalls.send(fd, UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            if sent >= 0 {
                offset += sent
            } else if sent == -Int(Syscalls.eAgain) {
                try await wait(for: .write, on: fd)
            } else {
                throw SystemCallError(call: "send", errno: Int32(-sent))
            }
        }
    }

    /// Reads what is available, waiting for readability first when there is nothing.
    ///
    /// - Returns: the byte count, 0 at EOF.
    /// - Throws: `SystemCallError` (e.g. ECONNRESET), or `CancellationError`.
    func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        while true {
            let count = Syscalls.read(fd, into: buffer)
            if count >= 0 { return count }
            guard count == -Int(Syscalls.eAgain) else { throw SystemCallError(call: "read", errno: Int32(-count)) }
            try await wait(for: .read, on: fd)
        }
    }
}
