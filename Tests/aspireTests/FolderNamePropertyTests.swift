import AppHost
import AppModel
import AppState
import Foundation
import Supervisor
import Testing

/// No trap on any path (issue 15, item 6): the postgres and redis templates, planned and started
/// natively from generated folder names (spaces, unicode, quotes, `$`, very long, deeply nested,
/// out of reach of the server's user). Each plans and starts; a failure is one of our exit codes
/// with its error line, never a trap.
///
/// The names come from a seeded generator: the seed is printed, and `ASPIRE_PROPERTY_SEED=N`
/// replays a run.
@Suite(.serialized) struct FolderNamePropertyTests {
    /// SplitMix64: small, fast, and the same sequence for the same seed everywhere.
    struct Generator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func below(_ bound: Int) -> Int { Int(truncatingIfNeeded: next() % UInt64(bound)) }

        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let seed: UInt64 = {
        if let text = ProcessInfo.processInfo.environment["ASPIRE_PROPERTY_SEED"], let value = UInt64(text) { return value }
        return UInt64(truncatingIfNeeded: Int64(Date().timeIntervalSince1970 * 1000))
    }()

    /// Pieces a folder name is made of: what shells, URLs, config files and C strings trip on.
    static let pieces = [
        "app", "my app", "é", "日本語", "🚀", "'", "\"", "$", "$HOME", "${X}", "$$", "{cache.port}", "\\", "`", "a;b", "#", "%20",
        "--flag", "-", ".hidden", "x=y", "tab\there", "Ω≈ç", "semi:colon", "new", "  ", "*", "?", "[x]", "&", "|", "<>", "~",
    ]

    /// One folder name (a single path component, at most 255 bytes).
    static func name(_ generator: inout Generator) -> String {
        var name = ""
        for _ in 0..<(1 + generator.below(5)) { name += generator.pick(pieces) }
        if generator.below(6) == 0 { name += String(repeating: generator.pick(["long", "ü", "名"]), count: 40 + generator.below(40)) }
        while name.utf8.count > 200 { name.removeLast() }
        return name.isEmpty || name == "." || name == ".." ? "app" : name
    }

    /// A folder below `root` made of generated names: one level, or several (deep nesting).
    static func folder(under root: String, _ generator: inout Generator) -> String {
        let depth = generator.below(4) == 0 ? 2 + generator.below(12) : 1
        return (0..<depth).reduce(root) { path, _ in (path as NSString).appendingPathComponent(name(&generator)) }
    }

    static let manifest = """
        resources:
          pg:
            type: postgres
            runtime: native
            databases: [catalogdb]
          cache:
            type: redis
            runtime: native
        """

    // MARK: - Planning: many names, no process

    @Test("planning postgres and redis natively never traps, whatever the folder's name")
    func planning() throws {
        var generator = Generator(state: Self.seed)
        print("FolderNamePropertyTests.planning: seed \(Self.seed) (replay with ASPIRE_PROPERTY_SEED=\(Self.seed))")
        let roots = [try Self.privateRoot(), try Self.privateRoot(mode: 0o755)]
        defer { for root in roots { try? FileManager.default.removeItem(atPath: root) } }
        for index in 0..<150 {
            let directory = Self.folder(under: roots[index % 2], &generator)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let loaded = ManifestLoader(environment: [:]).load(bytes: Array(Self.manifest.utf8), file: directory + "/apphost.yaml", directory: directory)
            let manifest = try #require(loaded.manifest, "seed \(Self.seed): \(directory): \(loaded.diagnostics)")
            var bindings = Bindings()
            bindings.hostPorts[EndpointID("pg", "tcp")] = 15432
            bindings.hostPorts[EndpointID("cache", "tcp")] = 16379
            bindings.passwords["pg"] = "pw'\"$"
            bindings.passwords["cache"] = "pw\\\""
            let planner = LaunchPlanner(
                manifest: manifest, bindings: bindings, folder: StateFolder(manifestDirectory: directory),
                hostEnvironment: ["PATH": "/usr/local/bin:/usr/bin:/bin"], containers: ContainerChoice(manifest: manifest, assuming: nil))
            let (plan, problems) = planner.plan()
            for problem in problems {
                #expect(!problem.message.contains("\n"), "seed \(Self.seed): \(directory): \(problem)")
            }
            #expect(plan.services.count + problems.count >= 2, "seed \(Self.seed): \(directory)")
            if let pg = plan.services.first(where: { $0.name == "pg" }), let data = pg.arguments.firstIndex(of: "-D").map({ pg.arguments[$0 + 1] }) {
                // The data folder is the app's own, or its stand-in under /var/tmp/aspire-data.
                #expect(data.hasPrefix(directory + "/.aspire/data/pg/") || data.hasPrefix(PostgresDataFolder.outsideRoot + "/"), "seed \(Self.seed): \(data)")
            }
            // Planning with no effects writes nothing.
            #expect(!FileManager.default.fileExists(atPath: directory + "/.aspire"), "seed \(Self.seed): \(directory)")
        }
    }

    @Test("a planning problem is one line even when the manifest's path holds a line break (fuzzer finding)")
    func problemIsOneLine() throws {
        let directory = try Self.privateRoot()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let yaml = "resources:\n  api:\n    type: project\n    path: \"./no\\nsuch\\r\\nfolder\"\n"
        let loaded = ManifestLoader(environment: [:]).load(bytes: Array(yaml.utf8), file: directory + "/apphost.yaml", directory: directory)
        let manifest = try #require(loaded.manifest)
        let planner = LaunchPlanner(
            manifest: manifest, bindings: Bindings(), folder: StateFolder(manifestDirectory: directory), hostEnvironment: [:],
            containers: ContainerChoice(manifest: manifest, assuming: nil))
        let (_, problems) = planner.plan()
        let problem = try #require(problems.first)
        #expect(problem.resource == "api")
        #expect(!problem.description.contains("\n") && !problem.description.contains("\r") && problem.message.contains("no\\nsuch"))
    }

    // MARK: - Starting: a handful of names, real servers

    @Test("up -d of native postgres and redis from generated folders: starts or says why in one line; down leaves nothing")
    func starting() throws {
        var generator = Generator(state: Self.seed ^ 0x5EED)
        print("FolderNamePropertyTests.starting: seed \(Self.seed) (replay with ASPIRE_PROPERTY_SEED=\(Self.seed))")
        // Half of the folders under a 0700 root (out of the postgres user's reach), half under a
        // 0755 one (reachable: the data stays in .aspire, however long or deep the path).
        let roots = [try Self.privateRoot(), try Self.privateRoot(mode: 0o755)]
        defer { for root in roots { try? FileManager.default.removeItem(atPath: root) } }
        let servers = [
            ("pg", "  pg:\n    type: postgres\n    runtime: native\n    databases: [catalogdb]\n"),
            ("cache", "  cache:\n    type: redis\n    runtime: native\n"),
        ]
        for (server, resources) in servers {
            for index in 0..<4 {
                let directory = Self.folder(under: roots[index % 2], &generator)
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                let path = directory + "/apphost.yaml"
                try ("resources:\n" + resources).write(toFile: path, atomically: true, encoding: .utf8)
                let started = Date()
                let up = try CLI.run(["up", "-d", "-f", path, "--wait-timeout", "30"])
                let upSeconds = Date().timeIntervalSince(started)
                let upLog = (try? String(contentsOfFile: directory + "/.aspire/up.log", encoding: .utf8)) ?? ""
                let down = try CLI.run(["down", "--volumes", "-f", path])
                print("  \(server): up -d exit \(up.status) in \(Int(upSeconds * 1000)) ms, down in \(Int(Date().timeIntervalSince(started) * 1000 - upSeconds * 1000)) ms: \(directory.suffix(40).debugDescription)")
                let context = "seed \(Self.seed), \(server) in \(directory): up exit \(up.status)\n\(up.stderr)\(upLog)"
                for text in [up.stdout, up.stderr, upLog, down.stderr] {
                    #expect(!Self.trapped(text), "\(context)")
                }
                // Every generated name is a folder a user may have, so each must start (a server
                // that ignored its config once failed only by never turning healthy); a failure
                // must still be an exit code of ours with its error line, never a trap.
                #expect(up.status == 0, "\(context)")
                if up.status == 0 {
                    #expect(down.status == 0, "\(context)\ndown: \(down.stderr)")
                } else {
                    #expect([1, 2].contains(up.status), "\(context)")
                    let errors = up.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") || $0.contains(": error:") }
                    #expect(!errors.isEmpty, "\(context)")
                }
                #expect(Self.processes(mentioning: directory).isEmpty, "\(context): still running: \(Self.processes(mentioning: directory))")
                #expect(Self.processes(mentioning: PostgresDataFolder.outsideFolder(of: StateFolder(manifestDirectory: directory))).isEmpty, "\(context)")
            }
        }
    }

    // MARK: - Helpers

    /// A fresh folder only root can enter (0700, as `mktemp -d` makes): everything below it is
    /// out of reach of the `postgres` user, which is what used to trap. With `mode: 0o755`, one
    /// every user can reach.
    static func privateRoot(mode: Int = 0o700) throws -> String {
        let root = NSTemporaryDirectory() + "aspire-names-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
        return root
    }

    /// Whether `text` shows a Swift trap or a crash report rather than a message.
    static func trapped(_ text: String) -> Bool {
        ["Fatal error", "runtime failure", "Backtrace", "Crash", "💣", "exited with code 132", "exited with code 133", "killed by SIGILL", "killed by SIGTRAP"]
            .contains { text.contains($0) }
    }

    /// Processes whose command line mentions `path` (a server left behind), by pid.
    static func processes(mentioning path: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard pid != getpid(), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let text = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            guard text.contains(path) else { return false }
            // A zombie is reaped by its parent, not left running.
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            return !stat.contains(") Z ")
        }
    }
}
