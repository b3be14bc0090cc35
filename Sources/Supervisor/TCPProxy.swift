#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A TCP listener in front of a service's replicas: each accepted connection goes to the next
/// replica's target port on 127.0.0.1 (round-robin), skipping targets that refuse; bytes are
/// copied both ways with half-close, 64 KiB at a time.
struct TCPProxy: Sendable {
    let spec: ProxySpec
    /// The listening socket (non-blocking); closed when `run()` returns.
    let listener: Int32
    let loop: IOLoop

    /// Accepts and relays until cancelled.
    func run() async {
        defer { loop.close(listener) }
        guard !spec.targetPorts.isEmpty else { return }
        var next = 0
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let client = Syscalls.accept(listener)
                if client >= 0 {
                    let start = next
                    next = (next + 1) % spec.targetPorts.count
                    group.addTask { await relay(client: client, startingAt: start) }
                } else if client == -EAGAIN || client == -EWOULDBLOCK {
                    do { try await loop.wait(for: .read, on: listener) } catch { break }
                } else if client == -EMFILE || client == -ENFILE || client == -ENOBUFS || client == -ENOMEM {
                    // Out of descriptors: back off instead of spinning on a listener that stays readable.
                    do { try await Task.sleep(for: .milliseconds(100)) } catch { break }
                }
                // Anything else (ECONNABORTED, EINTR, …) concerns one client only: accept the next.
            }
        }
    }

    private func relay(client: Int32, startingAt start: Int) async {
        var upstream: Int32?
        for offset in 0..<spec.targetPorts.count where !Task.isCancelled {
            let port = spec.targetPorts[(start + offset) % spec.targetPorts.count]
            if let fd = try? await loop.connect(host: "127.0.0.1", port: port) {
                upstream = fd
                break
            }
        }
        guard let upstream else {
            loop.close(client)
            return
        }
        await withDiscardingTaskGroup { group in
            group.addTask { await copy(from: client, to: upstream) }
            group.addTask { await copy(from: upstream, to: client) }
        }
        loop.close(client)
        loop.close(upstream)
    }

    /// Copies until EOF (then half-closes `sink`), or until an error or cancellation (then shuts
    /// both sockets down, which also ends the copy in the other direction).
    private func copy(from source: Int32, to sink: Int32) async {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: LogPump.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        do {
            while true {
                let count = try await loop.receive(source, into: buffer)
                if count == 0 {
                    Syscalls.shutdownWrite(sink)
                    return
                }
                try await loop.sendAll(sink, UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            }
        } catch {
            Syscalls.shutdownBoth(source)
            Syscalls.shutdownBoth(sink)
        }
    }
}
