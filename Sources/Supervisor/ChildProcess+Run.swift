import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What a short job printed and how it ended.
package struct JobResult: Sendable, Hashable {
    /// The job's pid (and process group, unless it shared ours); reaped already.
    package var pid: Int32
    package var status: TerminationStatus
    /// Its stdout (and its stderr too when that went `.intoStandardOutput`), when captured.
    package var standardOutput: [UInt8]
    /// Its stderr, when captured.
    package var standardError: [UInt8]
    /// Whether the timeout killed its process group.
    package var timedOut: Bool

    /// `standardOutput` as UTF-8 text.
    package var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
    /// `standardError` as UTF-8 text.
    package var errorText: String { String(decoding: standardError, as: UTF8.self) }
}

/// Where a short job's stdout or stderr goes.
package enum JobOutput: Sendable, Hashable {
    /// Into `JobResult` (read as it comes, so a chatty job never blocks on a full pipe).
    case capture
    /// /dev/null.
    case null
    /// Ours.
    case inherit
    /// (stderr only) wherever stdout goes, interleaved as written, like `2>&1`.
    case intoStandardOutput
}

extension ChildProcess {
    /// Runs a short job to its end on this thread (which it blocks): spawned like every child,
    /// its output read from both pipes at once, and its process group SIGKILLed after `timeout`.
    ///
    /// - Parameters:
    ///   - tie: `.ownGroup` (the default) so that the timeout kills whatever the job started too;
    ///     `.callersGroup` when the job must get the signals our group gets.
    /// - Throws: `SpawnFailure` when it cannot start.
    package static func runBlocking(
        _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String? = nil, standardOutput: JobOutput = .capture, standardError: JobOutput = .capture,
        user: ProcessUser? = nil, tie: ChildTie = .ownGroup, timeout: Duration? = nil
    ) throws(SpawnFailure) -> JobResult {
        let job = Job(
            arguments: arguments, environment: environment, workingDirectory: workingDirectory,
            standardOutput: standardOutput, standardError: standardError, user: user, tie: tie, timeout: timeout)
        return try job.execute(cancelFD: -1).result
    }

    /// `runBlocking` on a thread of its own (the death signal is tied to the thread that starts
    /// the child, so it cannot be a pool thread that may exit while the job runs).
    ///
    /// - Throws: `SpawnFailure` when it cannot start; `CancellationError` when the task is
    ///   cancelled, after the job's process group has been SIGKILLed and the job reaped.
    package static func run(
        _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String? = nil, standardOutput: JobOutput = .capture, standardError: JobOutput = .capture,
        user: ProcessUser? = nil, tie: ChildTie = .ownGroup, timeout: Duration? = nil
    ) async throws -> JobResult {
        try Task.checkCancellation()
        let job = Job(
            arguments: arguments, environment: environment, workingDirectory: workingDirectory,
            standardOutput: standardOutput, standardError: standardError, user: user, tie: tie, timeout: timeout)
        let wake: (read: Int32, write: Int32)
        do throws(SystemCallError) {
            wake = try Syscalls.makePipe()
        } catch {
            throw job.failure(.pipe, errno: error.errno)
        }
        defer {
            Syscalls.close(wake.read)
            Syscalls.close(wake.write)
        }
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Job.Outcome, SpawnFailure>, Never>) in
                let thread = Thread {
                    continuation.resume(returning: Result { () throws(SpawnFailure) in try job.execute(cancelFD: wake.read) })
                }
                thread.name = "aspire-job"
                thread.start()
            }
        } onCancel: {
            let byte: [UInt8] = [1]
            byte.withUnsafeBytes { _ = Syscalls.writeAll(wake.write, $0) }
        }
        let finished = try outcome.get()
        if finished.cancelled { throw CancellationError() }
        return finished.result
    }
}

/// One short job: spawn, read its output, wait for it.
private struct Job: Sendable {
    var arguments: [String]
    var environment: [String: String]
    var workingDirectory: String?
    var standardOutput: JobOutput
    var standardError: JobOutput
    var user: ProcessUser?
    var tie: ChildTie
    var timeout: Duration?

    struct Outcome: Sendable {
        var result: JobResult
        var cancelled: Bool
    }

    func failure(_ step: SpawnFailure.Step, errno: Int32) -> SpawnFailure {
        SpawnFailure(step: step, errno: errno, executable: arguments.first ?? "", workingDirectory: workingDirectory ?? ".")
    }

    /// Runs the job on this thread; a byte on `cancelFD` (when >= 0) kills it.
    func execute(cancelFD: Int32) throws(SpawnFailure) -> Outcome {
        var pipes: [(read: Int32, write: Int32)] = []
        defer { for pipe in pipes { Syscalls.close(pipe.read) } }
        let child = try spawn(pipes: &pipes)
        let outputFD = standardOutput == .capture ? pipes.first?.read : nil
        let errorFD = standardError == .capture ? pipes.last?.read : nil
        var collector = OutputCollector(child: child, outputFD: outputFD, errorFD: errorFD, cancelFD: cancelFD)
        collector.collect(until: timeout.map { ContinuousClock.now + $0 })
        let status = child.waitUntilExit()
        let result = JobResult(
            pid: child.pid, status: status, standardOutput: collector.output, standardError: collector.error,
            timedOut: collector.timedOut)
        return Outcome(result: result, cancelled: collector.cancelled)
    }

    /// Starts the child with a pipe (appended to `pipes`) for each captured stream; our copies
    /// of the write ends are closed once the child has its own (or could not start).
    private func spawn(pipes: inout [(read: Int32, write: Int32)]) throws(SpawnFailure) -> ChildProcess {
        var created: [(read: Int32, write: Int32)] = []
        defer {
            for pipe in created { Syscalls.close(pipe.write) }
            pipes += created
        }
        func stream(for output: JobOutput) throws(SpawnFailure) -> ChildProcess.Stream {
            switch output {
            case .null, .intoStandardOutput: return .null
            case .inherit: return .inherit
            case .capture:
                do throws(SystemCallError) {
                    let pipe = try Syscalls.makePipe()
                    created.append(pipe)
                    return .descriptor(pipe.write)
                } catch {
                    throw failure(.pipe, errno: error.errno)
                }
            }
        }
        let out = try stream(for: standardOutput)
        let err = try standardError == .intoStandardOutput ? out : stream(for: standardError)
        return try ChildProcess.spawn(
            arguments, environment: environment, workingDirectory: workingDirectory, standardOutput: out,
            standardError: err, user: user, tie: tie)
    }
}
