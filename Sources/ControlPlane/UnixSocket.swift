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

/// Who is at the other end of a Unix socket (from `SO_PEERCRED`).
package struct PeerCredentials: Sendable, Hashable {
    package var pid: Int32
    package var uid: UInt32
    package var gid: UInt32

    package init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }
}

/// Plain `AF_UNIX` stream sockets: listen, accept, connect, peer credentials.
package enum UnixSocket {
    /// `sockaddr_un.sun_path`'s size; longer paths go through `/proc/self/fd`.
    private static let maximumPathBytes = 108

    /// Binds a listening socket at `path` (replacing a stale one), mode 0600, non-blocking.
    ///
    /// - Important: replaces whatever is at `path`; call it only while holding the app's run lock.
    /// - Throws: `ControlSocketError` naming the failed call.
    package static func listen(path: String) throws(ControlSocketError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ControlSocketError("socket", errno: errno) }
        unlink(path)
        let bound = withAddress(path) { bind(fd, $0, $1) }
        guard bound == 0 else {
            let error = errno
            close(fd)
            throw ControlSocketError("bind \(path)", errno: error)
        }
        guard chmod(path, 0o600) == 0 else {
            let error = errno
            close(fd)
            unlink(path)
            throw ControlSocketError("chmod \(path)", errno: error)
        }
        guard Glibc.listen(fd, 32) == 0, setNonBlocking(fd) else {
            let error = errno
            close(fd)
            unlink(path)
            throw ControlSocketError("listen \(path)", errno: error)
        }
        return fd
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

    /// Accepts one pending connection of a non-blocking listener, itself non-blocking.
    ///
    /// - Returns: the connection, nil when none is pending (or on a transient error).
    package static func accept(_ listener: Int32) -> Int32? {
        let fd = Glibc.accept(listener, nil, nil)
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        guard setNonBlocking(fd) else {
            close(fd)
            return nil
        }
        return fd
    }

    /// The uid, gid and pid of the process that connected (`SO_PEERCRED`), nil if unavailable.
    package static func peerCredentials(_ fd: Int32) -> PeerCredentials? {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }: three 32-bit fields (Glibc does not
        // import the struct without _GNU_SOURCE).
        var fields = [UInt32](repeating: 0, count: 3)
        var length = socklen_t(MemoryLayout<UInt32>.size * 3)
        let status = fields.withUnsafeMutableBytes { getsockopt(fd, SOL_SOCKET, SO_PEERCRED, $0.baseAddress, &length) }
        guard status == 0, length == socklen_t(MemoryLayout<UInt32>.size * 3) else { return nil }
        return PeerCredentials(pid: Int32(bitPattern: fields[0]), uid: fields[1], gid: fields[2])
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

    private static func setNonBlocking(_ fd: Int32) -> Bool {
        let flags = fcntl(fd, F_GETFL)
        return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0
    }
}
