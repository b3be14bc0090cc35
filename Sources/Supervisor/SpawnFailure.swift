#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Why a child could not be started, reported by the child itself between fork and exec.
package struct SpawnFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The step that failed (the raw values match `aspire_spawn_step`).
    package enum Step: Int32, Sendable, Hashable {
        case pipe = 1
        case fork, setProcessGroup, deathSignal, standardIO, workingDirectory, exec, unknown, credentials
    }

    package var step: Step
    package var errno: Int32
    package var executable: String
    package var workingDirectory: String

    /// One clear line, without the service name (the caller prefixes it).
    package var description: String {
        switch (step, errno) {
        case (.exec, ENOENT):
            "command '\(executable)' not found"
        case (.exec, EACCES):
            "command '\(executable)' is not executable (permission denied)"
        case (.exec, EISDIR):
            "command '\(executable)' is a directory, not a program"
        case (.exec, ENOEXEC):
            "command '\(executable)' is not an executable file (exec format error)"
        case (.workingDirectory, ENOENT):
            "working directory '\(workingDirectory)' does not exist"
        case (.workingDirectory, ENOTDIR):
            "working directory '\(workingDirectory)' is not a directory"
        case (.workingDirectory, EACCES):
            "working directory '\(workingDirectory)' is not accessible (permission denied)"
        default:
            "cannot start '\(executable)': \(step.label) failed: \(Syscalls.describe(errno: errno))"
        }
    }
}

extension SpawnFailure.Step {
    fileprivate var label: String {
        switch self {
        case .pipe: "pipe"
        case .fork: "fork"
        case .setProcessGroup: "setpgid"
        case .deathSignal: "prctl(PR_SET_PDEATHSIG)"
        case .standardIO: "redirecting stdio"
        case .workingDirectory: "chdir"
        case .exec: "exec"
        case .unknown: "starting the child"
        case .credentials: "switching user"
        }
    }
}
