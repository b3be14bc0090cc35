import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What `.aspire/persistent/NAME.json` (0600) says about a `lifetime: persistent` server that
/// outlives `up`: its pid, the kernel's start time of that pid (so a reused pid is never taken
/// for it), and the hash of the configuration it was launched with (so the next `up` adopts it
/// only when nothing that shapes the launch changed). For a container, the pid is its engine's
/// monitor (podman's conmon), which is what the subreaper would otherwise stop.
package struct PersistentRecord: Codable, Sendable, Hashable {
    package var name: String
    package var pid: Int32
    /// Field 22 of /proc/PID/stat (clock ticks since boot) when the record was written.
    package var startTime: UInt64
    /// `LaunchHash` of the launch (hex SHA-256).
    package var configHash: String
    /// `native`, or the container engine's name (`podman`, `docker`).
    package var runtime: String
    /// The container's name (containers only).
    package var container: String?
    /// The server's output (natives only): `.aspire/persistent/NAME.log`.
    package var logFile: String?
    /// Sent first when it is stopped (`stopSignal:`); nil = SIGTERM.
    package var stopSignal: Int32?
    /// Other processes the container's start left behind that the container needs (podman's
    /// slirp4netns or rootlessport, which forward its published ports), spared like `pid`.
    package var companions: [Companion]?

    /// A process known by its pid and start time.
    package struct Companion: Codable, Sendable, Hashable {
        package var pid: Int32
        package var startTime: UInt64

        package var isAlive: Bool { PersistentRecord.stat(of: pid).map { $0.state != "Z" && $0.startTime == startTime } ?? false }
    }

    /// The variable holding the run's cookie, which a persistent server must not carry (the
    /// sentinel kills what carries it when `up` dies).
    package static let runCookieVariable = Sentinel.variable

    package init(name: String, pid: Int32, startTime: UInt64, configHash: String, runtime: String, container: String? = nil, logFile: String? = nil) {
        self.name = name
        self.pid = pid
        self.startTime = startTime
        self.configHash = configHash
        self.runtime = runtime
        self.container = container
        self.logFile = logFile
    }

    // MARK: - Files

    /// `<state>/persistent`.
    package static func directory(state: String) -> String { (state as NSString).appendingPathComponent("persistent") }

    /// `<state>/persistent/NAME.json`.
    package static func path(state: String, name: String) -> String {
        (directory(state: state) as NSString).appendingPathComponent(name + ".json")
    }

    /// `<state>/persistent/NAME.log`: a native server's stdout and stderr.
    package static func logPath(state: String, name: String) -> String {
        (directory(state: state) as NSString).appendingPathComponent(name + ".log")
    }

    /// The record of `name`, or nil when there is none (or it cannot be read).
    package static func read(state: String, name: String) -> PersistentRecord? {
        guard let data = FileManager.default.contents(atPath: path(state: state, name: name)) else { return nil }
        return try? JSONDecoder().decode(PersistentRecord.self, from: data)
    }

    /// Every record in `state`, by name.
    package static func all(state: String) -> [String: PersistentRecord] {
        let folder = directory(state: state)
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [:] }
        var result: [String: PersistentRecord] = [:]
        for file in files where file.hasSuffix(".json") {
            let name = String(file.dropLast(5))
            if let record = read(state: state, name: name) { result[name] = record }
        }
        return result
    }

    /// The records whose process still runs (same pid, same start time).
    package static func live(state: String) -> [String: PersistentRecord] {
        all(state: state).filter(\.value.isAlive)
    }

    /// The pids `up`'s subreaper must leave running: each live record's process and companions.
    package static func sparedPIDs(state: String) -> Set<Int32> {
        var pids = Set<Int32>()
        for record in live(state: state).values {
            pids.insert(record.pid)
            for companion in record.companions ?? [] where companion.isAlive { pids.insert(companion.pid) }
        }
        return pids
    }

    /// Clock ticks since boot now (the unit of a process's start time).
    package static func ticksSinceBoot() -> UInt64 {
        guard let text = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8), let seconds = Double(text.split(separator: " ").first ?? "") else { return 0 }
        return UInt64(seconds * Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    /// Living processes whose parent is one of `parents` that started at `ticks` or later: what
    /// a detached start (`podman run -d`) left behind, reparented to `up` or to init.
    package static func orphans(startedSince ticks: UInt64, parents: Set<Int32>) -> [Companion] {
        Syscalls.processTable().compactMap { entry in
            guard parents.contains(entry.parent), entry.state != UInt8(ascii: "Z"), let start = startTime(of: entry.pid), start + 1 >= ticks else { return nil }
            return Companion(pid: entry.pid, startTime: start)
        }
    }

    /// Writes the record (0600, in a 0700 folder), replacing the file atomically.
    package func write(state: String) throws {
        let folder = Self.directory(state: state)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try encoder.encode(self)
        let target = Self.path(state: state, name: name)
        let temporary = target + ".tmp.\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        guard rename(temporary, target) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown)
        }
    }

    /// Removes the record of `name` if it still names `pid` (a newer record stays).
    package static func remove(state: String, name: String, pid: Int32) {
        guard let record = read(state: state, name: name), record.pid == pid else { return }
        unlink(path(state: state, name: name))
    }

    // MARK: - The process

    /// True while the recorded process runs: the pid exists, is not a zombie, and started when
    /// the record says (a pid reused by another process has another start time).
    package var isAlive: Bool {
        guard let stat = Self.stat(of: pid), stat.state != "Z", stat.state != "X" else { return false }
        return stat.startTime == startTime
    }

    /// The start time of `pid` (field 22 of /proc/PID/stat), or nil when it does not exist.
    package static func startTime(of pid: Int32) -> UInt64? { stat(of: pid)?.startTime }

    /// State letter and start time from /proc/PID/stat (the command in parentheses may hold
    /// spaces and parentheses, so fields are counted from the last ')').
    fileprivate static func stat(of pid: Int32) -> (state: Character, startTime: UInt64)? {
        guard pid > 0, let handle = FileHandle(forReadingAtPath: "/proc/\(pid)/stat") else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd(), let text = String(data: data, encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3); field 22 is fields[19].
        guard fields.count > 19, let state = fields[0].first, let start = UInt64(fields[19]) else { return nil }
        return (state, start)
    }

    /// Stops the recorded process: SIGTERM to it and its process group (it leads its own
    /// session), up to `grace` for it to go, then SIGKILL. Returns when it is gone (or after the
    /// SIGKILL had a second to work). Does nothing when the pid is no longer this process.
    package func stop(grace: Duration = .seconds(10)) {
        guard isAlive else { return }
        Syscalls.killGroup(pid, stopSignal ?? SIGTERM)
        Syscalls.kill(pid, stopSignal ?? SIGTERM)
        if waitUntilGone(for: grace) { return }
        guard isAlive else { return }
        Syscalls.killGroup(pid, SIGKILL)
        Syscalls.kill(pid, SIGKILL)
        _ = waitUntilGone(for: .seconds(1))
    }

    private func waitUntilGone(for duration: Duration) -> Bool {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            if !isAlive { return true }
            usleep(20_000)
        }
        return !isAlive
    }
}
