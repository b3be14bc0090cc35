import Foundation

/// A per-service log file under `<stateDirectory>/logs/`, appended to, with one rotation:
/// when it would grow past the limit it is renamed to `<name>.log.1` (replacing the previous one)
/// and a fresh file is started.
final class LogFile: Sendable {
    /// The file's path.
    let path: String
    private let rotationBytes: Int
    private let state: Locked<(fd: Int32, size: Int)>

    /// Opens (creating) the file for appending.
    ///
    /// - Throws: `SystemCallError` when the file cannot be opened.
    init(path: String, rotationBytes: Int) throws {
        self.path = path
        self.rotationBytes = rotationBytes
        let fd = try Self.open(path)
        state = Locked((fd, Self.size(of: fd)))
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
        state.withLock { state in
            if state.size > 0 && state.size + bytes.count > rotationBytes {
                Syscalls.close(state.fd)
                // Unlink first: renaming over an existing file makes ext4 flush the renamed
                // file's data synchronously (its auto_da_alloc heuristic), which stalls a fast child.
                _ = unlink(path + ".1")
                _ = rename(path, path + ".1")
                state.fd = (try? Self.open(path)) ?? -1
                state.size = 0
            }
            guard state.fd >= 0 else { return }
            Syscalls.writeAll(state.fd, bytes)
            state.size += bytes.count
        }
    }

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
