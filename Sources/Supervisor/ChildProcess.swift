import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// How a child is tied to `aspire` (see `aspire_spawn_mode` in the C shim).
package enum ChildTie: Sendable, Hashable {
    /// A process group of its own, and SIGKILL when the thread that started it exits: a service,
    /// or a short job whose whole group a timeout can kill.
    case ownGroup
    /// Our process group (it gets the signals our group gets), and SIGKILL when the thread that
    /// started it exits: a job that is part of what the caller does, like an image pull.
    case callersGroup
    /// A session of its own and no death signal: it outlives us on purpose (`up --detach`).
    case detached
}

/// What a non-blocking reap found.
enum ReapOutcome: Sendable, Hashable {
    case running
    case ended(TerminationStatus)
    /// The pid is not (or no longer) a child of ours; the errno of waitpid.
    case failed(Int32)
}

/// A child of `aspire`, started by the one spawner every child goes through (services, short
/// jobs such as `initdb` or `podman volume inspect`, and `up --detach`'s background `up`), so
/// each gets the same treatment: signals reset, only stdin/stdout/stderr inherited, registered
/// with the orphan reaper, and SIGKILLed when the thread that started it exits unless detached.
package struct ChildProcess: Sendable, Hashable {
    /// Where a child's stdin, stdout or stderr goes.
    package enum Stream: Sendable, Hashable {
        /// /dev/null.
        case null
        /// The same descriptor as ours.
        case inherit
        /// This descriptor (the caller keeps and closes it).
        case descriptor(Int32)

        /// The descriptor handed to the shim for our own `standard` one (-1 is /dev/null).
        func fd(standard: Int32) -> Int32 {
            switch self {
            case .null: -1
            case .inherit: standard
            case .descriptor(let fd): fd
            }
        }
    }

    /// The child's pid (also its process group or session id unless tied `.callersGroup`).
    package let pid: Int32
    /// How it is tied to us.
    package let tie: ChildTie

    /// A child started earlier (by `spawn`), known by its pid.
    package init(pid: Int32, tie: ChildTie) {
        self.pid = pid
        self.tie = tie
    }

    /// Starts `arguments[0]` (searched on the `PATH` of `environment` when it has no '/').
    ///
    /// - Important: unless `tie` is `.detached`, call this from a thread that lives until the
    ///   child has ended (the blocking `runBlocking` and the async `run` do): the death signal is
    ///   tied to the starting thread, not to the process.
    /// - Throws: `SpawnFailure`, naming the step that failed (e.g. "command 'x' not found").
    package static func spawn(
        _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String? = nil, standardInput: Stream = .null, standardOutput: Stream = .null,
        standardError: Stream = .null, user: ProcessUser? = nil, tie: ChildTie = .ownGroup
    ) throws(SpawnFailure) -> ChildProcess {
        guard let executable = arguments.first else {
            throw SpawnFailure(step: .exec, errno: ENOENT, executable: "", workingDirectory: workingDirectory ?? ".")
        }
        let spawned = Syscalls.spawn(
            executable: executable, arguments: Array(arguments.dropFirst()), environment: environment,
            workingDirectory: workingDirectory, stdinFD: standardInput.fd(standard: 0),
            stdoutFD: standardOutput.fd(standard: 1), stderrFD: standardError.fd(standard: 2), user: user, tie: tie)
        switch spawned {
        case .success(let pid): return ChildProcess(pid: pid, tie: tie)
        case .failure(let failure): throw failure
        }
    }

    /// How it ended (reaping it), or nil while it runs.
    ///
    /// - Returns: `.exited(1)` when it is no longer a child of ours (reaped elsewhere).
    package func exitStatusIfEnded() -> TerminationStatus? {
        switch Syscalls.tryReap(pid) {
        case .running: nil
        case .ended(let status): status
        case .failed: .exited(1)
        }
    }

    /// Waits for it to end (blocking this thread) and reaps it.
    package func waitUntilExit() -> TerminationStatus {
        Syscalls.reap(pid, blocking: true) ?? .exited(1)
    }

    /// Sends `signal` to its process group (to the process alone when it shares ours).
    package func signalGroup(_ signal: Int32) {
        if tie == .callersGroup {
            Syscalls.kill(pid, signal)
        } else {
            Syscalls.killGroup(pid, signal)
        }
    }
}

extension TerminationStatus {
    /// The exit code, or the signal's number when a signal killed it (what Foundation's
    /// `Process.terminationStatus` reported, which messages such as "exited with code 9" keep).
    package var code: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): signal
        }
    }
}
