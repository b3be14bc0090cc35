#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `up` as a child subreaper: a grandchild that leaves its process group and loses its parent (a
/// double fork, `setsid`, a daemonizing server, the nginx master `sh -c` leaves behind) is
/// reparented to us instead of to PID 1. While the run lasts, every such orphan that exits is
/// reaped at its SIGCHLD (no zombies pile up); once every service has stopped, whatever is left
/// of our descendants gets the same stop as a service (SIGTERM, the grace period, SIGKILL).
///
/// Our own children are never taken by the reaper: `aspire_process_spawn` registers each one
/// (see `Sources/CProcessShim/aspire_reaper.c`), and their waiters reap them with their status.
/// Processes in our own process group (started by other code in this process, such as
/// Foundation's `Process`) are left to that code, with everything under them.
struct OrphanReaper: Sendable {
    let loop: IOLoop
    /// The eventfd every SIGCHLD signals.
    let notifyFD: Int32

    /// Becomes the subreaper; nil (nothing changed) when the kernel refuses.
    init?(loop: IOLoop) {
        guard let fd = try? Syscalls.eventFDCreate() else { return nil }
        guard Syscalls.becomeSubreaper(notifyFD: fd) == 0 else {
            Syscalls.stopChildNotifications()
            Syscalls.close(fd)
            return nil
        }
        self.loop = loop
        notifyFD = fd
    }

    /// Reaps adopted orphans at every SIGCHLD until cancelled, then stops listening.
    func run() async {
        defer {
            Syscalls.stopChildNotifications()
            loop.close(notifyFD)
        }
        reapNow()
        while !Task.isCancelled {
            do { try await loop.wait(for: .read, on: notifyFD) } catch { return }
            Syscalls.eventFDDrain(notifyFD)
            reapNow()
        }
    }

    /// Reaps what can be reaped now; a spawn in flight defers it by a few milliseconds.
    private func reapNow() {
        for _ in 0..<50 {
            if Syscalls.reapAdopted() != nil { return }
            usleep(2000)
        }
    }

    // MARK: - Shutdown

    /// Stops every descendant left after the services stopped: `signal` (SIGTERM) to each (and
    /// to the process group it leads), up to `gracePeriod` for them to go, then SIGKILL; repeated
    /// for processes that were forked or adopted meanwhile. A forced shutdown skips the grace.
    ///
    /// - Parameters:
    ///   - sparing: the pids of `lifetime: persistent` servers (asked each round): they and what
    ///     runs under them outlive the run on purpose.
    ///   - onLeftovers: told the pids found in the first round (for a status line).
    func stopDescendants(
        gracePeriod: Duration, force: OneShot<Void>, sparing: @Sendable () -> Set<Int32> = { [] },
        onLeftovers: @Sendable ([Int32]) async -> Void
    ) async {
        var graceful = !force.isFulfilled
        for round in 0..<8 {
            let spared = sparing()
            let targets = Self.descendants(sparing: spared)
            if targets.isEmpty { break }
            if round == 0 { await onLeftovers(targets.map(\.pid)) }
            let number = graceful ? SIGTERM : SIGKILL
            for target in targets {
                // A process that leads its own group (a daemon after setsid) takes its group along.
                if target.group == target.pid { Syscalls.killGroup(target.pid, number) }
                Syscalls.kill(target.pid, number)
            }
            if graceful {
                let deadline = ContinuousClock.now + gracePeriod
                while !force.isFulfilled, ContinuousClock.now < deadline {
                    _ = Syscalls.reapAdopted()
                    let remaining = Set(Self.descendants(sparing: spared).map(\.pid))
                    if targets.allSatisfy({ !remaining.contains($0.pid) }) { break }
                    try? await Task.sleep(for: .milliseconds(20))
                }
                graceful = false
            }
            _ = Syscalls.reapAdopted()
        }
        _ = Syscalls.reapAdopted()
    }

    /// Our living descendants, except our own unreaped children and what runs under them, and
    /// children in our own process group with what runs under them, and the `sparing` pids with
    /// what runs under them.
    static func descendants(sparing: Set<Int32> = []) -> [Syscalls.ProcessEntry] {
        let table = Syscalls.processTable()
        let me = Syscalls.currentPID
        let myGroup = Syscalls.currentGroup
        var children: [Int32: [Syscalls.ProcessEntry]] = [:]
        for entry in table { children[entry.parent, default: []].append(entry) }
        var result: [Syscalls.ProcessEntry] = []
        var pending = (children[me] ?? []).filter { $0.group != myGroup && !Syscalls.isOwnChild($0.pid) }
        var seen = Set<Int32>()
        while let entry = pending.popLast() {
            guard seen.insert(entry.pid).inserted, !sparing.contains(entry.pid) else { continue }
            if entry.state != UInt8(ascii: "Z") && entry.state != UInt8(ascii: "X") { result.append(entry) }
            pending += children[entry.pid] ?? []
        }
        return result
    }
}
