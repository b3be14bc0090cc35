import AppState
import Foundation
import Supervisor

/// The data folder of a natively run PostgreSQL, owned by the user the server runs as.
enum PostgresDataFolder {
    /// Creates `.aspire/data/<name>/` and hands it to `user`. When `user` could not reach it
    /// (a parent folder without search permission, e.g. under /root), the data lives in
    /// `/var/tmp/aspire-data/<id>/<name>` and `.aspire/data/<name>` links there.
    static func prepare(state: StateFolder, resource: String, user: ProcessUser?) -> Result<String, LaunchPlanner.Problem> {
        let home = (state.dataDirectory as NSString).appendingPathComponent(resource)
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: state.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
            chmod(state.path, 0o711)
            chmod(state.dataDirectory, 0o711)
            var target = home
            if let user, !reachable(home, by: user) {
                let id = String(UInt64(bitPattern: Int64(state.path.hashValueStable)), radix: 36)
                let outside = "/var/tmp/aspire-data/\(id)/\(resource)"
                try manager.createDirectory(atPath: outside, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
                chmod("/var/tmp/aspire-data", 0o711)
                chmod((outside as NSString).deletingLastPathComponent, 0o711)
                if (try? manager.destinationOfSymbolicLink(atPath: home)) != outside {
                    try? manager.removeItem(atPath: home)
                    try manager.createSymbolicLink(atPath: home, withDestinationPath: outside)
                }
                target = outside
            } else {
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
            return .failure(LaunchPlanner.Problem(resource: resource, message: "cannot create the data folder \(home): \(error.localizedDescription)"))
        }
    }

    /// Runs `initdb` once (as `user`), with the password from a 0600 file that is removed after.
    static func initialize(data: String, home: String, binaries: PostgresBinaries, password: String, user: ProcessUser?) -> String? {
        let passwordFile = (home as NSString).appendingPathComponent(".pwfile")
        guard FileManager.default.createFile(atPath: passwordFile, contents: Data((password + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            return "cannot write \(passwordFile)"
        }
        defer { unlink(passwordFile) }
        if let user { chown(passwordFile, user.uid, user.gid) }
        var arguments = [
            binaries.initdb, "-D", data, "-U", "postgres", "--pwfile=\(passwordFile)", "--auth-host=scram-sha-256",
            "--auth-local=trust", "-E", "UTF8", "--no-sync",
        ]
        if let user {
            arguments = ["/usr/bin/setpriv", "--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--"] + arguments
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: home)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            return "cannot run initdb: \(error.localizedDescription)"
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let last = text.split(separator: "\n").suffix(3).joined(separator: " / ")
            return "initdb failed (exit \(process.terminationStatus)): \(last)"
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
    var hashValueStable: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
