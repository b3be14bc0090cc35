import Foundation

/// The supervisor's I/O thread: it waits on epoll for every descriptor the supervisor watches
/// (pipes, pidfds, sockets). Children are started by its `SpawnerThreads` (a vfork-style
/// clone + exec each), several at once.
///
/// Why dedicated threads fork: children ask for SIGKILL when their parent dies
/// (PR_SET_PDEATHSIG), and the kernel ties that to the *thread* that forked, not the process.
/// Threads of Swift's cooperative pool may exit when idle, which would kill healthy children at
/// random, so every fork happens on a spawner thread that lives until `stop()`. A supervisor run
/// stops its loop only after every child is reaped; if the whole process dies (even `kill -9`),
/// these threads die with it and the kernel kills every child.
///
/// Waiting is one-shot and cancellation-aware: a task calls `wait(for:on:)`, the loop resumes it
/// when the descriptor is ready, and cancelling the task removes the registration. A descriptor
/// may have one reader and one writer waiting at the same time (the proxy relays both ways).
final class IOLoop: Sendable {
    /// What a waiter needs from a descriptor.
    enum Interest: Sendable {
        case read, write
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct Entry {
        var reader: Waiter?
        var writer: Waiter?
        var registered = false

        var mask: Int32 {
            (reader == nil ? 0 : Syscalls.ioRead) | (writer == nil ? 0 : Syscalls.ioWrite)
        }
    }

    private struct State {
        var entries: [Int32: Entry] = [:]
        var nextID: UInt64 = 1
        var stopping = false
    }

    private let epollFD: Int32
    private let wakeFD: Int32
    private let state = Locked(State())
    private let finished = OneShot<Void>()
    private let spawners: SpawnerThreads
    /// Added to every child's environment (the run's cookie, see `Sentinel`).
    private let spawnEnvironment: [String: String]

    /// Creates the epoll set and starts the thread.
    ///
    /// - Parameter spawnEnvironment: variables added to every spawned child's environment.
    /// - Throws: `SystemCallError` when the kernel refuses epoll or eventfd.
    init(spawnEnvironment: [String: String] = [:]) throws {
        self.spawnEnvironment = spawnEnvironment
        epollFD = try Syscalls.epollCreate()
        do {
            wakeFD = try Syscalls.eventFDCreate()
        } catch {
            Syscalls.close(epollFD)
            throw error
        }
        let status = Syscalls.epollArm(epollFD, wakeFD, interest: Syscalls.ioRead, registered: false)
        guard status == 0 else {
            Syscalls.close(wakeFD)
            Syscalls.close(epollFD)
            throw SystemCallError(call: "epoll_ctl", errno: status)
        }
        spawners = SpawnerThreads(count: SpawnerThreads.defaultCount)
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "aspire-io"
        thread.start()
    }

    /// Asks the threads to finish their pending jobs and exit, and waits until they have.
    ///
    /// - Important: children forked by this loop get SIGKILL when its threads exit; stop the loop
    ///   only after they are reaped.
    func stop() async {
        await spawners.stop()
        let waiters: [Waiter] = state.withLock { state in
            state.stopping = true
            let waiters = state.entries.values.flatMap { [$0.reader, $0.writer].compactMap { $0 } }
            state.entries.removeAll()
            return waiters
        }
        for waiter in waiters { waiter.continuation.resume(throwing: CancellationError()) }
        Syscalls.eventFDSignal(wakeFD)
        _ = try? await finished.wait()
    }

    // MARK: - Waiting for descriptors

    /// Suspends until `fd` is readable (or at EOF/hang-up) or writable.
    ///
    /// - Throws: `CancellationError` when the task is cancelled or the loop stops;
    ///   `SystemCallError` when epoll refuses the descriptor.
    func wait(for interest: Interest, on fd: Int32) async throws {
        let id: UInt64 = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let failure: (any Error)? = state.withLock { state in
                    if state.stopping || Task.isCancelled { return CancellationError() }
                    var entry = state.entries[fd] ?? Entry()
                    let waiter = Waiter(id: id, continuation: continuation)
                    switch interest {
                    case .read:
                        if entry.reader != nil { return SystemCallError(call: "epoll (second reader)", errno: EBUSY) }
                        entry.reader = waiter
                    case .write:
                        if entry.writer != nil { return SystemCallError(call: "epoll (second writer)", errno: EBUSY) }
                        entry.writer = waiter
                    }
                    let status = Syscalls.epollArm(epollFD, fd, interest: entry.mask, registered: entry.registered)
                    if status != 0 {
                        switch interest {
                        case .read: entry.reader = nil
                        case .write: entry.writer = nil
                        }
                        state.entries[fd] = entry
                        return SystemCallError(call: "epoll_ctl", errno: status)
                    }
                    entry.registered = true
                    state.entries[fd] = entry
                    return nil
                }
                if let failure { continuation.resume(throwing: failure) }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                guard var entry = state.entries[fd] else { return nil }
                var removed: Waiter?
                if entry.reader?.id == id {
                    removed = entry.reader
                    entry.reader = nil
                } else if entry.writer?.id == id {
                    removed = entry.writer
                    entry.writer = nil
                }
                state.entries[fd] = entry
                return removed
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Forgets `fd` (removing it from epoll) and closes it. Use this for every descriptor that
    /// was ever waited on, so a reused descriptor number starts clean.
    func close(_ fd: Int32) {
        let waiters: [Waiter] = state.withLock { state in
            guard let entry = state.entries.removeValue(forKey: fd) else { return [] }
            if entry.registered { Syscalls.epollRemove(epollFD, fd) }
            return [entry.reader, entry.writer].compactMap { $0 }
        }
        for waiter in waiters { waiter.continuation.resume(throwing: CancellationError()) }
        Syscalls.close(fd)
    }

    // MARK: - The thread

    private func runLoop() {
        while true {
            let events = Syscalls.epollWait(epollFD, timeoutMilliseconds: -1)
            let woken = events.contains { $0.fd == wakeFD }
            if woken { Syscalls.eventFDDrain(wakeFD) }
            var ready: [Waiter] = []
            let stopping: Bool = state.withLock { state in
                for (fd, bits) in events where fd != wakeFD {
                    guard var entry = state.entries[fd] else { continue }
                    if bits & (Syscalls.ioRead | Syscalls.ioHangup) != 0, let reader = entry.reader {
                        ready.append(reader)
                        entry.reader = nil
                    }
                    if bits & (Syscalls.ioWrite | Syscalls.ioHangup) != 0, let writer = entry.writer {
                        ready.append(writer)
                        entry.writer = nil
                    }
                    // One-shot: the event disarmed the descriptor; re-arm for whoever still waits.
                    if entry.mask != 0 {
                        let status = Syscalls.epollArm(epollFD, fd, interest: entry.mask, registered: true)
                        if status != 0 {
                            ready.append(contentsOf: [entry.reader, entry.writer].compactMap { $0 })
                            entry.reader = nil
                            entry.writer = nil
                        }
                    }
                    state.entries[fd] = entry
                }
                return state.stopping
            }
            if woken { _ = Syscalls.epollArm(epollFD, wakeFD, interest: Syscalls.ioRead, registered: true) }
            for waiter in ready { waiter.continuation.resume() }
            if stopping { break }
        }
        Syscalls.close(wakeFD)
        Syscalls.close(epollFD)
        finished.fulfill()
    }
}

// MARK: - Processes

/// A child started by the loop: its pid (and process group), an optional pidfd, and the read
/// ends of its stdout and stderr pipes (nil when they go to /dev/null).
struct SpawnedProcess: Sendable, Hashable {
    var pid: Int32
    var pidfd: Int32?
    var stdout: Int32?
    var stderr: Int32?
}

/// What to start.
struct SpawnRequest: Sendable, Hashable {
    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var workingDirectory: String?
    /// Pipes for stdout/stderr when true; /dev/null when false.
    var captureOutput: Bool
    /// Run as this user; nil = as the supervisor.
    var user: ProcessUser? = nil
}

extension IOLoop {
    /// Starts a child on a spawner thread (see the type's comment for why there).
    ///
    /// - Throws: `SpawnFailure` when the child could not start (command not found, bad working
    ///   directory, …); `SystemCallError` when pipes could not be made; `CancellationError` when
    ///   the loop is stopping.
    func spawn(_ request: SpawnRequest) async throws -> SpawnedProcess {
        let environment = request.environment.merging(spawnEnvironment) { _, added in added }
        let result: Result<SpawnedProcess, any Error> = try await spawners.perform {
            var outPipe: (read: Int32, write: Int32)?
            var errPipe: (read: Int32, write: Int32)?
            if request.captureOutput {
                do {
                    outPipe = try Syscalls.makePipe()
                    errPipe = try Syscalls.makePipe()
                } catch {
                    for fd in [outPipe?.read, outPipe?.write].compactMap({ $0 }) { Syscalls.close(fd) }
                    return .failure(error)
                }
            }
            let spawned = Syscalls.spawn(
                executable: request.executable, arguments: request.arguments,
                environment: environment, workingDirectory: request.workingDirectory,
                stdoutFD: outPipe?.write ?? -1, stderrFD: errPipe?.write ?? -1, user: request.user)
            if let outPipe { Syscalls.close(outPipe.write) }
            if let errPipe { Syscalls.close(errPipe.write) }
            switch spawned {
            case .success(let pid):
                return .success(
                    SpawnedProcess(
                        pid: pid, pidfd: Syscalls.pidfdOpen(pid), stdout: outPipe?.read, stderr: errPipe?.read))
            case .failure(let failure):
                if let outPipe { Syscalls.close(outPipe.read) }
                if let errPipe { Syscalls.close(errPipe.read) }
                return .failure(failure)
            }
        }
        return try result.get()
    }

    /// Waits until the child has terminated, without reaping it (its pid and process group stay
    /// reserved until `reap`).
    ///
    /// - Throws: `CancellationError` when the task is cancelled.
    func waitForExit(_ process: SpawnedProcess) async throws {
        if let pidfd = process.pidfd {
            try await wait(for: .read, on: pidfd)
            return
        }
        // No pidfd (kernel < 5.3 or a seccomp filter): poll without reaping, 20 times a second.
        while !Syscalls.hasExited(process.pid) {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Kills what is left of the child's process group, reaps the child and closes its pidfd.
    ///
    /// Call after `waitForExit` returned (or after SIGKILL): the leader is a zombie then, so its
    /// group id cannot have been reused by an unrelated process.
    func reap(_ process: SpawnedProcess) -> TerminationStatus {
        Syscalls.killGroup(process.pid, SIGKILL)
        let status = Syscalls.reap(process.pid, blocking: true) ?? .exited(-1)
        if let pidfd = process.pidfd { close(pidfd) }
        return status
    }
}
