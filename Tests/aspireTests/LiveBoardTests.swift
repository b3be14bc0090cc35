import Foundation
import Testing

/// `up`'s live board, seen as a person sees it: `aspire up` in a detached tmux session, read with
/// `tmux capture-pane`. Skipped (with the reason printed) where tmux is missing.
@Suite(.serialized, .enabled(if: Tmux.available, "tmux is not installed (apt-get install tmux); the live board tests need a terminal"))
struct LiveBoardTests {
    /// An HTTP server with a health check, and a worker that ticks and exits 3 when `crash`
    /// appears (restarted on failure).
    static let manifest = """
        name: boardtest
        resources:
          api:
            type: executable
            command: python3
            args: ["-u", "-c", "import http.server as h, os\\nclass Q(h.SimpleHTTPRequestHandler):\\n  def log_message(self, *a): pass\\nprint('api listening', flush=True)\\nh.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), Q).serve_forever()"]
            endpoints:
              http: {}
            healthCheck: { http: / }
          worker:
            type: executable
            command: python3
            args: ["-u", "-c", "import os, sys, time\\nwhile True:\\n  print('tick', flush=True); time.sleep(0.5)\\n  if os.path.exists('crash'): os.remove('crash'); sys.exit(3)"]
            restart: on-failure
        """

    /// A tmux server of its own (its own socket), with one 160×30 window running `command`.
    final class Pane {
        let socket = "aspire-board-\(UUID().uuidString.prefix(8))"

        init(_ command: String, directory: String) throws {
            // Started through Python, which closes every other descriptor in its child: the tmux
            // server that `new-session` forks would otherwise keep the one Foundation's Process
            // watches to learn that its child exited, and the wait would never end. It also
            // unblocks the signals the test process blocks (a person's terminal has none
            // blocked), so Ctrl-C reaches `up` as it would.
            let result = try Self.run(
                "python3",
                [
                    "-c",
                    "import signal, subprocess, sys\n"
                        + "def reset():\n"
                        + "  signal.pthread_sigmask(signal.SIG_SETMASK, [])\n"
                        + "  for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU): signal.signal(s, signal.SIG_DFL)\n"
                        + "sys.exit(subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, "
                        + "stderr=subprocess.DEVNULL, preexec_fn=reset).returncode)",
                    "tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "160", "-y", "30",
                    "-c", directory, command,
                ])
            guard result.status == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: result.output]) }
        }

        /// The visible pane as text (no escapes).
        var text: String { (try? Self.tmux(["-L", socket, "capture-pane", "-p", "-t", "t"]).output) ?? "" }

        func send(_ keys: String...) {
            _ = try? Self.tmux(["-L", socket, "send-keys", "-t", "t"] + keys)
        }

        deinit {
            _ = try? Self.tmux(["-L", socket, "kill-server"])
            try? FileManager.default.removeItem(atPath: "/tmp/tmux-\(getuid())/\(socket)")
        }

        static func tmux(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try run("tmux", arguments)
        }

        static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
            // To a file, not a pipe, so no reader waits for a writer that outlives the process.
            let outputPath = NSTemporaryDirectory() + "tmux-\(UUID().uuidString.prefix(8)).out"
            _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
            defer { try? FileManager.default.removeItem(atPath: outputPath) }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            try? handle.close()
            let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            return (process.terminationStatus, output)
        }
    }

    /// The board's rows (after its last title line), by resource name.
    static func board(_ text: String) -> [String: String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let title = lines.lastIndex(where: { $0.contains("── boardtest ·") }) else { return [:] }
        var rows: [String: String] = [:]
        for line in lines[(title + 1)...] where !line.contains("|") {
            guard let name = line.split(separator: " ").first else { continue }
            rows[String(name)] = line
        }
        return rows
    }

    /// The command tmux runs: `up` with colour allowed, then a marker and a shell whose prompt
    /// shows it is back.
    static func command(_ path: String, upArguments: String = "", environment: String = "") -> String {
        // The trap keeps the shell itself alive through the Ctrl-C meant for `up`.
        "trap true INT; env -u NO_COLOR -u ASPIRE_NO_BOARD -u FORCE_COLOR TERM=xterm-256color \(environment) '\(CLI.binary)' up -f '\(path)' "
            + "--no-dashboard --grace-period 2 \(upArguments); echo \"up exited $?\"; exec env PS1='ready> ' sh -i"
    }

    @Test("the board shows each resource's state, follows stop and crash, keeps the logs above, and is erased by Ctrl-C")
    func liveBoard() throws {
        let path = try CLI.writeManifest(Self.manifest)
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path]) }
        let pane = try Pane(Self.command(path), directory: directory)

        #expect(
            UpTests.eventually {
                let rows = Self.board(pane.text)
                return rows["api"]?.contains("running  healthy") == true && rows["worker"]?.contains("running") == true
            }, "\(pane.text)")
        #expect(Self.board(pane.text)["NAME"]?.contains("RESTARTS") == true, "\(pane.text)")
        #expect(pane.text.contains("worker | tick"), "the log lines scroll above the board:\n\(pane.text)")

        // A stop: the board says so, and the status line is above it.
        #expect(try CLI.run(["stop", "worker", "-f", path]).status == 0)
        #expect(UpTests.eventually { Self.board(pane.text)["worker"]?.contains("stopped") == true }, "\(pane.text)")
        #expect(pane.text.contains("aspire | worker: stopped"), "\(pane.text)")

        // A crash: restarted by its policy, and the board says why.
        #expect(try CLI.run(["start", "worker", "-f", path]).status == 0)
        try "".write(toFile: directory + "/crash", atomically: true, encoding: .utf8)
        #expect(
            UpTests.eventually {
                Self.board(pane.text)["worker"]?.contains("exited with code 3 (restart: on-failure)") == true
            }, "\(pane.text)")

        // Ctrl-C: everything stops, the board is gone, the shell is back, no escape garbage.
        pane.send("C-c")
        #expect(UpTests.eventually { pane.text.contains("ready>") }, "\(pane.text)")
        let final = pane.text
        #expect(final.contains("up exited 0"), "\(final)")
        #expect(!final.contains("Ctrl-C stops") && !final.contains("RESTARTS"), "the board is erased:\n\(final)")
        #expect(!final.contains("\u{1B}") && !final.contains("[0m") && !final.contains("[J") && !final.contains("^C"), "\(final)")
        #expect(final.contains("aspire | shutting down"), "\(final)")
    }

    @Test("--no-board and ASPIRE_NO_BOARD=1 keep the plain lines on a terminal")
    func noBoard() throws {
        let path = try CLI.writeManifest(Self.manifest)
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path]) }
        for (arguments, environment) in [("--no-board", ""), ("", "ASPIRE_NO_BOARD=1")] {
            let pane = try Pane(Self.command(path, upArguments: arguments, environment: environment), directory: directory)
            #expect(UpTests.eventually { pane.text.contains("aspire | api: healthy") }, "\(pane.text)")
            #expect(UpTests.eventually { pane.text.contains("worker | tick") }, "\(pane.text)")
            #expect(!pane.text.contains("── boardtest ·"), "\(pane.text)")
            pane.send("C-c")
            #expect(UpTests.eventually { pane.text.contains("up exited 0") }, "\(pane.text)")
        }
    }
}

/// Whether tmux is here (the reason is printed when it is not).
enum Tmux {
    static let available: Bool = {
        let found = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
        if !found { print("LiveBoardTests skipped: tmux is not installed") }
        return found
    }()
}
