import Foundation

/// A per-service log file under `<stateDirectory>/logs/`, appended to, with one rotation:
/// when it would grow past the limit it is renamed to `<name>.log.1` (replacing the previous one)
/// and a fresh file is started.
///
/// Lost lines are never silent: when a write fails (disk full, a file made unwritable) the
/// batch is dropped whole (a partly written batch is cut back, so no line is left half-written),
/// `report` says so once, the dropped lines are counted, and the first write that succeeds
/// again says so with the count (also as a line in the file). The console copy is not affected.
final class LogFile: Sendable {
    /// The file's path.
    let path: String
    /// The service the file belongs to, as the notices name it.
    let service: String
    private let rotationBytes: Int
    private let report: @Sendable (String) -> Void
    private let state: Locked<State>

    private struct State {
        var fd: Int32
        var size: Int
        /// Lines dropped since writing last failed; nil while writing works.
        var dropped: Int?
    }

    /// Opens (creating) the file for appending.
    ///
    /// - Parameters:
    ///   - service: the service's name, for the notices.
    ///   - report: prints a supervisor notice (`logs of api: disk full, lines are being dropped`).
    /// - Throws: `SystemCallError` when the file cannot be opened.
    init(
        path: String, rotationBytes: Int, service: String = "", report: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        self.path = path
        self.service = service
        self.rotationBytes = rotationBytes
        self.report = report
        let fd = try Self.open(path)
        state = Locked(State(fd: fd, size: Self.size(of: fd), dropped: nil))
    }

    deinit {
        state.withLock { state in
            if state.fd >= 0 { Syscalls.close(state.fd) }
        }
    }

    /// Appends whole lines, rotating first when the file would exceed the limit.
    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Appends whole lines, rotating first when the file would exceed the limit.
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        let notice: String? = state.withLock { state in
            if state.fd >= 0, state.size > 0 && state.size + bytes.count > rotationBytes {
                Syscalls.close(state.fd)
                // Unlink first: renaming over an existing file makes ext4 flush the renamed
                // file's data synchronously (its auto_da_alloc heuristic), which stalls a fast child.
                _ = unlink(path + ".1")
                _ = rename(path, path + ".1")
                state.fd = -1
            }
            if state.fd < 0 {
                // Not open (a rotation or an earlier reopen failed): try again on every batch.
                let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
                if fd < 0 { return drop(bytes, errno: errno, state: &state) }
                state.fd = fd
                state.size = Self.size(of: fd)
            }
            guard let dropped = state.dropped else {
                let failure = write(bytes, state: &state)
                return failure == 0 ? nil : drop(bytes, errno: failure, state: &state)
            }
            // Resuming: a line saying what is missing, and the batch, in one write (both or neither).
            let marker = "[aspire] \(Self.lines(dropped)) of \(service) dropped here: the log file could not be written\n"
            let failure = (Array(marker.utf8) + Array(bytes)).withUnsafeBytes { write($0, state: &state) }
            if failure != 0 { return drop(bytes, errno: failure, state: &state) }
            state.dropped = nil
            return "logs of \(service): writing resumed; \(Self.lines(dropped)) dropped"
        }
        if let notice { report(notice) }
    }

    /// Writes all of `bytes` or none: a partial write is cut back. Returns 0 or the errno.
    private func write(_ bytes: UnsafeRawBufferPointer, state: inout State) -> Int32 {
        guard Syscalls.writeAll(state.fd, bytes) else {
            let failure = errno
            _ = ftruncate(state.fd, off_t(state.size))  // no half line left behind
            return failure
        }
        state.size += bytes.count
        return 0
    }

    /// Counts the lines of a batch that could not be written; the notice the first time.
    private func drop(_ bytes: UnsafeRawBufferPointer, errno failure: Int32, state: inout State) -> String? {
        let count = max(1, bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) })
        let first = state.dropped == nil
        state.dropped = (state.dropped ?? 0) + count
        guard first else { return nil }
        return "logs of \(service): \(Self.reason(failure)), lines are being dropped (\(path))"
    }

    /// "disk full" for ENOSPC/EDQUOT, else the errno's text.
    static func reason(_ failure: Int32) -> String {
        if failure == ENOSPC || failure == EDQUOT { return "disk full" }
        let text = String(cString: strerror(failure))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    private static func lines(_ count: Int) -> String { count == 1 ? "1 line" : "\(count) lines" }

    private static func open(_ path: String) throws -> Int32 {
        // O_NOFOLLOW: a link planted in the logs folder never redirects a child's output.
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            let number = errno
            let call = number == ELOOP ? "open \(path) (a symbolic link, refused)" : "open \(path)"
            throw SystemCallError(call: call, errno: number)
        }
        return fd
    }

    private static func size(of fd: Int32) -> Int {
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    }
}
