import Foundation
import Supervisor

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a process in the background, in a session of its own, for `up --detach`.
package enum BackgroundProcess {
    /// Spawns `executable` through the one spawner (`ChildProcess`), detached: in a new session
    /// (setsid, so no controlling terminal and the terminal's Ctrl-C and hang-up never reach it)
    /// and without the death signal other children get, with stdin from /dev/null and stdout and
    /// stderr going to `outputPath` (created 0600 and truncated). Signal mask and dispositions
    /// are reset, and no descriptor but stdin, stdout and stderr reaches it (a caller's pipe or
    /// socket would otherwise stay open for its whole life).
    ///
    /// The caller stays the parent: it can reap the child while it waits for readiness, and
    /// when the caller exits the child is re-parented. Nothing ties the child's life to ours.
    ///
    /// - Returns: the child's pid.
    /// - Throws: `ControlSocketError` naming the failed step.
    package static func spawn(
        executable: String, arguments: [String], environment: [String: String], outputPath: String
    ) throws(ControlSocketError) -> Int32 {
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard output >= 0 else { throw ControlSocketError("open \(outputPath)", errno: errno) }
        defer { close(output) }
        do throws(SpawnFailure) {
            let child = try ChildProcess.spawn(
                [executable] + arguments, environment: environment, standardInput: .null,
                standardOutput: .descriptor(output), standardError: .descriptor(output), tie: .detached)
            return child.pid
        } catch {
            throw ControlSocketError("start \(executable)", errno: error.errno)
        }
    }

    /// The exit status of a child that has ended (reaping it), nil while it runs.
    ///
    /// - Returns: the exit code, or 128 + the signal for a child killed by a signal (1 when it
    ///   is not our child).
    package static func exitStatus(of pid: Int32) -> Int32? {
        switch ChildProcess(pid: pid, tie: .detached).exitStatusIfEnded() {
        case nil: nil
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    /// This executable's path (`/proc/self/exe`), for re-executing ourselves.
    package static var currentExecutable: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return CommandLine.arguments.first ?? "aspire" }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
