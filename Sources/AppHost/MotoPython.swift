import Foundation
package import Supervisor

/// Whether an account can reach a file, from the mode bits alone (no user switch): every folder
/// above it searchable, the file itself executable, as the kernel decides for that uid and gid
/// (the owner's bits for the owner, the group's for the group, the others' for the rest).
package enum PathAccess {
    /// nil when `user` (with no supplementary groups, as the spawner runs it) can execute `path`,
    /// through the folders of both the path as given and its real path; else the first folder
    /// it cannot search, or the file it cannot execute, with its mode (`/root (0700)`).
    package static func blocker(of path: String, for user: ProcessUser) -> String? {
        var resolved = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard realpath(path, &resolved) != nil else { return "\(path) (missing)" }
        let real = String(decoding: resolved.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        for candidate in [path, real] {
            var folder = (candidate as NSString).deletingLastPathComponent
            var folders: [String] = []
            while !folder.isEmpty {
                folders.append(folder)
                if folder == "/" { break }
                folder = (folder as NSString).deletingLastPathComponent
            }
            for folder in folders.reversed() {
                if let blocked = denied(folder, for: user) { return blocked }
            }
        }
        return denied(real, for: user)
    }

    /// nil when `user` may search (a folder) or execute (a file) `path`, else `path (MODE)`.
    private static func denied(_ path: String, for user: ProcessUser) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return "\(path) (missing)" }
        if user.uid == 0 { return nil }
        let mode = info.st_mode & 0o777
        let bit: mode_t = info.st_uid == user.uid ? 0o100 : info.st_gid == user.gid ? 0o010 : 0o001
        return mode & bit != 0 ? nil : "\(path) (\(String(mode, radix: 8).leftPadded(to: 4)))"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

/// The Python that runs moto when aspire is root and moto runs as an unprivileged account: one
/// that account can reach (pyenv's under /root is not) and that has moto's server and boto3.
package enum MotoPython {
    /// Debian's own Python, tried after moto_server's.
    package static let system = "/usr/bin/python3"

    /// The Pythons to try: moto_server's `#!` interpreter (when it names a Python), then
    /// /usr/bin/python3.
    package static func candidates(motoServer: String?, system: String = system) -> [String] {
        var result: [String] = []
        if let motoServer, let interpreter = interpreter(of: motoServer) { result.append(interpreter) }
        if !result.contains(system) { result.append(system) }
        return result
    }

    /// A script's `#!` interpreter when it names a Python, else nil (a pyenv shim is a shell script).
    package static func interpreter(of script: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: script) else { return nil }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 256)) ?? Data(), as: UTF8.self)
        guard head.hasPrefix("#!/"), let line = head.dropFirst(2).split(separator: "\n").first else { return nil }
        let interpreter = String(line.split(separator: " ").first ?? "")
        return (interpreter as NSString).lastPathComponent.hasPrefix("python") ? interpreter : nil
    }

    /// The first candidate `user` can reach that has moto's server and boto3 (asked of that Python,
    /// run as `user`, without importing them), or why none does, one clause per candidate.
    package static func find(motoServer: String?, system: String = system, for user: ProcessUser) -> Result<String, Unusable> {
        var reasons: [String] = []
        if let motoServer, interpreter(of: motoServer) == nil, let blocked = PathAccess.blocker(of: motoServer, for: user) {
            reasons.append("moto_server (\(motoServer)) is behind \(blocked)")
        }
        for python in candidates(motoServer: motoServer, system: system) {
            if let blocked = PathAccess.blocker(of: python, for: user) {
                reasons.append("\(python) is behind \(blocked)")
            } else if hasMoto(python, as: user) {
                return .success(python)
            } else {
                reasons.append("\(python) has no moto[server] and boto3")
            }
        }
        return .failure(Unusable(reasons: reasons))
    }

    /// Why no Python could run moto as the account.
    package struct Unusable: Error, Equatable {
        package var reasons: [String]
    }

    /// True when `python`, run as `user`, finds moto, flask (moto's server) and boto3.
    private static func hasMoto(_ python: String, as user: ProcessUser) -> Bool {
        let check = "import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ('moto', 'flask', 'boto3')) else 1)"
        let job = try? ChildProcess.runBlocking(
            [python, "-c", check], workingDirectory: "/", standardOutput: .capture, standardError: .capture, user: user, timeout: .seconds(20))
        return job?.status.isSuccess == true
    }
}
