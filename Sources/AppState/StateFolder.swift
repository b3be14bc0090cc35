import Foundation

/// The app's `.aspire/` folder beside the manifest: ports, secrets, env files, logs, the lock.
package struct StateFolder: Sendable, Hashable {
    /// Absolute path of `.aspire/`.
    package var path: String

    /// The state folder of a manifest at `manifestDirectory`.
    package init(manifestDirectory: String) {
        path = (manifestDirectory as NSString).appendingPathComponent(".aspire")
    }

    package var portsFile: String { file("ports.json") }
    package var secretsFile: String { file("secrets.json") }
    package var lockFile: String { file("run.lock") }
    package var envDirectory: String { file("env") }
    package var logsDirectory: String { file("logs") }
    package var dataDirectory: String { file("data") }

    package func envFile(for resource: String) -> String {
        (envDirectory as NSString).appendingPathComponent("\(resource).env")
    }

    package func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Creates the folder (0700) and a `.gitignore` so it never lands in a commit, or makes sure
    /// the existing one is ours: `.aspire` and its folders `env`, `logs` and (when it exists)
    /// `data` must be real directories (not symbolic links) owned by this user. A mode other
    /// than 0700 is tightened to 0700 (0711, which aspire itself sets so that a native postgres
    /// run as another user reaches its data, is kept). Every entry of `logs` must be a regular
    /// file of this user's.
    ///
    /// - Throws: `StateError` `.notOurs` (a link, not a directory, another user's), `.notOurFile`
    ///   (a log file that is a link, a FIFO, another user's) or `.cannotCreate`; all exit with code 2.
    package func create() throws(StateError) {
        for directory in [path, envDirectory, logsDirectory] {
            try Self.ensureOwnedDirectory(directory, create: true)
        }
        try Self.ensureOwnedFiles(in: logsDirectory)
        try Self.ensureOwnedDirectory(dataDirectory, create: false)
        let ignore = file(".gitignore")
        if !FileManager.default.fileExists(atPath: ignore) {
            try write("*\n", to: ignore, mode: 0o644)
        }
    }

    /// Makes sure `directory` is a real directory of this user with mode 0700 (or 0711),
    /// creating it (0700) when it is missing and `create` is set.
    static func ensureOwnedDirectory(_ directory: String, create: Bool) throws(StateError) {
        var info = stat()
        if lstat(directory, &info) != 0 {
            guard errno == ENOENT, create else {
                if errno == ENOENT { return }
                throw StateError(.cannotCreate(directory), errno: errno)
            }
            guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
                throw StateError(.cannotCreate(directory), errno: errno)
            }
            guard lstat(directory, &info) == 0 else { throw StateError(.cannotCreate(directory), errno: errno) }
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: break
        case S_IFLNK: throw StateError(.notOurs(directory, reason: "is a symbolic link"))
        default: throw StateError(.notOurs(directory, reason: "is not a directory"))
        }
        guard info.st_uid == geteuid() else {
            let reason = "belongs to uid \(info.st_uid), not to this user (uid \(geteuid()))"
            throw StateError(.notOurs(directory, reason: reason))
        }
        let mode = info.st_mode & 0o7777
        guard mode != 0o700, mode != 0o711 else { return }
        // Through a descriptor opened without following links: what is tightened is what was checked.
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw StateError(.cannotCreate(directory), errno: errno) }
        defer { close(fd) }
        var opened = stat()
        guard fstat(fd, &opened) == 0, opened.st_ino == info.st_ino, opened.st_dev == info.st_dev else {
            throw StateError(.notOurs(directory, reason: "changed while it was checked"))
        }
        guard fchmod(fd, 0o700) == 0 else { throw StateError(.cannotCreate(directory), errno: errno) }
    }

    /// Makes sure every entry of `directory` is a regular file of this user's. Log files are
    /// appended to in place: a link among them would send a child's output elsewhere (the open
    /// refuses it with `O_NOFOLLOW`, but as a failed start, not as this one line), and opening a
    /// FIFO for writing would block `up`.
    static func ensureOwnedFiles(in directory: String) throws(StateError) {
        guard let folder = opendir(directory) else { return }  // the files' own opens say why
        defer { closedir(folder) }
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            var info = stat()
            guard fstatat(dirfd(folder), name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            let file = (directory as NSString).appendingPathComponent(name)
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFLNK: throw StateError(.notOurFile(file, reason: "is a symbolic link"))
            default: throw StateError(.notOurFile(file, reason: "is not a regular file"))
            }
            guard info.st_uid == geteuid() else {
                let reason = "belongs to uid \(info.st_uid), not to this user (uid \(geteuid()))"
                throw StateError(.notOurFile(file, reason: reason))
            }
        }
    }

    /// Writes `contents` atomically with `mode` (0600 for anything secret): a temporary file
    /// created with that mode from the start (a secret is never readable by others, not even for
    /// a moment), then renamed over `path`.
    ///
    /// - Parameter durable: fsync before the rename. Only for what cannot be rebuilt (generated
    ///   passwords, allocated ports); env files and status are rewritten by every `up`, and 200
    ///   fsyncs would cost a start-up more than all its spawns.
    package func write(_ contents: String, to path: String, mode: Int, durable: Bool = false) throws(StateError) {
        let temporary = path + ".tmp-\(getpid())"
        // A new file (O_EXCL) that no link can redirect; the rename then replaces whatever `path`
        // was, a symbolic link included, without following it.
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode_t(mode))
        guard fd >= 0 else { throw StateError(.cannotWrite(path), errno: errno) }
        fchmod(fd, mode_t(mode))  // the umask may have taken bits away
        var written = 0
        var failure: Int32 = 0
        let bytes = Array(contents.utf8)
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = Foundation.write(fd, buffer.baseAddress.map { $0 + written }, buffer.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += count
            }
        }
        if failure == 0, durable, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        guard failure == 0, rename(temporary, path) == 0 else {
            let number = failure == 0 ? errno : failure
            unlink(temporary)
            throw StateError(.cannotWrite(path), errno: number)
        }
    }

    /// `write`, unless `path` already holds exactly `contents` with `mode`, owned by this user.
    ///
    /// For files every `up` regenerates (env files, server configs): from one run to the next
    /// they rarely change, and rewriting 200 of them (a new inode each) cost more of a start-up
    /// than all its spawns. Also leaves their modification times meaningful.
    package func writeIfChanged(_ contents: String, to path: String, mode: Int) throws(StateError) {
        if Self.holds(Array(contents.utf8), path: path, mode: mode) { return }
        try write(contents, to: path, mode: mode)
    }

    /// Whether the regular file at `path` is this user's, has exactly `mode` and `bytes`.
    private static func holds(_ bytes: [UInt8], path: String, mode: Int) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid(),
            Int(info.st_mode & 0o7777) == mode, Int(info.st_size) == bytes.count
        else { return false }
        // Read to the end, not just `size` bytes: a file that grew since fstat is not a match.
        let existing = (try? FileHandle(fileDescriptor: fd, closeOnDealloc: false).readToEnd()) ?? Data()
        return existing.elementsEqual(bytes)
    }

    /// Reads a JSON file, or nil when it does not exist or does not parse (it is then rebuilt).
    package func readJSON<T: Decodable>(_ type: T.Type, from path: String) -> T? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(type, from: data)
    }

    package func writeJSON(_ value: some Encodable, to path: String, mode: Int, durable: Bool = false) throws(StateError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            let data = try encoder.encode(value)
            try write(String(decoding: data, as: UTF8.self) + "\n", to: path, mode: mode, durable: durable)
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(.cannotWrite(path), underlying: error)
        }
    }
}

/// A failure reading or writing the state folder (exit code 2: an I/O problem, not the manifest).
package struct StateError: Error, Sendable, CustomStringConvertible {
    package enum Code: Sendable, Hashable {
        case cannotCreate(String)
        case cannotWrite(String)
        case cannotRead(String)
        case alreadyRunning(pid: Int32, lockFile: String)
        case noFreePort
        /// The state folder (or one of its folders) is not a directory of this user's.
        case notOurs(String, reason: String)
        /// A file in the state folder that aspire appends to (a log) is not a regular file of this user's.
        case notOurFile(String, reason: String)
    }

    package var code: Code
    package var underlying: String?
    /// The system call's errno, when there was one (it picks the hint).
    package var errno: Int32?

    package init(_ code: Code, underlying: (any Error)? = nil) {
        self.code = code
        if let number = underlying.flatMap(Self.posixErrno(of:)) {
            self.errno = number
            self.underlying = Self.reason(number)
        } else {
            self.underlying = underlying.map { String(describing: $0) }
        }
    }

    /// A failure of a system call, with its errno's message.
    package init(_ code: Code, errno number: Int32) {
        self.code = code
        self.errno = number
        self.underlying = Self.reason(number)
    }

    package var description: String {
        let detail = (underlying.map { ": \($0)" } ?? "") + hint
        switch code {
        case .cannotCreate(let path): return "cannot create \(path)\(detail)"
        case .cannotWrite(let path): return "cannot write \(path)\(detail)"
        case .cannotRead(let path): return "cannot read \(path)\(detail)"
        case .alreadyRunning(let pid, let lockFile):
            return "this app is already running (aspire up, pid \(pid)); stop it first with Ctrl-C or `kill \(pid)` (lock: \(lockFile))"
        case .noFreePort: return "no free TCP port could be allocated on 127.0.0.1"
        case .notOurs(let path, let reason):
            return
                "refusing the state folder: \(path) \(reason); it must be a directory of this user's (remove or fix it)"
        case .notOurFile(let path, let reason):
            return "refusing the state folder: \(path) \(reason); it must be a regular file of this user's (remove it)"
        }
    }
}
