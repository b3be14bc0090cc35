import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 21 item 3: the state folder is ours, or `aspire` refuses it (exit 2, one line); no link
/// inside it redirects a write.
@Suite(.serialized) struct StateFolderSafetyTests {
    static func app(command: String = "true") throws -> (path: String, directory: String) {
        let path = try CLI.writeManifest(
            """
            resources:
              api:
                type: executable
                command: [sh, -c, "\(command)"]
                endpoints: {}
            """)
        return (path, (path as NSString).deletingLastPathComponent)
    }

    static func mode(_ path: String) -> Int {
        var info = stat()
        return lstat(path, &info) == 0 ? Int(info.st_mode & 0o7777) : -1
    }

    /// A folder elsewhere, writable by everyone, and what it holds.
    static func elsewhere() throws -> String {
        let target = NSTemporaryDirectory() + "aspire-elsewhere-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        chmod(target, 0o777)
        return target
    }

    static func contents(_ folder: String) -> [String] {
        ((try? FileManager.default.subpathsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test("a 0777 .aspire (and its 0777 logs folder) is tightened to 0700 by env and by up -d")
    func tightened() throws {
        let (path, directory) = try Self.app(command: "exec sleep 30")
        let state = directory + "/.aspire"
        try FileManager.default.createDirectory(atPath: state + "/logs", withIntermediateDirectories: true)
        chmod(state, 0o777)
        chmod(state + "/logs", 0o777)
        let env = try CLI.run(["env", "api", "-f", path])
        #expect(env.status == 0, "\(env.stderr)")
        #expect(Self.mode(state) == 0o700)
        #expect(Self.mode(state + "/logs") == 0o700)

        chmod(state, 0o777)
        defer { _ = try? CLI.run(["down", "-f", path]) }
        let up = try CLI.run(["up", "-d", "-f", path, "--grace-period", "2"])
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        #expect(Self.mode(state) == 0o700)
    }

    @Test("a symlinked .aspire is refused with exit 2 and one line, by env, up and up -d", arguments: [
        ["env", "api"], ["up"], ["up", "-d"],
    ])
    func symlinkedStateFolder(verb: [String]) throws {
        let (path, directory) = try Self.app()
        let target = try Self.elsewhere()
        defer { try? FileManager.default.removeItem(atPath: target) }
        try FileManager.default.createSymbolicLink(atPath: directory + "/.aspire", withDestinationPath: target)
        let result = try CLI.run(verb + ["-f", path])
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(".aspire is a symbolic link"), "\(result.stderr)")
        #expect(Self.contents(target).isEmpty, "\(Self.contents(target))")
        #expect(Self.mode(target) == 0o777, "a refused folder is left as it is")
    }

    @Test("a logs symlink inside .aspire is refused (exit 2); nothing lands in its target")
    func symlinkedLogs() throws {
        let (path, directory) = try Self.app(command: "echo secret-output")
        let target = try Self.elsewhere()
        defer { try? FileManager.default.removeItem(atPath: target) }
        try FileManager.default.createDirectory(atPath: directory + "/.aspire", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory + "/.aspire/logs", withDestinationPath: target)
        let up = try CLI.run(["up", "-f", path, "--grace-period", "2"])
        #expect(up.status == 2, "\(up.stdout)\(up.stderr)")
        #expect(up.stderr.contains("logs is a symbolic link"), "\(up.stderr)")
        #expect(Self.contents(target).isEmpty, "\(Self.contents(target))")
    }

    @Test("an env file that is a symlink is never written through: it is replaced")
    func symlinkedEnvFile() throws {
        let (path, directory) = try Self.app(command: "echo secret-output")
        let target = try Self.elsewhere()
        defer { try? FileManager.default.removeItem(atPath: target) }
        try FileManager.default.createDirectory(atPath: directory + "/.aspire/env", withIntermediateDirectories: true)
        try "untouched\n".write(toFile: target + "/victim.env", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: directory + "/.aspire/env/api.env", withDestinationPath: target + "/victim.env")
        // The env file is replaced (a new file, written by rename).
        let up = try CLI.run(["up", "-f", path, "--grace-period", "2"])
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        #expect(try String(contentsOfFile: target + "/victim.env", encoding: .utf8) == "untouched\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/.aspire/env/api.env")) == nil)
        #expect(try String(contentsOfFile: directory + "/.aspire/env/api.env", encoding: .utf8).contains("OTEL_SERVICE_NAME=api"))
    }

    @Test("a log file that is a symlink or a FIFO is refused with exit 2 and one line, by up and up -d; nothing is written through", arguments: [
        ["up"], ["up", "-d"],
    ])
    func symlinkedLogFile(verb: [String]) throws {
        let (path, directory) = try Self.app(command: "echo secret-output")
        let target = try Self.elsewhere()
        defer { try? FileManager.default.removeItem(atPath: target) }
        try FileManager.default.createDirectory(atPath: directory + "/.aspire/logs", withIntermediateDirectories: true)
        try "untouched\n".write(toFile: target + "/victim.log", atomically: false, encoding: .utf8)
        let log = directory + "/.aspire/logs/api.log"
        try FileManager.default.createSymbolicLink(atPath: log, withDestinationPath: target + "/victim.log")
        let up = try CLI.run(verb + ["-f", path, "--grace-period", "2"])
        #expect(up.status == 2, "\(up.stdout)\(up.stderr)")
        #expect(up.stderr.split(separator: "\n").count == 1, "\(up.stderr)")
        #expect(up.stderr.contains("\(log) is a symbolic link"), "\(up.stderr)")
        #expect(try String(contentsOfFile: target + "/victim.log", encoding: .utf8) == "untouched\n")
        // A FIFO would block the open for writing: refused the same way, at once.
        try FileManager.default.removeItem(atPath: log)
        #expect(mkfifo(log, 0o600) == 0)
        let fifo = try CLI.run(verb + ["-f", path, "--grace-period", "2"])
        #expect(fifo.status == 2, "\(fifo.stdout)\(fifo.stderr)")
        #expect(fifo.stderr.contains("\(log) is not a regular file"), "\(fifo.stderr)")
    }

    @Test("a .aspire of another user is refused with exit 2 (run as root only)", .enabled(if: geteuid() == 0))
    func otherUser() throws {
        let (path, directory) = try Self.app()
        let state = directory + "/.aspire"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        chown(state, 65534, 65534)
        let env = try CLI.run(["env", "api", "-f", path])
        #expect(env.status == 2, "\(env.stderr)")
        #expect(env.stderr.contains("belongs to uid 65534"), "\(env.stderr)")
    }
}
