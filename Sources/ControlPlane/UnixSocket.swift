import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A socket call that failed, with its errno.
package struct ControlSocketError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What we were doing, e.g. "bind /path/.aspire/control.sock".
    package var operation: String
    package var errno: Int32

    package init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    package var description: String { "\(operation): \(String(cString: strerror(errno)))" }
}

/// Plain `AF_UNIX` stream sockets, for the blocking client (`ControlClient`) and the server's checks.
package enum UnixSocket {
    /// `sockaddr_un.sun_path`'s size; longer paths go through `/proc/self/fd`.
    static let maximumPathBytes = 108

    /// Binds a socket at `path` and removes it again: whether the server will be able to (the
    /// folder exists and is ours), checked before `up` goes on, so a failure shows at once.
    ///
    /// - Important: replaces whatever is at `path`; call it only while holding the app's run lock.
    /// - Throws: `ControlSocketError` naming the failed call.
    package static func probeBind(path: String) throws(ControlSocketError) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ControlSocketError("socket", errno: errno) }
        defer { close(fd) }
        unlink(path)
        guard withAddress(path, { bind(fd, $0, $1) }) == 0 else { throw ControlSocketError("bind \(path)", errno: errno) }
        unlink(path)
    }

    /// A path to bind or connect to that fits `sun_path`: the path itself, or, for a longer one,
    /// `/proc/self/fd/N/NAME` through its folder opened as N (open until `close()`).
    package struct ShortAddress: Sendable {
        package let path: String
        private let folderFD: Int32

        /// - Throws: `ControlSocketError` when a long path's folder cannot be opened.
        package init(path: String) throws(ControlSocketError) {
            guard path.utf8.count >= UnixSocket.maximumPathBytes else {
                self.path = path
                folderFD = -1
                return
            }
            let folder = (path as NSString).deletingLastPathComponent
            folderFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard folderFD >= 0 else { throw ControlSocketError("open \(folder)", errno: errno) }
            self.path = "/proc/self/fd/\(folderFD)/\((path as NSString).lastPathComponent)"
        }

        /// Closes the folder of a long path.
        package func close() {
            if folderFD >= 0 { Glibc.close(folderFD) }
        }
    }

    /// Connects to the socket at `path`, blocking, with `timeout` on every read and write.
    ///
    /// - Throws: `ControlSocketError` (ENOENT or ECONNREFUSED when nothing listens).
    package static func connect(path: String, timeout: Duration) throws(ControlSocketError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ControlSocketError("socket", errno: errno) }
        let seconds = max(timeout.components.seconds, 0)
        var interval = timeval(tv_sec: Int(seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        if seconds == 0 && interval.tv_usec == 0 { interval.tv_usec = 1000 }
        let size = socklen_t(MemoryLayout<timeval>.size)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, size)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &interval, size)
        let connected = withAddress(path) { Glibc.connect(fd, $0, $1) }
        guard connected == 0 else {
            let error = errno
            close(fd)
            throw ControlSocketError("connect \(path)", errno: error)
        }
        return fd
    }

    /// Calls `body` with a `sockaddr_un` for `path`; a path too long for `sun_path` is reached
    /// through `/proc/self/fd/N/` of its folder, opened for the call.
    private static func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var target = path
        var folderFD: Int32 = -1
        if path.utf8.count >= maximumPathBytes {
            let folder = (path as NSString).deletingLastPathComponent
            folderFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard folderFD >= 0 else { return -1 }
            target = "/proc/self/fd/\(folderFD)/\((path as NSString).lastPathComponent)"
        }
        defer { if folderFD >= 0 { close(folderFD) } }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(target.utf8)
        guard bytes.count < maximumPathBytes else {
            errno = ENAMETOOLONG
            return -1
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }
}
