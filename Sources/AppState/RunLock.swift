import Foundation

/// Makes sure one `aspire up` runs per app: an `flock` on `.aspire/run.lock` holding the pid.
///
/// The kernel drops the lock when the process dies, even on `kill -9`, so a stale lock never
/// blocks the next run.
package final class RunLock: Sendable {
    private let descriptor: Int32
    package let path: String

    /// Takes the lock or throws `.alreadyRunning` naming the pid that holds it.
    package init(folder: StateFolder) throws(StateError) {
        try folder.create()
        path = folder.lockFile
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StateError(.cannotWrite(path), errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let pid = Self.readPID(fd)
            close(fd)
            throw StateError(.alreadyRunning(pid: pid, lockFile: path))
        }
        ftruncate(fd, 0)
        let text = "\(getpid())\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
        descriptor = fd
    }

    deinit {
        ftruncate(descriptor, 0)
        close(descriptor)
    }

    /// The pid of the running `up` for this state folder, or nil when none runs.
    package static func runningPID(folder: StateFolder) -> Int32? {
        let fd = open(folder.lockFile, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        let pid = readPID(fd)
        return pid > 0 ? pid : nil
    }

    private static func readPID(_ fd: Int32) -> Int32 {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, 31, 0)
        guard count > 0 else { return 0 }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
