import AppModel
import AppState
import ControlPlane
import Dashboard
import Supervisor
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - The adapter between the running `up` and the dashboard

/// The dashboard's view of a running app, built by `up` from what it already has.
///
/// - Parameters:
///   - manifest: The app (types, replicas, the graph).
///   - folder: Its state folder: the logs are followed in `.aspire/logs/<name>.log`.
///   - environments: What each resource was started with (`up` computes it for the env files).
///   - status: The current snapshot, as `ps` shows it (the status recorder's, or the supervisor's).
///   - perform: Starts, stops or restarts a resource; throw ``DashboardActionError`` to refuse.
/// - Returns: A backend for `DashboardServer`.
func makeDashboardBackend(
    manifest: Manifest,
    folder: StateFolder,
    environments: [String: [ResolvedEnvironment]],
    status: @escaping @Sendable () async -> RunStatus?,
    perform: @escaping @Sendable (DashboardAction, String) async throws -> Void = { _, _ in
        throw DashboardActionError(.unsupported, "this app cannot be controlled from the dashboard")
    }
) -> some DashboardBackend {
    AppDashboardBackend(manifest: manifest, folder: folder, environments: environments, status: status, action: perform)
}

/// Answers the dashboard from the manifest, the status snapshot and the log files.
struct AppDashboardBackend: DashboardBackend {
    var manifest: Manifest
    var folder: StateFolder
    var environments: [String: [ResolvedEnvironment]]
    var status: @Sendable () async -> RunStatus?
    var action: @Sendable (DashboardAction, String) async throws -> Void

    func resources() async -> [DashboardResource] {
        guard let snapshot = await status() else { return [] }
        return snapshot.resources.map { resource in
            DashboardResource(
                name: resource.name, type: resource.type, state: resource.state,
                health: resource.health,
                pids: resource.pids, urls: resource.urls, restarts: resource.restarts, upSince: resource.upSince,
                replicas: manifest[resource.name]?.run.replicas ?? 1)
        }
    }

    func logTail(resource: String?, lines: Int) async -> [DashboardLogLine] {
        let names: [String]
        if let resource {
            names = [resource]
        } else {
            let running = await status()?.resources.map(\.name)
            names = running ?? LogFiles.names(in: folder)
        }
        return names.flatMap { name in
            LogFiles.tail(LogFiles.path(of: name, in: folder), lines: lines).map {
                DashboardLogLine(resource: name, text: $0)
            }
        }
    }

    func logStream(resource: String?) -> AsyncStream<DashboardLogLine> {
        let follower = LogFollower(folder: folder, only: resource)
        return AsyncStream(unfolding: { await follower.next() })
    }

    func environment(resource: String) async -> [DashboardVariable]? {
        guard let environment = environments[resource]?.first else { return nil }
        return environment.map { DashboardVariable(name: $0.name, value: $0.value.value, isSecret: $0.value.isSecret) }
    }

    func graph() async -> DashboardGraph {
        let states = Dictionary(
            (await status()?.resources ?? []).map { ($0.name, $0.state) }, uniquingKeysWith: { first, _ in first })
        let graph = ResourceGraph(manifest)
        var edges: [DashboardGraph.Edge] = []
        var seen = Set<DashboardGraph.Edge>()
        for edge in graph.edges {
            let kind: DashboardGraph.EdgeKind =
                switch edge.kind {
                case .reference, .expression: .reference
                case .waitFor: .waitFor
                case .waitForCompletion: .waitForCompletion
                case .parent: .parent
                }
            let mapped = DashboardGraph.Edge(from: edge.from, to: edge.to, kind: kind)
            if seen.insert(mapped).inserted { edges.append(mapped) }
        }
        let nodes = manifest.resources.map {
            DashboardGraph.Node(name: $0.name, type: $0.typeName, state: states[$0.name])
        }
        return DashboardGraph(nodes: nodes, edges: edges)
    }

    func perform(_ action: DashboardAction, resource: String) async throws {
        try await self.action(action, resource)
    }
}

// MARK: - Stable port and the login URL on disk

/// `.aspire/dashboard.json` (0600): the dashboard's port, kept across runs like the resources'
/// ports, and the current login URL, for `aspire dashboard` to print.
struct DashboardState: Codable, Sendable {
    var port: Int
    var loginURL: String?

    static func path(in folder: StateFolder) -> String { folder.file("dashboard.json") }

    /// The port to use: `requested` when given, else last run's while it is free, else a fresh one.
    static func port(in folder: StateFolder, requested: Int? = nil) -> Int {
        if let requested { return requested }
        if let previous = folder.readJSON(DashboardState.self, from: path(in: folder)), PortProbe.isFree(previous.port)
        {
            return previous.port
        }
        return PortProbe.ephemeralPort() ?? 18_888
    }

    /// Forgets the last run's login URL (its token is dead), keeping the port.
    static func forgetLoginURL(in folder: StateFolder) {
        guard let previous = folder.readJSON(DashboardState.self, from: path(in: folder)) else { return }
        try? folder.writeJSON(DashboardState(port: previous.port), to: path(in: folder), mode: 0o600)
    }

    /// Records the port and login URL (mode 0600: the URL holds the token).
    static func save(port: Int, loginURL: String, in folder: StateFolder) {
        try? folder.writeJSON(DashboardState(port: port, loginURL: loginURL), to: path(in: folder), mode: 0o600)
    }
}

// MARK: - Log files

/// Reading `.aspire/logs/<name>.log` as the supervisor writes it.
enum LogFiles {
    /// Longest line kept whole; longer ones are cut into pieces of this size.
    static let maxLine = 64 * 1024

    static func path(of name: String, in folder: StateFolder) -> String {
        (folder.logsDirectory as NSString).appendingPathComponent(
            name.replacingOccurrences(of: "/", with: "_") + ".log")
    }

    /// The resources that have a log file, sorted.
    static func names(in folder: StateFolder) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.logsDirectory)) ?? [])
            .filter { $0.hasSuffix(".log") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// The last `lines` whole lines of a file, reading backwards at most 8 MB.
    static func tail(_ path: String, lines: Int) -> [String] {
        guard lines > 0 else { return [] }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return [] }
        let size = Int(info.st_size)
        var start = size
        var bytes: [UInt8] = []
        var newlines = 0
        let chunk = 64 * 1024
        while start > 0, bytes.count < 8 << 20, newlines <= lines {
            let length = min(chunk, start)
            start -= length
            let piece = read(fd, at: start, count: length)
            newlines += piece.lazy.filter { $0 == UInt8(ascii: "\n") }.count
            bytes = piece + bytes
        }
        var unterminated: [UInt8] = []
        var found = split(bytes, partial: &unterminated)
        if start > 0, !found.isEmpty { found.removeFirst() }  // the first may be cut
        return Array(found.suffix(lines))
    }

    /// Whole lines of `bytes`; what follows the last newline is left in `partial`.
    static func split(_ bytes: [UInt8], partial: inout [UInt8]) -> [String] {
        var lines: [String] = []
        var lineStart = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            lines.append(withoutTimestamp(String(decoding: bytes[lineStart..<index], as: UTF8.self)))
            lineStart = index + 1
        }
        partial = Array(bytes[lineStart...])
        while partial.count >= maxLine {
            lines.append(String(decoding: partial.prefix(maxLine), as: UTF8.self))
            partial.removeFirst(maxLine)
        }
        return lines
    }

    /// The console text of a log-file line (the dashboard shows no stamps, as `up` does not).
    static func withoutTimestamp(_ line: String) -> String {
        let (time, text) = LogTimestamp.split(Substring(line))
        return time == nil ? line : String(text)
    }

    static func read(_ fd: Int32, at offset: Int, count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        return got > 0 ? Array(buffer.prefix(got)) : []
    }
}

/// Follows log files from where they end when it is created, across the supervisor's rotation
/// (`<name>.log` renamed to `<name>.log.1`), picking up files that appear later.
///
/// Pull-based: `next()` reads only when the consumer asks, so a slow browser leaves the backlog in
/// the file, not in memory, and nothing runs once the consumer stops (no task of its own).
final class LogFollower: Sendable {
    /// Bytes read from one file per poll.
    static let readLimit = 256 * 1024

    struct Cursor: Sendable {
        var inode: UInt64
        var offset: Int
        var partial: [UInt8] = []
    }

    struct State: Sendable {
        var cursors: [String: Cursor] = [:]
        var queue: [DashboardLogLine] = []
        var head = 0
    }

    let folder: StateFolder
    let only: String?
    private let state: Mutex<State>

    init(folder: StateFolder, only: String?) {
        self.folder = folder
        self.only = only
        var initial = State()
        for name in only.map({ [$0] }) ?? LogFiles.names(in: folder) {
            let path = LogFiles.path(of: name, in: folder)
            let (inode, size) = Self.identity(path) ?? (0, 0)
            initial.cursors[name] = Cursor(inode: inode, offset: size)
        }
        state = Mutex(initial)
    }

    /// The next line, waiting (polling 5 times a second) until there is one; nil once cancelled.
    func next() async -> DashboardLogLine? {
        while !Task.isCancelled {
            if let line = pop() { return line }
            poll()
            if let line = pop() { return line }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return nil
    }

    private func pop() -> DashboardLogLine? {
        state.withLock { state in
            guard state.head < state.queue.count else { return nil }
            let line = state.queue[state.head]
            state.head += 1
            if state.head == state.queue.count {
                state.queue.removeAll(keepingCapacity: true)
                state.head = 0
            }
            return line
        }
    }

    /// Reads what was appended since the last poll into the queue.
    private func poll() {
        let names = only.map { [$0] } ?? LogFiles.names(in: folder)
        state.withLock { state in
            for name in names {
                let path = LogFiles.path(of: name, in: folder)
                guard let (inode, _) = Self.identity(path) else { continue }
                var cursor = state.cursors[name] ?? Cursor(inode: inode, offset: 0)
                var lines: [String] = []
                if cursor.inode != inode {
                    // Rotated: finish the old file (now `.1`), then start the new one from 0.
                    if let (oldInode, _) = Self.identity(path + ".1"), oldInode == cursor.inode {
                        lines += Self.read(path + ".1", cursor: &cursor, limit: Int.max)
                    }
                    cursor = Cursor(inode: inode, offset: 0)
                }
                lines += Self.read(path, cursor: &cursor, limit: Self.readLimit)
                state.cursors[name] = cursor
                state.queue += lines.map { DashboardLogLine(resource: name, text: $0) }
            }
        }
    }

    /// Reads up to `limit` bytes after the cursor, returning whole lines.
    private static func read(_ path: String, cursor: inout Cursor, limit: Int) -> [String] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return [] }
        let size = Int(info.st_size)
        if size < cursor.offset {  // truncated
            cursor.offset = 0
            cursor.partial = []
        }
        let count = min(size - cursor.offset, limit)
        guard count > 0 else { return [] }
        let bytes = LogFiles.read(fd, at: cursor.offset, count: count)
        cursor.offset += bytes.count
        return LogFiles.split(cursor.partial + bytes, partial: &cursor.partial)
    }

    /// A file's inode and size, or nil when it does not exist.
    private static func identity(_ path: String) -> (UInt64, Int)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_ino), Int(info.st_size))
    }
}

// MARK: - Serving it from `up`

/// Serves the dashboard for the running `up`: from the same status and control verbs as the
/// control API, so the console, `ps` and the dashboard agree on states, names and URLs.
struct DashboardLauncher: Sendable {
    var manifest: Manifest
    var folder: StateFolder
    var environments: [String: [ResolvedEnvironment]]
    var control: SupervisorControl
    /// `--dashboard-port`; nil keeps last run's port.
    var requestedPort: Int?

    /// Serves until cancelled; a port that cannot be bound is a warning, not the end of the app.
    func run() async {
        let control = control
        let backend = makeDashboardBackend(
            manifest: manifest, folder: folder, environments: environments,
            status: { await control.status().runStatus },
            perform: { action, name in try await Self.perform(action, on: name, control: control) })
        let port = DashboardState.port(in: folder, requested: requestedPort)
        let server = DashboardServer(backend: backend, port: port, title: manifest.name)
        let folder = folder
        do {
            try await server.run { bound in
                let url = server.loginURL(port: bound)
                DashboardState.save(port: bound, loginURL: url, in: folder)
                Console.out("Dashboard: \(url)\n")
            }
        } catch is CancellationError {
        } catch {
            if !Task.isCancelled {
                Console.error("warning: no dashboard on 127.0.0.1:\(port): \(error) (choose another with --dashboard-port)")
            }
        }
    }

    static func perform(_ action: DashboardAction, on name: String, control: SupervisorControl) async throws {
        let verb: ControlAction =
            switch action {
            case .start: .start
            case .stop: .stop
            case .restart: .restart
            }
        do {
            _ = try await control.perform(verb, on: [name])
        } catch {
            let code: DashboardActionError.Code =
                switch error.status {
                case 404: .unknownResource
                case 409: .conflict
                case 400..<500: .conflict
                default: .failed
                }
            throw DashboardActionError(code, error.body.error)
        }
    }
}
