import Foundation
import Testing

/// The control plane end to end: `restart`/`stop`/`start`, `up --detach`, and the control
/// socket's permissions, with the real binary and real children.
@Suite(.serialized) struct ControlTests {
    /// `ps --format json`'s resources by name.
    static func resources(_ path: String) -> [String: [String: Any]] {
        guard let result = try? CLI.run(["ps", "-f", path, "--format", "json"]), result.status == 0,
            let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            let list = object["resources"] as? [[String: Any]]
        else { return [:] }
        var byName: [String: [String: Any]] = [:]
        for resource in list {
            if let name = resource["name"] as? String { byName[name] = resource }
        }
        return byName
    }

    static func state(_ path: String, _ name: String) -> String? {
        resources(path)[name]?["state"] as? String
    }

    static func pids(_ path: String, _ name: String) -> [Int32] {
        (resources(path)[name]?["pids"] as? [Int])?.map { Int32($0) } ?? []
    }

    /// Every pid recorded in `NAME.pid` files (one per line, appended by each run).
    static func recordedPIDs(_ directory: String, _ name: String) -> [Int32] {
        ((try? String(contentsOfFile: directory + "/" + name + ".pid", encoding: .utf8)) ?? "")
            .split(separator: "\n").compactMap { Int32($0) }
    }

    /// Sleepers that append their pid to `NAME.pid` on every start.
    static let sleepers = """
        name: control
        resources:
          talker:
            type: executable
            command: sh
            args: ["-c", "echo $$$$ >> talker.pid; echo talking; exec sleep 300"]
          quiet:
            type: executable
            command: sh
            args: ["-c", "echo $$$$ >> quiet.pid; exec sleep 300"]
            waitFor: [talker]
        """

    @Test("restart changes the pid and ps counts the restart; the dependent keeps running")
    func restart() throws {
        let path = try CLI.writeManifest(Self.sleepers)
        let directory = (path as NSString).deletingLastPathComponent
        let up = try UpTests.Running(["-f", path])
        defer { kill(up.process.processIdentifier, SIGTERM) }
        #expect(UpTests.eventually { Self.recordedPIDs(directory, "quiet").count == 1 }, "\(up.output)")
        // talker is ready once started, which can be before its shell wrote the pid file.
        #expect(UpTests.eventually { Self.recordedPIDs(directory, "talker").count == 1 }, "\(up.output)")
        let before = try #require(Self.recordedPIDs(directory, "talker").first)

        let result = try CLI.run(["restart", "talker", "-f", path])
        #expect(result.status == 0, "\(result.stderr)")
        let after = try #require(Self.recordedPIDs(directory, "talker").last)
        #expect(after != before)
        #expect(result.stdout.contains("talker: running (pid \(after), 1 restart)"), "\(result.stdout)")
        #expect(!UpTests.alive(before))
        #expect(UpTests.alive(after))
        let talker = try #require(Self.resources(path)["talker"])
        #expect(talker["restarts"] as? Int == 1)
        #expect(talker["pids"] as? [Int] == [Int(after)])
        var table = ""
        #expect(
            UpTests.eventually {
                table = (try? CLI.run(["ps", "-f", path]).stdout) ?? ""
                return table.split(separator: "\n").contains { $0.hasPrefix("talker") && $0.contains(" 1 ") }
            }, "\(table)")
        #expect(Self.recordedPIDs(directory, "quiet").count == 1, "a dependent is not restarted")
        #expect(up.output.contains("talker: stopping"))

        let json = try CLI.run(["restart", "talker", "quiet", "-f", path, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["action"] as? String == "restart")
        #expect((object["resources"] as? [[String: Any]])?.map { $0["restarts"] as? Int } == [2, 1])

        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait() == 0, "\(up.output)")
        for pid in Self.recordedPIDs(directory, "talker") + Self.recordedPIDs(directory, "quiet") {
            #expect(!UpTests.alive(pid), "pid \(pid) survived")
        }
    }

    @Test("stop leaves a resource stopped until start runs it again")
    func stopThenStart() throws {
        let path = try CLI.writeManifest(Self.sleepers)
        let directory = (path as NSString).deletingLastPathComponent
        let up = try UpTests.Running(["-f", path])
        defer { kill(up.process.processIdentifier, SIGTERM) }
        #expect(UpTests.eventually { Self.recordedPIDs(directory, "quiet").count == 1 }, "\(up.output)")
        let first = try #require(Self.recordedPIDs(directory, "quiet").first)

        let stop = try CLI.run(["stop", "quiet", "-f", path])
        #expect(stop.status == 0, "\(stop.stderr)")
        #expect(stop.stdout == "quiet: stopped\n")
        #expect(!UpTests.alive(first))
        #expect(Self.state(path, "quiet") == "stopped")
        #expect(Self.state(path, "talker") == "running")
        usleep(300_000)
        #expect(Self.recordedPIDs(directory, "quiet").count == 1, "a stopped resource is not restarted")
        #expect(try CLI.run(["stop", "quiet", "-f", path]).status == 0, "stopping a stopped resource is fine")

        let start = try CLI.run(["start", "quiet", "-f", path])
        #expect(start.status == 0, "\(start.stderr)")
        let second = try #require(Self.recordedPIDs(directory, "quiet").last)
        #expect(second != first)
        #expect(start.stdout == "quiet: running (pid \(second))\n")
        #expect(Self.state(path, "quiet") == "running")

        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait() == 0, "\(up.output)")
        #expect(!UpTests.alive(second))
    }

    @Test("unknown names: exit 1 with did-you-mean, and nothing is touched")
    func unknownNames() throws {
        let path = try CLI.writeManifest(Self.sleepers)
        let directory = (path as NSString).deletingLastPathComponent
        let up = try UpTests.Running(["-f", path])
        defer { kill(up.process.processIdentifier, SIGTERM) }
        #expect(UpTests.eventually { Self.recordedPIDs(directory, "quiet").count == 1 }, "\(up.output)")

        let typo = try CLI.run(["restart", "talkr", "-f", path])
        #expect(typo.status == 1)
        #expect(typo.stderr == "error: no resource named 'talkr' in this app; did you mean 'talker'?\n")
        let mixed = try CLI.run(["stop", "talker", "nope", "-f", path])
        #expect(mixed.status == 1)
        #expect(mixed.stderr.contains("'nope'"))
        #expect(Self.state(path, "talker") == "running", "one unknown name stops nothing")
        #expect(Self.recordedPIDs(directory, "talker").count == 1)
        #expect(try CLI.run(["start", "x", "-f", path]).status == 1)
        #expect(try CLI.run(["stop", "-f", path]).status == 2, "a name is required")

        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait() == 0, "\(up.output)")
    }

    @Test("restart, stop and start say so when no app is running", arguments: ["restart", "stop", "start"])
    func noAppRunning(verb: String) throws {
        let path = try CLI.writeManifest(Self.sleepers)
        let result = try CLI.run([verb, "talker", "-f", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no app is running for \(path)"), "\(result.stderr)")
    }

    @Test("up -d returns once every resource is ready; ps, logs, restart work; down leaves no child alive")
    func detached() throws {
        let path = try CLI.writeManifest(
            """
            name: detached
            resources:
              slow:
                type: executable
                command: sh
                args: ["-c", "echo $$$$ >> slow.pid; echo slow-started; sleep 1; touch ready.flag; exec sleep 300"]
                healthCheck: { exec: [test, -e, ready.flag], interval: 100ms, retries: 2 }
              job:
                type: executable
                command: sh
                args: ["-c", "echo done > job.out"]
              after:
                type: executable
                command: sh
                args: ["-c", "echo $$$$ >> after.pid; exec sleep 300"]
                waitFor: [slow]
            """)
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path]) }
        let up = try CLI.run(["up", "-d", "-f", path, "--grace-period", "2"])
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        #expect(
            FileManager.default.fileExists(atPath: directory + "/ready.flag"), "up -d returned before slow was healthy")
        #expect(FileManager.default.fileExists(atPath: directory + "/job.out"))
        #expect(up.stdout.contains("running in the background"), "\(up.stdout)")
        #expect(up.stdout.contains("slow") && up.stdout.contains("healthy"))
        #expect(up.stdout.contains("job") && up.stdout.contains("exited with code 0"))
        let supervisorPID = try #require(
            (try? String(contentsOfFile: directory + "/.aspire/run.lock", encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        let session = try String(contentsOfFile: "/proc/\(supervisorPID)/stat", encoding: .utf8)
        let fields = session[session.index(after: try #require(session.lastIndex(of: ")")))...].split(separator: " ")
        #expect(
            fields.count > 3 && fields[3] == Substring(String(supervisorPID)), "the background up leads its own session"
        )

        #expect(Self.state(path, "slow") == "healthy", "ps --format json gives the control API's state")
        #expect(Self.resources(path)["slow"]?["health"] as? String == "healthy")
        #expect(Self.state(path, "after") == "running")
        var logs = ""
        #expect(
            UpTests.eventually {
                logs = (try? CLI.run(["logs", "slow", "--file", path]).stdout) ?? ""
                return logs.contains("slow | slow-started")
            }, "\(logs)")
        let log = try String(contentsOfFile: directory + "/.aspire/up.log", encoding: .utf8)
        #expect(log.contains("aspire | slow: healthy"), "\(log)")
        #expect(try CLI.run(["restart", "after", "-f", path]).status == 0)
        #expect(Self.recordedPIDs(directory, "after").count == 2)

        let again = try CLI.run(["up", "-d", "-f", path])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already running"), "\(again.stderr)")

        let children = Self.recordedPIDs(directory, "slow") + Self.recordedPIDs(directory, "after")
        #expect(children.count == 3)
        let down = try CLI.run(["down", "-f", path])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(UpTests.eventually(timeout: 5) { !UpTests.alive(supervisorPID) })
        for pid in children { #expect(!UpTests.alive(pid), "pid \(pid) survived down") }
        #expect(!FileManager.default.fileExists(atPath: directory + "/.aspire/control.sock"))
        #expect(try CLI.run(["ps", "-f", path]).status == 1)
    }

    @Test("up -d exits 1 naming what failed; the rest keeps running until down")
    func detachedFailure() throws {
        let path = try CLI.writeManifest(
            """
            resources:
              broken:
                type: executable
                command: sh
                args: ["-c", "exit 3"]
              fine:
                type: executable
                command: sh
                args: ["-c", "echo $$$$ >> fine.pid; exec sleep 300"]
            """)
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path]) }
        let up = try CLI.run(["up", "-d", "-f", path])
        #expect(up.status == 1, "\(up.stdout)\(up.stderr)")
        #expect(up.stderr.contains("error: broken: exited with code 3"), "\(up.stderr)")
        #expect(up.stderr.contains("aspire down"))
        #expect(Self.state(path, "fine") == "running")
        let pids = Self.recordedPIDs(directory, "fine")
        #expect(try CLI.run(["down", "-f", path]).status == 0)
        for pid in pids { #expect(!UpTests.alive(pid)) }
    }

    @Test("up -d of an app whose background run fails at once prints its output and exits 1")
    func detachedEarlyExit() throws {
        let path = try CLI.writeManifest(
            """
            resources:
              missing:
                type: executable
                command: definitely-not-a-command-xyz
            """)
        let up = try CLI.run(["up", "-d", "-f", path])
        #expect(up.status == 1, "\(up.stdout)\(up.stderr)")
        #expect(up.stderr.contains("definitely-not-a-command-xyz"), "\(up.stderr)")
    }

    /// Runs curl against the control socket, as `nobody` when asked (via setpriv).
    static func curl(_ arguments: [String], asNobody: Bool) throws -> CLIResult {
        let process = Process()
        let curlArguments = ["-s", "-o", "-", "-w", "\n%{http_code}"] + arguments
        if asNobody {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/curl"] + curlArguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments = curlArguments
        }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIResult(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }

    static var canSwitchUser: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")
    }

    @Test("the control socket is 0600 in a 0700 folder; another uid is refused with 403", .enabled(if: canSwitchUser))
    func socketPermissions() throws {
        let path = try CLI.writeManifest(Self.sleepers)
        let directory = (path as NSString).deletingLastPathComponent
        let socket = directory + "/.aspire/control.sock"
        let up = try UpTests.Running(["-f", path])
        defer { kill(up.process.processIdentifier, SIGTERM) }
        #expect(UpTests.eventually { Self.recordedPIDs(directory, "quiet").count == 1 }, "\(up.output)")
        // The socket is made 0600 once the server runs, before it serves anyone (bind creates it
        // 0777 minus the umask, inside the 0700 folder, and the peer check refuses other uids);
        // the mode may lag the pid file by a moment, never by more than the server's start.
        let mode = { (try? FileManager.default.attributesOfItem(atPath: socket))?[.posixPermissions] as? Int }
        #expect(UpTests.eventually { mode() == 0o600 }, "socket mode \(String(describing: mode()))")
        let folderMode =
            try FileManager.default.attributesOfItem(atPath: directory + "/.aspire")[.posixPermissions] as? Int
        #expect(folderMode == 0o700)

        let own = try Self.curl(["--unix-socket", socket, "http://aspire/v1/status"], asNobody: false)
        #expect(own.stdout.hasSuffix("\n200"), "\(own.stdout)")
        #expect(own.stdout.contains("\"talker\""))
        // With the file modes in place another user cannot even connect.
        let blocked = try Self.curl(["--unix-socket", socket, "http://aspire/v1/status"], asNobody: true)
        #expect(blocked.status != 0 && !blocked.stdout.contains("talker"), "\(blocked.stdout)")
        // With them opened up, SO_PEERCRED still refuses the other uid.
        chmod(directory + "/.aspire", 0o711)
        chmod(socket, 0o666)
        let refused = try Self.curl(
            ["-X", "POST", "--unix-socket", socket, "http://aspire/v1/resources/talker/stop"], asNobody: true)
        #expect(refused.stdout.hasSuffix("\n403"), "\(refused.stdout)")
        #expect(refused.stdout.contains("forbidden"))
        #expect(!refused.stdout.contains("quiet"))
        chmod(directory + "/.aspire", 0o700)
        #expect(Self.state(path, "talker") == "running")

        // The API itself: unknown routes, wrong methods, shutdown.
        #expect(
            try Self.curl(["--unix-socket", socket, "http://aspire/v2/status"], asNobody: false).stdout.hasSuffix(
                "\n404"))
        #expect(
            try Self.curl(["-X", "POST", "--unix-socket", socket, "http://aspire/v1/status"], asNobody: false).stdout
                .hasSuffix("\n405"))
        let unknown = try Self.curl(
            ["-X", "POST", "--unix-socket", socket, "http://aspire/v1/resources/nope/restart"], asNobody: false)
        #expect(unknown.stdout.hasSuffix("\n404") && unknown.stdout.contains("unknownResource"), "\(unknown.stdout)")
        let shutdown = try Self.curl(
            ["-X", "POST", "--unix-socket", socket, "http://aspire/v1/shutdown"], asNobody: false)
        #expect(shutdown.stdout.hasSuffix("\n202"), "\(shutdown.stdout)")
        #expect(up.wait() == 0, "\(up.output)")
        #expect(!FileManager.default.fileExists(atPath: socket))
    }
}
