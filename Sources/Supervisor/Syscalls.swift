internal import CProcessShim

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An OS call that failed, with its errno.
struct SystemCallError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The call, e.g. "epoll_create1".
    var call: String
    /// The errno value.
    var errno: Int32

    var description: String { "\(call): \(Syscalls.describe(errno: errno))" }
}

/// How a child ended.
package enum TerminationStatus: Sendable, Hashable, CustomStringConvertible {
    /// It called exit with this code.
    case exited(Int32)
    /// A signal killed it.
    case signaled(Int32)

    /// Whether the child exited with status 0.
    package var isSuccess: Bool { self == .exited(0) }

    package var description: String {
        switch self {
        case .exited(let code): "exited with code \(code)"
        case .signaled(let signal): "killed by \(Syscalls.signalName(signal))"
        }
    }
}

/// The thin Swift face of the C shim: the only file that imports `CProcessShim`.
enum Syscalls {
    // MARK: - Errors

    /// `strerror` text for an errno value.
    static func describe(errno value: Int32) -> String {
        guard let text = strerror(value) else { return "errno \(value)" }
        return String(cString: text)
    }

    /// The conventional name of a signal (`SIGTERM`), or `signal N`.
    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGHUP: "SIGHUP"
        case SIGINT: "SIGINT"
        case SIGQUIT: "SIGQUIT"
        case SIGILL: "SIGILL"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGFPE: "SIGFPE"
        case SIGKILL: "SIGKILL"
        case SIGSEGV: "SIGSEGV"
        case SIGPIPE: "SIGPIPE"
        case SIGALRM: "SIGALRM"
        case SIGTERM: "SIGTERM"
        case SIGUSR1: "SIGUSR1"
        case SIGUSR2: "SIGUSR2"
        default: "signal \(signal)"
        }
    }

    // MARK: - Processes

    /// Starts a child (see `aspire_process_spawn_with`): every child of `aspire` starts here.
    ///
    /// - Important: unless `tie` is `.detached`, the child is SIGKILLed when the calling *thread*
    ///   exits, so call this only from a thread that outlives the child (the loop thread, a
    ///   spawner thread, or a thread that waits for the child).
    /// - Parameters:
    ///   - stdinFD: the child's stdin, or -1 for /dev/null.
    ///   - stdoutFD: the write end for the child's stdout, or -1 for /dev/null.
    ///   - stderrFD: the write end for the child's stderr, or -1 for /dev/null.
    /// - Returns: the child's pid, or why it could not start.
    static func spawn(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String?,
        stdinFD: Int32 = -1, stdoutFD: Int32, stderrFD: Int32, user: ProcessUser? = nil, tie: ChildTie = .ownGroup
    ) -> Result<Int32, SpawnFailure> {
        let uid = user.map { Int64($0.uid) } ?? -1
        let gid = user.map { Int64($0.gid) } ?? -1
        let mode: aspire_spawn_mode =
            switch tie {
            case .ownGroup: ASPIRE_SPAWN_OWN_GROUP
            case .callersGroup: ASPIRE_SPAWN_SAME_GROUP
            case .detached: ASPIRE_SPAWN_DETACHED
            }
        let argv = CStringArray([executable] + arguments)
        let envp = CStringArray(environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        var result = aspire_spawn_result()
        let status = executable.withCString { file in
            argv.withPointer { argvPointer in
                envp.withPointer { envpPointer in
                    withOptionalCString(workingDirectory) { directory -> Int32 in
                        var options = aspire_spawn_options(
                            file: file, argv: argvPointer, envp: envpPointer, workdir: directory, stdin_fd: stdinFD,
                            stdout_fd: stdoutFD, stderr_fd: stderrFD, uid: uid, gid: gid, mode: Int32(mode.rawValue))
                        return aspire_process_spawn_with(&options, &result)
                    }
                }
            }
        }
        if status == 0 { return .success(result.pid) }
        return .failure(
            SpawnFailure(
                step: SpawnFailure.Step(rawValue: result.step) ?? .unknown, errno: result.error,
                executable: executable, workingDirectory: workingDirectory ?? "."))
    }

    /// `body` with a C string for `string`, or NULL.
    private static func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let string else { return body(nil) }
        return string.withCString { body($0) }
    }

    /// A pidfd for our child, or nil when the kernel has none (then exits are polled).
    static func pidfdOpen(_ pid: Int32) -> Int32? {
        let fd = aspire_pidfd_open(pid)
        return fd >= 0 ? fd : nil
    }

    /// Whether our (unreaped) child has terminated.
    static func hasExited(_ pid: Int32) -> Bool {
        aspire_process_has_exited(pid) != 0
    }

    /// Reaps our child, blocking until it ends when `blocking`.
    ///
    /// - Returns: its exit status, or nil when it still runs (non-blocking) or is not our child.
    static func reap(_ pid: Int32, blocking: Bool) -> TerminationStatus? {
        var status: Int32 = 0
        guard aspire_process_reap(pid, blocking ? 1 : 0, &status) == 1 else { return nil }
        var value: Int32 = 0
        switch aspire_wait_status_decode(status, &value) {
        case 1: return .exited(value)
        case 2: return .signaled(value)
        default: return .exited(-1)
        }
    }

    /// Reaps our child if it has ended: `.running` while it runs, `.failed(errno)` when it is
    /// not (or no longer) a child of ours.
    static func tryReap(_ pid: Int32) -> ReapOutcome {
        var status: Int32 = 0
        let outcome = aspire_process_reap(pid, 0, &status)
        if outcome == 0 { return .running }
        if outcome < 0 { return .failed(-outcome) }
        var value: Int32 = 0
        switch aspire_wait_status_decode(status, &value) {
        case 1: return .ended(.exited(value))
        case 2: return .ended(.signaled(value))
        default: return .ended(.exited(-1))
        }
    }

    /// Signals a whole process group; false when it is empty.
    @discardableResult
    static func killGroup(_ pgid: Int32, _ signal: Int32) -> Bool {
        aspire_kill_group(pgid, signal) == 0
    }

    /// Whether a process with this pid exists (kill(pid, 0)).
    static func processExists(_ pid: Int32) -> Bool {
        let status = aspire_kill(pid, 0)
        return status == 0 || status == -EPERM
    }

    /// Our own pid.
    static var currentPID: Int32 { getpid() }

    // MARK: - Descriptors

    /// A pipe whose read end is non-blocking; both ends close-on-exec.
    static func makePipe() throws(SystemCallError) -> (read: Int32, write: Int32) {
        var fds: (Int32, Int32) = (-1, -1)
        let status = withUnsafeMutablePointer(to: &fds) {
            $0.withMemoryRebound(to: Int32.self, capacity: 2) { aspire_pipe($0) }
        }
        guard status == 0 else { throw SystemCallError(call: "pipe2", errno: -status) }
        return (fds.0, fds.1)
    }

    /// Closes a descriptor, ignoring errors (there is nothing useful to do about them).
    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// read(2): bytes read, 0 at EOF, or `-errno`.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        while true {
            let n = Glibc.read(fd, base, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { return -Int(errno) }
        }
    }

    /// write(2) of the whole buffer to a blocking descriptor; false on error.
    @discardableResult
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Bool {
        guard var pointer = buffer.baseAddress else { return true }
        var remaining = buffer.count
        while remaining > 0 {
            let n = Glibc.write(fd, pointer, remaining)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            pointer += n
            remaining -= n
        }
        return true
    }

    // MARK: - Bytes

    /// The offset of the last `byte` in `buffer`, or nil.
    static func lastIndex(of byte: UInt8, in buffer: UnsafeRawBufferPointer) -> Int? {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return nil }
        let offset = aspire_last_index_of(base, UInt(buffer.count), Int32(byte))
        return offset >= 0 ? offset : nil
    }

    /// The offset of the first `needle` in `haystack`, or nil.
    static func firstRange(of needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let hay = haystack.baseAddress, let pin = needle.baseAddress, !needle.isEmpty else { return nil }
        let offset = aspire_find_bytes(hay, UInt(haystack.count), pin, UInt(needle.count))
        return offset >= 0 ? offset : nil
    }

    // MARK: - epoll

    static let ioRead = Int32(ASPIRE_IO_READ)
    static let ioWrite = Int32(ASPIRE_IO_WRITE)
    static let ioHangup = Int32(ASPIRE_IO_HANGUP)

    static func epollCreate() throws(SystemCallError) -> Int32 {
        let fd = aspire_epoll_create()
        guard fd >= 0 else { throw SystemCallError(call: "epoll_create1", errno: -fd) }
        return fd
    }

    /// Arms `fd` one-shot; retries ADD/MOD the other way round when the kernel disagrees with us
    /// about whether it is registered. Returns 0 or an errno.
    static func epollArm(_ epfd: Int32, _ fd: Int32, interest: Int32, registered: Bool) -> Int32 {
        var status = aspire_epoll_arm(epfd, fd, interest, registered ? 0 : 1)
        if status == -ENOENT || status == -EEXIST {
            status = aspire_epoll_arm(epfd, fd, interest, status == -ENOENT ? 1 : 0)
        }
        return -status
    }

    static func epollRemove(_ epfd: Int32, _ fd: Int32) {
        _ = aspire_epoll_remove(epfd, fd)
    }

    /// Waits for up to 64 events; returns (fd, ASPIRE_IO_* bits) pairs.
    static func epollWait(_ epfd: Int32, timeoutMilliseconds: Int32) -> [(fd: Int32, events: Int32)] {
        var fds = [Int32](repeating: 0, count: 64)
        var events = [Int32](repeating: 0, count: 64)
        let count = fds.withUnsafeMutableBufferPointer { fdBuffer in
            events.withUnsafeMutableBufferPointer { eventBuffer in
                guard let fdBase = fdBuffer.baseAddress, let eventBase = eventBuffer.baseAddress else {
                    return Int32(0)
                }
                return aspire_epoll_wait(epfd, fdBase, eventBase, 64, timeoutMilliseconds)
            }
        }
        guard count > 0 else { return [] }
        return (0..<Int(count)).map { (fds[$0], events[$0]) }
    }

    static func eventFDCreate() throws(SystemCallError) -> Int32 {
        let fd = aspire_eventfd_create()
        guard fd >= 0 else { throw SystemCallError(call: "eventfd", errno: -fd) }
        return fd
    }

    static func eventFDSignal(_ fd: Int32) {
        _ = aspire_eventfd_signal(fd)
    }

    static func eventFDDrain(_ fd: Int32) {
        aspire_eventfd_drain(fd)
    }

    // MARK: - Sockets

    /// A non-blocking listener on host:port, or the errno.
    static func tcpListen(host: String, port: Int) -> Result<Int32, SystemCallError> {
        let fd = aspire_tcp_listen(host, Int32(clamping: port), 128)
        return fd >= 0 ? .success(fd) : .failure(SystemCallError(call: "listen", errno: -fd))
    }

    /// 0 when host:port can be listened on right now, else the errno.
    static func tcpProbeBind(host: String, port: Int) -> Int32 {
        -aspire_tcp_probe_bind(host, Int32(clamping: port))
    }

    /// Starts a connect; `inProgress` means wait for writability, then check `socketError`.
    static func tcpConnect(host: String, port: Int) -> Result<(fd: Int32, inProgress: Bool), SystemCallError> {
        var inProgress: Int32 = 0
        let fd = aspire_tcp_connect(host, Int32(clamping: port), &inProgress)
        guard fd >= 0 else { return .failure(SystemCallError(call: "connect", errno: -fd)) }
        return .success((fd, inProgress != 0))
    }

    /// The pending SO_ERROR (0 = connected).
    static func socketError(_ fd: Int32) -> Int32 {
        let status = aspire_socket_error(fd)
        return status < 0 ? -status : status
    }

    /// accept4: a client socket, or `-errno`.
    static func accept(_ fd: Int32) -> Int32 {
        aspire_tcp_accept(fd)
    }

    /// The port a socket is bound to, or nil.
    static func localPort(_ fd: Int32) -> Int? {
        let port = aspire_socket_local_port(fd)
        return port >= 0 ? Int(port) : nil
    }

    /// send(MSG_NOSIGNAL): bytes sent or `-errno`.
    static func send(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        while true {
            let n = aspire_socket_send(fd, base, UInt(buffer.count))
            if n != -Int(EINTR) { return n }
        }
    }

    /// shutdown(SHUT_WR).
    static func shutdownWrite(_ fd: Int32) {
        _ = aspire_socket_shutdown(fd, 1)
    }

    /// shutdown(SHUT_RDWR): wakes anyone blocked on the socket in either direction.
    static func shutdownBoth(_ fd: Int32) {
        _ = aspire_socket_shutdown(fd, 2)
    }

    static let eAgain = EAGAIN
    static let eConnRefused = ECONNREFUSED
    static let eAddrInUse = EADDRINUSE
}

// MARK: - C string arrays

/// A NULL-terminated `char *[]` built from Swift strings, freed on deinit.
private final class CStringArray {
    private let count: Int
    private let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    init(_ strings: [String]) {
        count = strings.count
        pointers = .allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() {
            (pointers + index).initialize(to: strdup(string))
        }
        (pointers + strings.count).initialize(to: nil)
    }

    deinit {
        for index in 0..<count { free(pointers[index]) }
        pointers.deinitialize(count: count + 1)
        pointers.deallocate()
    }

    func withPointer<R>(_ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        body(UnsafePointer(pointers))
    }
}
