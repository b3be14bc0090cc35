package import AppState
import Foundation
package import Supervisor

/// The data folder of a natively run PostgreSQL, owned by the user the server runs as.
package enum PostgresDataFolder {
    /// Creates `.aspire/data/<name>/` and hands it to `user`. When `user` could not reach it
    /// (a parent folder without search permission, e.g. under /root or a `mktemp -d` folder), or
    /// when its path is too long for PostgreSQL (over ``longestPostgresHome`` bytes), the data lives in `/var/tmp/aspire-data/<id>/<name>` and `.aspire/data/<name>` links there.
    /// With `create: false` nothing is created or changed: only the folder it would be is returned.
    ///
    /// - Returns: the data folder, or the problem (one line) when it cannot be made.
    package static func prepare(state: StateFolder, resource: String, user: ProcessUser?, create: Bool = true) -> Result<String, LaunchPlanner.Problem> {
        let home = (state.dataDirectory as NSString).appendingPathComponent(resource)
        var target = home
        // `prepare` makes `.aspire` and `.aspire/data` searchable (0711), so what decides is
        // whether `user` can reach the folder that holds `.aspire`.
        // PostgreSQL refuses paths over 1,024 bytes (MAXPGPATH), its data folder's own files
        // included: a deeper app folder keeps its data outside too.
        if home.utf8.count > longestPostgresHome || user.map({ !reachable(state.path, by: $0) }) == true {
            target = (outsideFolder(of: state) as NSString).appendingPathComponent(resource)
        }
        guard create else { return .success(target) }
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: state.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
            chmod(state.path, 0o711)
            chmod(state.dataDirectory, 0o711)
            if target != home {
                try manager.createDirectory(atPath: target, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
                chmod(outsideRoot, 0o711)
                chmod((target as NSString).deletingLastPathComponent, 0o711)
                if (try? manager.destinationOfSymbolicLink(atPath: home)) != target {
                    moveEarlierData(from: home, to: target)
                    try? manager.removeItem(atPath: home)
                    try manager.createSymbolicLink(atPath: home, withDestinationPath: target)
                }
            } else {
                // aspire links `data/<name>` only into its own outside folder; any other link is not ours.
                if let link = try? manager.destinationOfSymbolicLink(atPath: home),
                    ownedOutsideParent(link, entry: resource) == nil
                {
                    try manager.removeItem(atPath: home)
                }
                try manager.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            try manager.createDirectory(atPath: (target as NSString).appendingPathComponent("run"), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if let user {
                for path in [target, (target as NSString).appendingPathComponent("run")] {
                    chown(path, user.uid, user.gid)
                }
            }
            return .success(target)
        } catch {
            return .failure(LaunchPlanner.Problem(resource: resource, message: "cannot create the data folder \(target): \(error.localizedDescription)"))
        }
    }

    /// What an earlier run kept in `home` itself (as root, or before the server had its own
    /// account), moved into the new, still empty `target` rather than lost when `home` becomes
    /// the link to it.
    private static func moveEarlierData(from home: String, to target: String) {
        let manager = FileManager.default
        var info = stat()
        guard lstat(home, &info) == 0, info.st_mode & S_IFMT == S_IFDIR,
            (try? manager.contentsOfDirectory(atPath: target))?.isEmpty == true
        else { return }
        for entry in (try? manager.contentsOfDirectory(atPath: home)) ?? [] {
            try? manager.moveItem(atPath: (home as NSString).appendingPathComponent(entry), toPath: (target as NSString).appendingPathComponent(entry))
        }
    }

    /// Gives `user` whatever another user owns under `folder` (what a run as root left there),
    /// descending only into folders it hands over, so a folder already the user's costs one
    /// listing. It works on open folders (`openat`, no link followed): a link swapped in
    /// meanwhile is changed itself, never what it points to.
    package static func handOver(contentsOf folder: String, to user: ProcessUser) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        handOver(directory: descriptor, to: user)
    }

    /// `handOver` for an open folder, which it closes.
    private static func handOver(directory descriptor: Int32, to user: ProcessUser) {
        guard let stream = fdopendir(descriptor) else {
            close(descriptor)
            return
        }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name != ".", name != ".." else { continue }
            var info = stat()
            guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_uid != user.uid || info.st_gid != user.gid else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                let child = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if child >= 0 { handOver(directory: child, to: user) }
            }
            fchownat(descriptor, name, user.uid, user.gid, AT_SYMLINK_NOFOLLOW)
        }
    }

    /// Where data lives when the server's user cannot reach `.aspire/data`: shared by every app
    /// on the machine, one folder per state folder below it.
    package static let outsideRoot = "/var/tmp/aspire-data"

    /// The longest data home kept beside the manifest: PostgreSQL's path limit (1,024 bytes)
    /// less room for `pgdata/` and the deepest file PostgreSQL writes under it.
    static let longestPostgresHome = 900

    /// `/var/tmp/aspire-data/<id>`: the id is a stable hash of the state folder's path, in base 36
    /// (the whole 64-bit hash, so every path has one: no signed conversion that could trap).
    package static func outsideFolder(of state: StateFolder) -> String {
        (outsideRoot as NSString).appendingPathComponent(String(state.path.hashValueStable, radix: 36))
    }

    /// Deletes the data of every well-known server of `state` (`down --volumes`): each entry of
    /// `.aspire/data`, and the folder a link there points to when it is ours, i.e. exactly
    /// `/var/tmp/aspire-data/<id>/<entry>`; then `/var/tmp/aspire-data/<id>` when it is left empty.
    /// A link to anywhere else is removed, never followed.
    package static func deleteData(state: StateFolder) {
        let manager = FileManager.default
        let data = state.dataDirectory
        var parents: Set<String> = [outsideFolder(of: state)]
        for entry in (try? manager.contentsOfDirectory(atPath: data)) ?? [] {
            let path = (data as NSString).appendingPathComponent(entry)
            if let target = try? manager.destinationOfSymbolicLink(atPath: path), let parent = ownedOutsideParent(target, entry: entry) {
                try? manager.removeItem(atPath: target)
                parents.insert(parent)
            }
            try? manager.removeItem(atPath: path)
        }
        // rmdir removes only an empty folder: another app's data or a stray file keeps it.
        for parent in parents { _ = rmdir(parent) }
    }

    /// The `/var/tmp/aspire-data/<id>` folder holding `target` when `target` is exactly
    /// `/var/tmp/aspire-data/<id>/<entry>` (what `prepare` links to), else nil.
    static func ownedOutsideParent(_ target: String, entry: String) -> String? {
        let parts = (target as NSString).standardizingPath.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let root = outsideRoot.split(separator: "/").map(String.init)
        guard parts.count == root.count + 2, Array(parts.prefix(root.count)) == root, parts[parts.count - 1] == entry,
            !parts.contains(".."), !parts.contains(".")
        else { return nil }
        return "/" + parts.dropLast().joined(separator: "/")
    }

    /// Runs `initdb` once (as `user`), with the password from a 0600 file that is removed after.
    static func initialize(data: String, home: String, binaries: PostgresBinaries, password: String, user: ProcessUser?) -> String? {
        let passwordFile = (home as NSString).appendingPathComponent(".pwfile")
        guard FileManager.default.createFile(atPath: passwordFile, contents: Data((password + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            return "cannot write \(passwordFile)"
        }
        defer { unlink(passwordFile) }
        if let user { chown(passwordFile, user.uid, user.gid) }
        let arguments = [
            binaries.initdb, "-D", data, "-U", "postgres", "--pwfile=\(passwordFile)", "--auth-host=scram-sha-256",
            "--auth-local=trust", "-E", "UTF8", "--no-sync",
        ]
        // The spawner switches to `user` itself (as `setpriv --clear-groups` did) and then arms
        // the death signal, which a user switch after it would clear. Every path is absolute, so
        // initdb runs in `/`: it asks for its working directory first and fails when that is
        // deeper than PostgreSQL's 1,024-byte path limit (a deep app folder).
        let job: JobResult
        do {
            job = try ChildProcess.runBlocking(
                arguments, workingDirectory: "/", standardOutput: .capture, standardError: .intoStandardOutput, user: user)
        } catch {
            return "cannot run initdb: \(error)"
        }
        guard job.status.isSuccess else {
            let last = job.outputText.split(separator: "\n").suffix(3).joined(separator: " / ")
            return "initdb failed (exit \(job.status.code)): \(last)"
        }
        return nil
    }

    /// True when every folder above `path` lets others search it (or `path` is under /tmp-like
    /// folders); a conservative check that needs no user switch.
    private static func reachable(_ path: String, by user: ProcessUser) -> Bool {
        var current = (path as NSString).deletingLastPathComponent
        while current != "/" && !current.isEmpty {
            var info = stat()
            guard stat(current, &info) == 0 else { return false }
            let searchable = (info.st_mode & S_IXOTH) != 0 || (info.st_uid == user.uid && (info.st_mode & S_IXUSR) != 0)
            if !searchable { return false }
            current = (current as NSString).deletingLastPathComponent
        }
        return true
    }
}

extension String {
    /// A hash that is the same in every run (Swift's `hashValue` is seeded per process).
    package var hashValueStable: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
