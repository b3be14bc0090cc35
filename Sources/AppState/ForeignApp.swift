import Foundation

/// A state folder that belongs to another user: whose it is and, when its lock can be read,
/// the pid of the `up` that runs it.
///
/// `.aspire` is 0700 and its control socket answers only its owner, so another user's `ps`
/// cannot see the app; it must not say "no app is running" when one may be.
package struct ForeignApp: Sendable, Hashable {
    /// The folder owner's uid.
    package var uid: UInt32
    /// The owner's login name, when the user database knows it.
    package var userName: String?
    /// The running `up`'s pid, when the lock file could be read (root can; others cannot).
    package var pid: Int32?
    /// Whether this user could look inside the folder at all.
    package var isPrivate: Bool

    /// The foreign owner of `folder`, or nil when the folder is missing or this user's own.
    /// - Returns: nil too when the folder is readable and no `up` holds its lock.
    package static func find(in folder: StateFolder) -> ForeignApp? {
        var info = stat()
        guard lstat(folder.path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid != geteuid() else {
            return nil
        }
        let userName = getpwuid(info.st_uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
        let fd = open(folder.lockFile, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
        if fd < 0 {
            guard errno == EACCES || errno == EPERM else { return nil }
            return ForeignApp(uid: info.st_uid, userName: userName, pid: nil, isPrivate: true)
        }
        close(fd)
        guard let pid = RunLock.runningPID(folder: folder) else { return nil }
        return ForeignApp(uid: info.st_uid, userName: userName, pid: pid, isPrivate: false)
    }

    /// One line for `manifest`: whose app it is and why this user cannot see it.
    package func explanation(manifest: String, folder: StateFolder) -> String {
        let owner = "uid \(uid)" + (userName.map { " (\($0))" } ?? "")
        let running = pid.map { "an app is running for \(manifest) as \(owner), pid \($0)" }
            ?? "the app for \(manifest) belongs to \(owner)"
        let what =
            isPrivate
            ? "its state folder \(folder.path) and control socket are private to that user"
            : "its control socket is private to that user"
        return "\(running); \(what), so only they can see or control it (run aspire as \(userName ?? "uid \(uid)"))"
    }
}
