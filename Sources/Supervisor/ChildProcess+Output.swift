#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads a short job's stdout and stderr at once (so neither pipe fills up and blocks it) until
/// it exits, and kills its process group at the deadline or on a byte at the cancel descriptor.
///
/// One `poll` on this thread rather than the supervisor's I/O loop: jobs run while the launch is
/// planned, before any supervisor exists, and the thread must outlive the child anyway.
struct OutputCollector {
    private let child: ChildProcess
    private var outputFD: Int32?
    private var errorFD: Int32?
    private let cancelFD: Int32
    private(set) var output: [UInt8] = []
    private(set) var error: [UInt8] = []
    private(set) var timedOut = false
    private(set) var cancelled = false

    /// How often to look for the exit when the kernel has no pidfd (before Linux 5.3).
    private static let exitPollMilliseconds: Int32 = 10

    /// - Parameters:
    ///   - outputFD, errorFD: the non-blocking read ends to drain, when captured.
    ///   - cancelFD: a descriptor that becomes readable on cancellation, or -1.
    init(child: ChildProcess, outputFD: Int32?, errorFD: Int32?, cancelFD: Int32) {
        self.child = child
        self.outputFD = outputFD
        self.errorFD = errorFD
        self.cancelFD = cancelFD
    }

    /// Returns once the child has exited (not reaped yet) and what it wrote is read. Output of
    /// descendants that outlive it and hold the pipes is not waited for.
    mutating func collect(until deadline: ContinuousClock.Instant?) {
        let pidfd = Syscalls.pidfdOpen(child.pid)
        defer { if let pidfd { Syscalls.close(pidfd) } }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var killed = false
        while true {
            var watched: [pollfd] = []
            for fd in [outputFD, errorFD, pidfd].compactMap({ $0 }) {
                watched.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
            }
            if cancelFD >= 0 && !killed { watched.append(pollfd(fd: cancelFD, events: Int16(POLLIN), revents: 0)) }
            var wait: Int32 = pidfd == nil ? Self.exitPollMilliseconds : -1
            if let deadline, !killed {
                let left = Self.milliseconds(until: deadline)
                wait = wait < 0 ? left : min(wait, left)
            }
            _ = watched.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), wait) }
            let ready = Set(watched.filter { $0.revents != 0 }.map(\.fd))

            if let fd = outputFD, ready.contains(fd) { outputFD = Self.drain(fd, into: &output, buffer: &buffer) }
            if let fd = errorFD, ready.contains(fd) { errorFD = Self.drain(fd, into: &error, buffer: &buffer) }
            let exited = pidfd.map { ready.contains($0) } ?? Syscalls.hasExited(child.pid)
            if exited {
                // Everything it wrote is in the pipes now; take what is there and stop.
                if let fd = outputFD { outputFD = Self.drain(fd, into: &output, buffer: &buffer) }
                if let fd = errorFD { errorFD = Self.drain(fd, into: &error, buffer: &buffer) }
                return
            }
            if !killed && cancelFD >= 0 && ready.contains(cancelFD) {
                cancelled = true
                killed = true
                child.signalGroup(SIGKILL)
            }
            if !killed, let deadline, ContinuousClock.now >= deadline {
                timedOut = true
                killed = true
                child.signalGroup(SIGKILL)
            }
        }
    }

    /// Reads `fd` until it would block; nil once it is at end of file (or failed).
    private static func drain(_ fd: Int32, into bytes: inout [UInt8], buffer: inout [UInt8]) -> Int32? {
        while true {
            let count = buffer.withUnsafeMutableBytes { Syscalls.read(fd, into: $0) }
            if count > 0 {
                bytes.append(contentsOf: buffer[0..<count])
            } else if count == -Int(Syscalls.eAgain) {
                return fd
            } else {
                return nil
            }
        }
    }

    /// Milliseconds from now to `deadline` (rounded up, at least 0).
    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let left = ContinuousClock.now.duration(to: deadline)
        guard left > .zero else { return 0 }
        let (seconds, attoseconds) = left.components
        let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: total)
    }
}
