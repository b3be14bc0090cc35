import Foundation
import Testing

/// Issue 21 item 2: a child cannot drive the user's terminal through `up`'s console or
/// `aspire logs`; `logs --raw` and the log files keep the bytes as written.
@Suite(.serialized) struct TerminalSafetyTests {
    /// What the child writes, one line each: OSC 52, OSC 0, clear screen, DCS, a C1 CSI, BEL,
    /// a coloured line, a byte that is not UTF-8.
    static let emitted: [[UInt8]] = [
        Array("\u{1B}]52;c;aGVsbG8=\u{07}clip".utf8),
        Array("\u{1B}]0;owned\u{07}title".utf8),
        Array("\u{1B}[2Jclear".utf8),
        Array("\u{1B}P+q544e\u{1B}\\dcs".utf8),
        Array("c1 \u{9B}2J".utf8),
        Array("bell\u{07}".utf8),
        Array("\u{1B}[31mred\u{1B}[0m".utf8),
        [0x62, 0x61, 0x64, 0x20, 0xFF],
    ]

    /// The same lines as a terminal shows them (colour on).
    static let escaped = [
        "\\x1b]52;c;aGVsbG8=\\x07clip", "\\x1b]0;owned\\x07title", "\\x1b[2Jclear", "\\x1bP+q544e\\x1b\\dcs",
        "c1 <U+009B>2J", "bell\\x07", "\u{1B}[31mred\u{1B}[0m", "bad \\xff",
    ]

    static func app() throws -> String {
        let literal = emitted.map { line in "b'" + line.map { String(format: "\\x%02x", $0) }.joined() + "\\n'" }
        return try CLI.writeManifest(
            """
            resources:
              app:
                type: executable
                command: [python3, emit.py]
                endpoints: {}
            """,
            files: ["emit.py": "import sys\nsys.stdout.buffer.write(\(literal.joined(separator: " + ")))\n"])
    }

    /// Runs the binary; stdout's bytes as they are.
    static func run(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, stdout: [UInt8]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, Array(data))
    }

    static let colorOn = ["NO_COLOR": "", "FORCE_COLOR": "1"]
    static let colorOff = ["NO_COLOR": "1"]

    /// The lines of `bytes` that carry `name |`, after the prefix (colour codes of the prefix removed).
    static func lines(of name: String, in bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.split(separator: "\n").compactMap { line in
            let plain = line.replacingOccurrences(of: "\u{1B}[36m", with: "").replacingOccurrences(of: "|\u{1B}[0m", with: "|")
            guard let bar = plain.range(of: " | "), plain[..<bar.lowerBound].trimmingCharacters(in: .whitespaces) == name
            else { return nil }
            return String(plain[bar.upperBound...])
        }
    }

    @Test("up's console and aspire logs escape OSC, CSI, DCS, C1, BEL and bad bytes; SGR only with colour")
    func escaped() throws {
        let path = try Self.app()
        let up = try Self.run(["up", "-f", path, "--grace-period", "2"], environment: Self.colorOn)
        #expect(up.status == 0)
        #expect(Self.lines(of: "app", in: up.stdout) == Self.escaped, "\(String(decoding: up.stdout, as: UTF8.self))")
        // Nothing but SGR and the prefixes' colour is an escape; no BEL, no C1, no invalid byte.
        let withoutSGR = String(decoding: up.stdout, as: UTF8.self).replacingOccurrences(
            of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(!withoutSGR.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) })
        #expect(!up.stdout.contains(0xFF))

        let logs = try Self.run(["logs", "--file", path], environment: Self.colorOn)
        #expect(logs.status == 0)
        #expect(Self.lines(of: "app", in: logs.stdout) == Self.escaped)

        let plain = try Self.run(["logs", "--file", path], environment: Self.colorOff)
        #expect(Self.lines(of: "app", in: plain.stdout) == Self.escaped.map { $0 == "\u{1B}[31mred\u{1B}[0m" ? "red" : $0 })
        #expect(!plain.stdout.contains(0x1B))
    }

    @Test("logs --raw prints the bytes as written, and the log file holds them")
    func raw() throws {
        let path = try Self.app()
        let up = try Self.run(["up", "-f", path, "--grace-period", "2"], environment: Self.colorOff)
        #expect(up.status == 0)
        let raw = try Self.run(["logs", "--file", path, "--raw"], environment: Self.colorOff)
        #expect(raw.status == 0)
        let prefix: [UInt8] = Array("app | ".utf8)
        var expected: [UInt8] = []
        for line in Self.emitted { expected += prefix + line + [UInt8(0x0A)] }
        #expect(raw.stdout == expected)
        let file = try Data(contentsOf: URL(fileURLWithPath: (path as NSString).deletingLastPathComponent + "/.aspire/logs/app.log"))
        let fileLines = Array(file).split(separator: 0x0A).map { Array($0.dropFirst(25)) }  // the stamp
        #expect(fileLines == Self.emitted)
    }

    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs tmux on its own server socket; its stdout (none when `capture` is off: a command that
    /// starts the server must not hand it our pipe, or reading to its end waits for the server).
    @discardableResult
    static func tmux(_ socket: String, _ arguments: [String], capture: Bool = true) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tmux ?? "tmux")
        process.arguments = ["-L", socket, "-f", "/dev/null"] + arguments
        process.standardError = FileHandle.nullDevice
        guard capture else {
            // Not through Process: Foundation notices a child's exit through a descriptor the
            // child inherits, and the tmux server (a grandchild) would keep it open.
            let argv = [tmux ?? "tmux", "-L", socket, "-f", "/dev/null"] + arguments
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            for fd: Int32 in [0, 1, 2] {
                posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
            }
            var cArguments = argv.map { strdup($0) } + [nil]
            defer { for pointer in cArguments { free(pointer) } }
            var pid: pid_t = 0
            guard posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ) == 0 else { return "" }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            return ""
        }
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test("on a real TTY (tmux): the title and the clipboard stay the user's", .enabled(if: tmux != nil))
    func onATerminal() throws {
        let path = try Self.app()
        let socket = "aspire-test-\(UUID().uuidString.prefix(8))"
        let command = "env -u NO_COLOR -u FORCE_COLOR '\(CLI.binary)' up -f '\(path)' --grace-period 2; echo UP-DONE; sleep 60"
        try Self.tmux(socket, [
            "start-server", ";", "set-option", "-g", "set-clipboard", "on", ";", "set-option", "-g", "allow-rename", "on", ";",
            "new-session", "-d", "-s", "t", "-x", "200", "-y", "50", command,
        ], capture: false)
        defer { _ = try? Self.tmux(socket, ["kill-server"]) }
        var pane = ""
        #expect(UpTests.eventually(timeout: 30) {
            pane = (try? Self.tmux(socket, ["capture-pane", "-p", "-t", "t"])) ?? ""
            return pane.contains("UP-DONE")
        }, "\(pane)")
        #expect(pane.contains("\\x1b]52;c;aGVsbG8=\\x07clip"), "\(pane)")
        #expect(pane.contains("\\x1b[2Jclear"), "\(pane)")
        #expect(pane.contains("red"))
        let title = try Self.tmux(socket, ["display-message", "-p", "-t", "t", "#{pane_title}"])
        #expect(!title.contains("owned"), "\(title)")
        let buffers = try Self.tmux(socket, ["list-buffers"])
        #expect(buffers.isEmpty, "\(buffers)")
        // The clear screen did not run: the lines before it are still on the pane.
        #expect(pane.contains("clip") && pane.contains("title"))
    }
}
