import Foundation
package import Supervisor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What the supervisor runs for a native `lifetime: persistent` server (`aspire persistent-exec
/// …`): a keeper that stands for the server in the run while the server itself lives outside it.
///
/// The keeper adopts the server its record (`PersistentRecord`) names when that process still
/// runs (same pid and start time) and was launched with the same configuration hash; it stops
/// and replaces it when the hash differs; otherwise it starts the server detached (a session of
/// its own, no parent-death signal, without the run's cookie, output to
/// `.aspire/persistent/NAME.log`) and records it. Then it copies the server's new output to its
/// own (so the resource's log and `aspire logs` show it; an adopted server's earlier output is
/// not replayed) and exits when the server does. Stopping the keeper (SIGTERM at `down`, Ctrl-C)
/// leaves the server running.
package struct PersistentKeeper: Sendable {
    package var name: String
    package var state: String
    package var hash: String
    package var user: ProcessUser?
    package var stopSignal: Int32?
    package var command: [String]

    package init(name: String, state: String, hash: String, user: ProcessUser? = nil, stopSignal: Int32? = nil, command: [String]) {
        self.name = name
        self.state = state
        self.hash = hash
        self.user = user
        self.stopSignal = stopSignal
        self.command = command
    }

    /// `--name N --state DIR --hash H [--uid U --gid G] [--stop-signal S] -- COMMAND…`.
    package var arguments: [String] {
        var argv = ["--name", name, "--state", state, "--hash", hash]
        if let user { argv += ["--uid", String(user.uid), "--gid", String(user.gid)] }
        if let stopSignal { argv += ["--stop-signal", String(stopSignal)] }
        return argv + ["--"] + command
    }

    /// Parses `arguments` back; nil when they are malformed.
    package static func parse(_ arguments: [String]) -> PersistentKeeper? {
        var options: [String: String] = [:]
        var index = 0
        while index < arguments.count, arguments[index] != "--" {
            guard arguments[index].hasPrefix("--"), index + 1 < arguments.count else { return nil }
            options[String(arguments[index].dropFirst(2))] = arguments[index + 1]
            index += 2
        }
        let command = Array(arguments.dropFirst(index + 1))
        guard let name = options["name"], let state = options["state"], let hash = options["hash"], !command.isEmpty else { return nil }
        var user: ProcessUser?
        if let uid = options["uid"].flatMap(UInt32.init), let gid = options["gid"].flatMap(UInt32.init) { user = ProcessUser(uid: uid, gid: gid) }
        return PersistentKeeper(name: name, state: state, hash: hash, user: user, stopSignal: options["stop-signal"].flatMap(Int32.init), command: command)
    }

    // MARK: - Running

    /// Adopts or starts the server, follows it until it ends; returns the keeper's exit code.
    package func run() -> Int32 {
        let log = PersistentRecord.logPath(state: state, name: name)
        if let record = PersistentRecord.read(state: state, name: name), record.isAlive {
            if record.configHash == hash {
                say("adopted the running persistent server (pid \(record.pid)); it keeps running after down (down --persistent stops it)")
                return follow(record, child: nil, log: log, from: Self.size(of: log))
            }
            say("the configuration changed: stopping the persistent server (pid \(record.pid)) to replace it")
            record.stop()
        }
        do {
            try FileManager.default.createDirectory(
                atPath: PersistentRecord.directory(state: state), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            say("cannot create \(PersistentRecord.directory(state: state)): \(error.localizedDescription)")
            return 1
        }
        let fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            say("cannot open \(log): \(String(cString: strerror(errno)))")
            return 1
        }
        if let user { fchown(fd, user.uid, user.gid) }
        var environment = ProcessInfo.processInfo.environment
        environment[PersistentRecord.runCookieVariable] = nil
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                command, environment: environment, workingDirectory: FileManager.default.currentDirectoryPath,
                standardOutput: .descriptor(fd), standardError: .descriptor(fd), user: user, tie: .detached)
        } catch {
            close(fd)
            say("\(error)")
            return 127
        }
        close(fd)
        var record = PersistentRecord(
            name: name, pid: child.pid, startTime: PersistentRecord.startTime(of: child.pid) ?? 0, configHash: hash, runtime: "native",
            logFile: log)
        record.stopSignal = stopSignal
        do {
            try record.write(state: state)
        } catch {
            say("cannot record the persistent server in \(PersistentRecord.path(state: state, name: name)): \(error.localizedDescription); stopping it")
            record.stop()
            return 1
        }
        say("started a persistent server (pid \(child.pid)); it keeps running after down (down --persistent stops it)")
        return follow(record, child: child, log: log, from: 0)
    }

    /// Copies what the server writes to `log` (from `offset`) to stdout until it ends.
    private func follow(_ record: PersistentRecord, child: ChildProcess?, log: String, from offset: UInt64) -> Int32 {
        var offset = offset
        while true {
            offset = Self.copy(log, from: offset)
            if let child {
                if let status = child.exitStatusIfEnded() {
                    _ = Self.copy(log, from: offset)
                    PersistentRecord.remove(state: state, name: name, pid: record.pid)
                    say("the persistent server (pid \(record.pid)) ended")
                    return status.code == 0 ? 1 : status.code
                }
            } else if !record.isAlive {
                _ = Self.copy(log, from: offset)
                PersistentRecord.remove(state: state, name: name, pid: record.pid)
                say("the persistent server (pid \(record.pid)) ended")
                return 1
            }
            usleep(100_000)
        }
    }

    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data("aspire: \(name): \(line)\n".utf8))
    }

    private static func size(of path: String) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// Writes the bytes of `path` from `offset` to stdout; the new offset.
    private static func copy(_ path: String, from offset: UInt64) -> UInt64 {
        guard size(of: path) > offset, let handle = FileHandle(forReadingAtPath: path) else { return offset }
        defer { try? handle.close() }
        do {
            try handle.seek(toOffset: offset)
            guard let data = try handle.readToEnd(), !data.isEmpty else { return offset }
            FileHandle.standardOutput.write(data)
            return offset + UInt64(data.count)
        } catch {
            return offset
        }
    }
}
