#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads one output pipe of a child until EOF and forwards whole lines to the console (prefixed)
/// and to the service's log file.
///
/// Reads are 64 KiB; every read's complete lines go out as one console write and one file
/// write, so a fast child costs a few syscalls per 64 KiB rather than per line.
struct LogPump: Sendable {
    static let chunkSize = 64 * 1024
    /// A "line" longer than this without a newline is cut, so memory stays bounded.
    static let maximumLineLength = 1 << 20

    var fd: Int32
    var loop: IOLoop
    var console: ConsoleWriter
    var logFile: LogFile?
    /// Put before each console line, e.g. `"\u{1B}[36mapi   |\u{1B}[0m "`.
    var consolePrefix: [UInt8]
    /// Put before each log-file line; empty for single-replica services.
    var filePrefix: [UInt8]
    var masker: SecretMasker

    /// Pumps until EOF, an error, or cancellation; then flushes a final partial line and closes
    /// the descriptor.
    func run() async {
        defer { loop.close(fd) }
        var splitter = LineSplitter(maximumLineLength: Self.maximumLineLength)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = Syscalls.read(fd, into: buffer)
            if count > 0 {
                if let block = splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) {
                    await emit(block)
                }
            } else if count == -Int(Syscalls.eAgain) {
                do {
                    try await loop.wait(for: .read, on: fd)
                } catch {
                    break
                }
            } else {
                break  // EOF or a read error
            }
        }
        if let rest = splitter.finish() { await emit(rest) }
    }

    private func emit(_ block: [UInt8]) async {
        let masked = masker.isEmpty ? block : masker.mask(block)
        logFile?.append(filePrefix.isEmpty ? masked : Self.prefixLines(masked, with: filePrefix))
        await console.write(Self.prefixLines(masked, with: consolePrefix))
    }

    /// `block` (whole `\n`-terminated lines) with `prefix` before every line.
    static func prefixLines(_ block: [UInt8], with prefix: [UInt8]) -> [UInt8] {
        guard !prefix.isEmpty else { return block }
        var output: [UInt8] = []
        block.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            output.reserveCapacity(raw.count + raw.count / 8 + prefix.count * 4)
            var start = 0
            while start < raw.count {
                let end: Int
                if let newline = memchr(base + start, 0x0A, raw.count - start) {
                    end = base.distance(to: UnsafeRawPointer(newline)) + 1
                } else {
                    end = raw.count
                }
                output.append(contentsOf: prefix)
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                start = end
            }
        }
        return output
    }
}

/// Splits a byte stream into whole lines, keeping a partial line until its newline arrives.
struct LineSplitter {
    private var pending: [UInt8] = []
    private let maximumLineLength: Int

    init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    /// Adds a chunk; returns the whole lines now complete (each ending in `\n`), if any.
    mutating func feed(_ chunk: UnsafeRawBufferPointer) -> [UInt8]? {
        guard !chunk.isEmpty else { return nil }
        guard let lastNewline = Syscalls.lastIndex(of: 0x0A, in: chunk) else {
            pending.append(contentsOf: chunk)
            guard pending.count >= maximumLineLength else { return nil }
            var cut = pending
            cut.append(0x0A)
            pending.removeAll(keepingCapacity: true)
            return cut
        }
        let end = lastNewline + 1
        var block: [UInt8]
        if pending.isEmpty {
            block = Array(UnsafeRawBufferPointer(rebasing: chunk[0..<end]))
        } else {
            block = pending
            block.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<end]))
            pending.removeAll(keepingCapacity: true)
        }
        if end < chunk.count {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[end...]))
        }
        return block
    }

    /// The final partial line (with a `\n` added), if any.
    mutating func finish() -> [UInt8]? {
        guard !pending.isEmpty else { return nil }
        var rest = pending
        rest.append(0x0A)
        pending.removeAll()
        return rest
    }
}
