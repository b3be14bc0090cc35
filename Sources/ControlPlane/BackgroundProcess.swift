import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a process in the background, in a session of its own, for `up --detach`.
package enum BackgroundProcess {
    /// glibc's (and musl's) `POSIX_SPAWN_SETSID` (since glibc 2.26): the child calls `setsid()`.
    /// Swift's Glibc module does not import it (it is behind `_GNU_SOURCE`).
    private static let spawnSetSID: Int32 = 0x80

    /// Spawns `executable` in a new session (no controlling terminal, so the terminal's Ctrl-C
    /// and hang-up never reach it), with stdin from /dev/null and stdout and stderr appended to
    /// `outputPath` (created 0600 and truncated). Signal mask and dispositions are reset.
    ///
    /// The caller stays the parent: it can `waitpid` the child while it waits for readiness, and
    /// when the caller exits the child is re-parented. Nothing ties the child's life to ours.
    ///
    /// - Returns: the child's pid.
    /// - Throws: `ControlSocketError` naming the failed step.
    package static func spawn(
        executable: String, arguments: [String], environment: [String: String], outputPath: String
    ) throws(ControlSocketError) -> Int32 {
        markInheritedDescriptorsCloseOnExec()
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard output >= 0 else { throw ControlSocketError("open \(outputPath)", errno: errno) }
        defer { close(output) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        let flags = Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF) | spawnSetSID
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else { throw ControlSocketError("start \(executable)", errno: status) }
        return pid
    }

    /// Nothing but stdin, stdout and stderr may reach the background `up`: a caller's pipe or
    /// socket it inherited would stay open for its whole life (Foundation's `Process`, for one,
    /// waits for a socket its child holds to close before it reports the exit). Swift's Glibc does
    /// not import `posix_spawn_file_actions_addclosefrom_np`, so every other descriptor of this
    /// short-lived process gets FD_CLOEXEC instead.
    private static func markInheritedDescriptorsCloseOnExec() {
        guard let directory = opendir("/proc/self/fd") else { return }
        defer { closedir(directory) }
        let own = dirfd(directory)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let fd = Int32(name), fd > 2, fd != own else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// The exit status of a child that has ended (reaping it), nil while it runs.
    ///
    /// - Returns: the exit code, or 128 + the signal for a child killed by a signal.
    package static func exitStatus(of pid: Int32) -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return result < 0 ? 1 : nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// This executable's path (`/proc/self/exe`), for re-executing ourselves.
    package static var currentExecutable: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return CommandLine.arguments.first ?? "aspire" }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
