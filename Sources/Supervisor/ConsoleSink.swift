
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Where the supervisor's console output goes: prefixed child lines and status lines.
///
/// The supervisor calls `write` from one thread at a time, always with whole lines (each ending
/// in `\n`), so an implementation needs no line handling of its own. `write` may block.
package protocol ConsoleSink: Sendable {
    /// Writes a batch of whole lines.
    /// - Parameter bytes: UTF-8 (or whatever the children wrote), one or more `\n`-terminated lines.
    func write(_ bytes: [UInt8])
}

/// Writes to a file descriptor, standard output by default.
package struct FileDescriptorConsoleSink: ConsoleSink {
    private let fileDescriptor: Int32

    /// Creates a sink writing to `fileDescriptor` (standard output by default). The descriptor is
    /// not closed by the sink.
    package init(fileDescriptor: Int32 = STDOUT_FILENO) {
        self.fileDescriptor = fileDescriptor
    }

    package func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = Syscalls.writeAll(fileDescriptor, $0) }
    }
}

/// Keeps everything written in memory; for tests and for callers that render output themselves.
package final class InMemoryConsoleSink: ConsoleSink {
    private let buffer = Locked<[UInt8]>([])

    /// Creates an empty sink.
    package init() {}

    package func write(_ bytes: [UInt8]) {
        buffer.withLock { $0.append(contentsOf: bytes) }
    }

    /// Everything written so far, decoded as UTF-8.
    package var text: String {
        buffer.withLock { String(decoding: $0, as: UTF8.self) }
    }

    /// Everything written so far, split into lines (without the `\n`).
    package var lines: [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}
