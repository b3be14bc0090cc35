#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads one output pipe of a child until EOF and forwards whole lines to the console (prefixed)
/// and to the service's log file (each line stamped with the batch's ``LogTimestamp``).
///
/// Reads drain the pipe into one buffer (64 KiB, growing to 1 MiB for a child that keeps its
/// pipe full); each batch's complete lines go out as one console write and one file write, so a
/// fast child costs a few syscalls and thread hops per MiB rather than per line.
struct LogPump: Sendable {
    static let chunkSize = 64 * 1024
    /// The read buffer of a child that keeps its pipe full.
    static let batchSize = 1024 * 1024
    /// A "line" longer than this without a newline is cut, so memory stays bounded.
    static let maximumLineLength = 1 << 20

    var fd: Int32
    var loop: IOLoop
    var console: ConsoleWriter
    var logFile: LogFile?
    /// Put before each console line, e.g. `"\u{1B}[36mapi   |\u{1B}[0m "`.
    var consolePrefix: [UInt8]
    /// Whether the console shows colour: a child's SGR sequences are kept, else dropped. Every
    /// other control sequence is escaped either way (``TerminalSanitizer``).
    var consoleColor: Bool
    /// Put before each log-file line; empty for single-replica services.
    var filePrefix: [UInt8]
    var masker: SecretMasker

    /// Pumps until EOF, an error, or cancellation; then flushes a final partial line and closes
    /// the descriptor.
    func run() async {
        defer { loop.close(fd) }
        var splitter = LineSplitter(maximumLineLength: Self.maximumLineLength)
        // 64 KiB (one pipe's worth) to start; a child that keeps the pipe full gets 1 MiB, so
        // its output is formatted and handed to the console in few, large batches.
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        // One console write in flight: the next batch is read and formatted while the previous
        // one is written; awaiting it before submitting the next keeps memory bounded.
        var inFlight: WriteTicket?
        var atEnd = false
        while !atEnd && !Task.isCancelled {
            var filled = 0
            var mustWait = false
            while filled < buffer.count {
                let count = Syscalls.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                if count > 0 {
                    filled += count
                } else if count == -Int(Syscalls.eAgain) {
                    mustWait = filled == 0
                    break
                } else {
                    atEnd = true  // EOF or a read error
                    break
                }
            }
            if filled > 0 {
                var formatted: [UInt8] = []
                splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<filled])) { lines in
                    formatted = format(lines)
                }
                if !formatted.isEmpty {
                    await inFlight?.wait()
                    inFlight = console.submit(formatted)
                }
                if filled == buffer.count && buffer.count < Self.batchSize {
                    buffer.deallocate()
                    buffer = .allocate(byteCount: Self.batchSize, alignment: 16)
                }
            }
            if mustWait {
                do {
                    try await loop.wait(for: .read, on: fd)
                } catch {
                    break
                }
            }
        }
        if let rest = splitter.finish() {
            let formatted = rest.withUnsafeBytes { format($0) }
            await inFlight?.wait()
            inFlight = console.submit(formatted)
        }
        await inFlight?.wait()
    }

    /// Masks secrets, appends the lines to the log file (raw), and returns them sanitised and
    /// prefixed for the console.
    ///
    /// - Parameter lines: whole `\n`-terminated lines (a view into the read buffer, not copied
    ///   unless secrets must be masked).
    private func format(_ lines: UnsafeRawBufferPointer) -> [UInt8] {
        if !masker.isEmpty {
            return masker.mask(Array(lines)).withUnsafeBytes { formatMasked($0) }
        }
        return formatMasked(lines)
    }

    private func formatMasked(_ lines: UnsafeRawBufferPointer) -> [UInt8] {
        if let logFile {
            logFile.append(Self.prefixLines(lines, with: LogTimestamp.now() + filePrefix))
        }
        if let safe = TerminalSanitizer.sanitize(lines, color: consoleColor) {
            return safe.withUnsafeBytes { Self.prefixLines($0, with: consolePrefix) }
        }
        return Self.prefixLines(lines, with: consolePrefix)
    }

    /// `block` (whole `\n`-terminated lines) with `prefix` before every line, in one memchr
    /// pass into an array sized for lines of 16 bytes or more on average (a block of shorter
    /// lines is counted first, then copied).
    static func prefixLines(_ block: UnsafeRawBufferPointer, with prefix: [UInt8]) -> [UInt8] {
        guard !block.isEmpty else { return [] }
        guard !prefix.isEmpty else { return Array(block) }
        if let output = prefixLines(block, with: prefix, lineBudget: block.count / 16 + 1) { return output }
        var lineCount = 0
        forEachLine(in: block) { _, _ in
            lineCount += 1
            return true
        }
        return prefixLines(block, with: prefix, lineBudget: lineCount) ?? []
    }

    /// The prefixed lines, or nil when `block` holds more than `lineBudget` lines.
    private static func prefixLines(
        _ block: UnsafeRawBufferPointer, with prefix: [UInt8], lineBudget: Int
    ) -> [UInt8]? {
        var fits = true
        let output = prefix.withUnsafeBytes { prefixBytes in
            [UInt8](unsafeUninitializedCapacity: block.count + lineBudget * prefix.count) { output, initialized in
                initialized = 0
                guard let out = output.baseAddress, let prefixBase = prefixBytes.baseAddress,
                    let base = block.baseAddress
                else { return }
                var written = 0
                var lines = 0
                forEachLine(in: block) { start, end in
                    lines += 1
                    if lines > lineBudget {
                        fits = false
                        return false
                    }
                    memcpy(out + written, prefixBase, prefixBytes.count)
                    written += prefixBytes.count
                    memcpy(out + written, base + start, end - start)
                    written += end - start
                    return true
                }
                initialized = fits ? written : 0
            }
        }
        return fits ? output : nil
    }

    /// Calls `body(start, end)` for each line (`end` just past its `\n`, or the block's end)
    /// until it returns false.
    private static func forEachLine(in block: UnsafeRawBufferPointer, _ body: (Int, Int) -> Bool) {
        guard let base = block.baseAddress else { return }
        var start = 0
        while start < block.count {
            let end: Int
            if let newline = memchr(base + start, 0x0A, block.count - start) {
                end = base.distance(to: UnsafeRawPointer(newline)) + 1
            } else {
                end = block.count
            }
            guard body(start, end) else { return }
            start = end
        }
    }
}

/// Splits a byte stream into whole lines, keeping a partial line until its newline arrives.
struct LineSplitter {
    private var pending: [UInt8] = []
    private let maximumLineLength: Int

    init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    /// Adds a chunk and hands the whole lines now complete (each ending in `\n`) to `body`, if
    /// any: straight from `chunk` when no partial line was pending, so a fast writer's bytes
    /// are not copied.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        guard !chunk.isEmpty else { return }
        guard let lastNewline = Syscalls.lastIndex(of: 0x0A, in: chunk) else {
            pending.append(contentsOf: chunk)
            guard pending.count >= maximumLineLength else { return }
            pending.append(0x0A)
            pending.withUnsafeBytes(body)
            pending.removeAll(keepingCapacity: true)
            return
        }
        let end = lastNewline + 1
        if pending.isEmpty {
            body(UnsafeRawBufferPointer(rebasing: chunk[0..<end]))
        } else {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<end]))
            pending.withUnsafeBytes(body)
            pending.removeAll(keepingCapacity: true)
        }
        if end < chunk.count {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[end...]))
        }
    }

    /// Adds a chunk; returns the whole lines now complete (each ending in `\n`), if any.
    mutating func feed(_ chunk: UnsafeRawBufferPointer) -> [UInt8]? {
        var block: [UInt8]?
        feed(chunk) { block = Array($0) }
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
