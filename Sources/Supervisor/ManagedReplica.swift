import AppStatus
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One replica of a service: spawn, forward output, probe, wait for the exit or the stop turn,
/// restart with backoff when the policy says so.
struct ManagedReplica: Sendable {
    let handle: ServiceHandle
    let index: Int
    let context: RunContext

    private var spec: ServiceSpec { handle.spec }
    private var replica: ReplicaSpec { spec.replicas[index] }

    /// How one process of this replica ended.
    private struct ProcessEnd {
        var status: TerminationStatus
        var stoppedByUs: Bool
    }

    func run() async {
        // This generation's stop request (`Supervisor.stop`): stop, and stay stopped, no restart.
        let stopRequest = handle.control.stopRequest
        var consecutiveRestarts = 0
        var totalRestarts = await context.supervisor.restartCount(service: spec.name, replica: index)
        while true {
            if context.shutdown.isFulfilled || Task.isCancelled || stopRequest.isFulfilled {
                await report(.stopped, isFinal: stoppedForGood(stopRequest))
                return
            }
            await report(.starting)
            let process: SpawnedProcess
            do {
                process = try await context.loop.spawn(
                    SpawnRequest(
                        executable: spec.executable, arguments: spec.arguments, environment: replica.environment,
                        workingDirectory: spec.workingDirectory, captureOutput: true, user: spec.user))
            } catch let failure as SpawnFailure {
                await report(.failed(failure.description), isFinal: true)
                return
            } catch is CancellationError {
                await report(.stopped, isFinal: stoppedForGood(stopRequest))
                return
            } catch {
                await report(.failed("cannot start '\(spec.executable)': \(error)"), isFinal: true)
                return
            }
            context.logger.debug(
                "started", metadata: ["service": "\(handle.replicaNames[index])", "pid": "\(process.pid)"])
            await report(.running, pid: process.pid, note: "pid \(process.pid)")

            let startedAt = ContinuousClock.now
            let end = await supervise(process, stopRequest: stopRequest)
            if end.stoppedByUs {
                await report(.stopped, isFinal: stoppedForGood(stopRequest))
                return
            }
            if startedAt.duration(to: .now) >= context.backoff.resetAfter { consecutiveRestarts = 0 }
            guard shouldRestart(after: end.status, consecutiveRestarts: consecutiveRestarts) else {
                await report(.exited(end.status), isFinal: true)
                return
            }
            // An exit that would restart, once a shutdown began, is a restart the shutdown
            // cancels: stopped, as when the shutdown comes during the backoff (not a failure of
            // the run, whichever came first by a few milliseconds).
            if context.shutdown.isFulfilled {
                await report(.stopped, isFinal: true)
                return
            }

            let delay = context.backoff.delay(afterConsecutiveRestarts: consecutiveRestarts)
            consecutiveRestarts += 1
            totalRestarts += 1
            let limit = spec.restart.maxRestarts.map { " of \($0)" } ?? ""
            let reason = RestartReason(
                kind: .crash, exit: ServiceState.exited(end.status).resourceState, policy: spec.restart.policy.rawValue,
                at: Date().timeIntervalSince1970)
            await report(
                .exited(end.status), restarts: totalRestarts,
                note: "restarting in \(Self.format(delay)), restart \(consecutiveRestarts)\(limit)", restartReason: reason)
            let interrupted = await race(
                {
                    do { try await Task.sleep(for: delay) } catch { return true }
                    return false
                },
                {
                    await race(
                        { _ = try? await context.shutdown.wait() },
                        { _ = try? await stopRequest.wait() })
                    return !Task.isCancelled
                })
            if interrupted {
                await report(.stopped, isFinal: stoppedForGood(stopRequest))
                return
            }
        }
    }

    /// Whether a stop is for good (a shutdown or cancellation) rather than a `stop` request that
    /// parks the replica until `start` (a parked replica is not final, so the run goes on).
    private func stoppedForGood(_ stopRequest: OneShot<Void>) -> Bool {
        !stopRequest.isFulfilled || context.shutdown.isFulfilled || handle.stopTurn.isFulfilled || Task.isCancelled
    }

    private func shouldRestart(after status: TerminationStatus, consecutiveRestarts: Int) -> Bool {
        let wanted =
            switch spec.restart.policy {
            case .no: false
            case .onFailure: !status.isSuccess
            case .always: true
            }
        guard wanted else { return false }
        guard let maximum = spec.restart.maxRestarts else { return true }
        return consecutiveRestarts < maximum
    }

    // MARK: - One process

    /// Pumps output, probes health, and waits for the exit or this service's stop turn; then
    /// tears down, reaps, and drains the pipes (for at most `drainTimeout`).
    private func supervise(_ process: SpawnedProcess, stopRequest: OneShot<Void>) async -> ProcessEnd {
        let context = self.context
        let handle = self.handle
        let index = self.index
        return await withTaskGroup(of: Bool.self) { pumps in
            var pumpCount = 0
            for fd in [process.stdout, process.stderr].compactMap({ $0 }) {
                pumpCount += 1
                let pump = LogPump(
                    fd: fd, loop: context.loop, console: context.console, logFile: handle.logFile,
                    consolePrefix: handle.consolePrefixes[index], consoleColor: handle.consoleColor, filePrefix: handle.filePrefixes[index],
                    masker: handle.masker)
                pumps.addTask {
                    await pump.run()
                    return false
                }
            }

            let stoppedByUs: Bool
            switch await waitForExitOrStopTurn(process, stopRequest: stopRequest) {
            case .exited:
                stoppedByUs = false
            case .stopTurn:
                stoppedByUs = true
                let name = handle.replicaNames[index]
                let sequence = TeardownSequence.graceful(signal: handle.spec.stopSignal, gracePeriod: context.gracePeriod)
                await context.loop.teardown(process, sequence: sequence, force: context.force) { step in
                    await context.supervisor.announce(
                        "\(name): still running \(Self.format(step.allowedDuration)) after "
                            + "\(Syscalls.signalName(step.signal)); sending SIGKILL")
                }
            case .cancelled:
                stoppedByUs = true  // `reap` below SIGKILLs the group
            }
            let status = context.loop.reap(process)

            // The pipes reach EOF once the group is gone, unless a grandchild left the group.
            let drainTimeout = context.drainTimeout
            pumps.addTask {
                try? await Task.sleep(for: drainTimeout)
                return true
            }
            var remaining = pumpCount
            while remaining > 0, let timedOut = await pumps.next(), !timedOut {
                remaining -= 1
            }
            pumps.cancelAll()
            return ProcessEnd(status: status, stoppedByUs: stoppedByUs)
        }
    }

    private enum EndReason: Sendable {
        case exited, stopTurn, cancelled
    }

    private func waitForExitOrStopTurn(_ process: SpawnedProcess, stopRequest: OneShot<Void>) async -> EndReason {
        let context = self.context
        let handle = self.handle
        let prober = spec.healthCheck.map { check in
            HealthProber(
                check: check, replica: replica, workingDirectory: spec.workingDirectory, loop: context.loop,
                masker: handle.masker
            ) { [self] state, note in
                await report(state, note: note)
            }
        }
        return await withTaskGroup(of: EndReason?.self) { group in
            group.addTask {
                do { try await context.loop.waitForExit(process) } catch { return .cancelled }
                return .exited
            }
            group.addTask {
                do { try await handle.stopTurn.wait() } catch { return nil }
                return .stopTurn
            }
            group.addTask {
                do { try await stopRequest.wait() } catch { return nil }
                return .stopTurn
            }
            if let prober {
                group.addTask {
                    await prober.run()
                    return nil
                }
            }
            var reason = EndReason.cancelled
            while let next = await group.next() {
                if let next {
                    reason = next
                    break
                }
            }
            group.cancelAll()
            return reason
        }
    }

    // MARK: - Helpers

    private func report(
        _ state: ServiceState, pid: Int32? = nil, restarts: Int? = nil, isFinal: Bool = false, note: String? = nil,
        restartReason: RestartReason? = nil
    ) async {
        await context.supervisor.replicaDidChange(
            service: spec.name, replica: index, state: state, pid: pid, restarts: restarts, isFinal: isFinal,
            note: note, restartReason: restartReason)
    }

    /// "500ms", "2s", "2.5s".
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(Double(milliseconds) / 1000)s"
    }
}
