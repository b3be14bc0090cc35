internal import CProcessShim

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The system calls of `up` as a child subreaper (`OrphanReaper`): becoming one, reaping what it
/// adopts, and reading the process table to find and stop descendants at shutdown.
extension Syscalls {
    /// Makes this process a child subreaper and has every SIGCHLD signal `notifyFD` (an
    /// eventfd); 0 or the errno.
    static func becomeSubreaper(notifyFD: Int32) -> Int32 {
        -aspire_become_subreaper(notifyFD)
    }

    /// Stops signalling the eventfd given to `becomeSubreaper` (call before closing it).
    static func stopChildNotifications() {
        aspire_sigchld_notify_stop()
    }

    /// Reaps every zombie child we did not spawn; nil when a spawn is in flight (try again).
    static func reapAdopted() -> [Int32]? {
        var reaped = [Int32](repeating: 0, count: 64)
        let count = reaped.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return 0 }
            return aspire_reap_adopted(base, Int32(buffer.count))
        }
        if count == -EAGAIN { return nil }
        guard count > 0 else { return [] }
        return Array(reaped.prefix(Int(min(count, 64))))
    }

    /// One process of the system's process table.
    struct ProcessEntry: Sendable, Hashable {
        var pid: Int32
        var parent: Int32
        var group: Int32
        /// The state letter of /proc/PID/stat: `R`, `S`, `Z` (a zombie), …
        var state: UInt8
    }

    /// Every process in /proc (empty when /proc cannot be read).
    static func processTable() -> [ProcessEntry] {
        var capacity = 1024
        while true {
            var pids = [Int32](repeating: 0, count: capacity)
            var parents = [Int32](repeating: 0, count: capacity)
            var groups = [Int32](repeating: 0, count: capacity)
            var states = [CChar](repeating: 0, count: capacity)
            let count = pids.withUnsafeMutableBufferPointer { pidBuffer in
                parents.withUnsafeMutableBufferPointer { parentBuffer in
                    groups.withUnsafeMutableBufferPointer { groupBuffer in
                        states.withUnsafeMutableBufferPointer { stateBuffer -> Int32 in
                            guard let p = pidBuffer.baseAddress, let pp = parentBuffer.baseAddress,
                                let g = groupBuffer.baseAddress, let s = stateBuffer.baseAddress
                            else { return 0 }
                            return aspire_list_processes(p, pp, g, s, Int32(capacity))
                        }
                    }
                }
            }
            guard count > 0 else { return [] }
            if Int(count) > capacity {
                capacity = Int(count) + 256
                continue
            }
            return (0..<Int(count)).map {
                ProcessEntry(
                    pid: pids[$0], parent: parents[$0], group: groups[$0], state: UInt8(bitPattern: states[$0]))
            }
        }
    }

    /// Whether `pid` is a child we spawned and have not reaped.
    static func isOwnChild(_ pid: Int32) -> Bool {
        aspire_is_own_child(pid) != 0
    }

    /// Our process group.
    static var currentGroup: Int32 { getpgrp() }

    /// Sends `signal` to one process; false when it is gone.
    @discardableResult
    static func kill(_ pid: Int32, _ signal: Int32) -> Bool {
        aspire_kill(pid, signal) == 0
    }
}

extension Syscalls {
    /// Forks the sentinel (see `aspire_sentinel_start`) that SIGKILLs every process whose
    /// environment holds `marker` once the returned descriptor is closed or this process dies.
    ///
    /// - Returns: the sentinel's pid and the pipe's write end.
    static func startSentinel(marker: String) throws(SystemCallError) -> (pid: Int32, fd: Int32) {
        var pid: pid_t = 0
        let fd = aspire_sentinel_start(marker, &pid)
        guard fd >= 0 else { throw SystemCallError(call: "fork (sentinel)", errno: -fd) }
        return (pid, fd)
    }
}
