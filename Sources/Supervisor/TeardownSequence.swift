#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// How a child is stopped: signals sent to its whole process group, each followed by a wait
/// (the swift-subprocess `TeardownStep` idea). The default is SIGTERM, `gracePeriod`, SIGKILL.
struct TeardownSequence: Sendable, Hashable {
    struct Step: Sendable, Hashable {
        /// Sent to the child's process group.
        var signal: Int32
        /// How long to wait for the child to exit before the next step.
        var allowedDuration: Duration
    }

    var steps: [Step]

    /// `signal` (SIGTERM unless the service says otherwise), wait `gracePeriod`, then SIGKILL.
    static func graceful(signal: Int32 = SIGTERM, gracePeriod: Duration) -> Self {
        Self(steps: [Step(signal: signal, allowedDuration: gracePeriod)])
    }
}

extension IOLoop {
    /// Runs the sequence against `process`, then SIGKILLs the group if it still runs. A forced
    /// shutdown (`force` fulfilled) skips straight to SIGKILL.
    ///
    /// - Parameter onEscalation: called when a step's time ran out (for a status line).
    func teardown(
        _ process: SpawnedProcess, sequence: TeardownSequence, force: OneShot<Void>,
        onEscalation: @Sendable (TeardownSequence.Step) async -> Void
    ) async {
        for step in sequence.steps {
            if force.isFulfilled { break }
            Syscalls.killGroup(process.pid, step.signal)
            enum Event { case exited, timedOut, forced, cancelled }
            let event: Event = await withTaskGroup(of: Event.self) { group in
                group.addTask {
                    do { try await self.waitForExit(process) } catch { return .cancelled }
                    return .exited
                }
                group.addTask {
                    do { try await Task.sleep(for: step.allowedDuration) } catch { return .cancelled }
                    return .timedOut
                }
                group.addTask {
                    do { try await force.wait() } catch { return .cancelled }
                    return .forced
                }
                let first = await group.next() ?? .cancelled
                group.cancelAll()
                return first
            }
            switch event {
            case .exited: return
            case .timedOut: await onEscalation(step)
            case .forced, .cancelled: break
            }
            if event != .timedOut { break }
        }
        Syscalls.killGroup(process.pid, SIGKILL)
    }
}
