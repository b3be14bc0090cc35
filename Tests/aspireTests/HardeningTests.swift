import Foundation
import Testing

/// Issue 21 items 4 and 5: clear answers for a read-only folder, another user, odd input, and
/// log lines lost to a full disk.
@Suite(.serialized) struct HardeningTests {
    static var isRoot: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/mount") }

    /// Runs a shell command (mount, umount, fill), returning its exit status.
    @discardableResult
    static func shell(_ command: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    static let sleeper = """
        resources:
          api:
            type: executable
            command: sleep
            args: ["300"]
        """

    // MARK: - A read-only folder

    @Test("a manifest in a read-only folder: one line naming .aspire and why, exit 2 on up, up -d and env", .enabled(if: isRoot))
    func readOnlyFolder() throws {
        let path = try CLI.writeManifest(Self.sleeper)
        let directory = (path as NSString).deletingLastPathComponent
        // A tmpfs holding a copy of the manifest, then made read-only.
        let mountPoint = directory + "/ro"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        #expect(try Self.shell("mount -t tmpfs -o size=1m tmpfs '\(mountPoint)'") == 0)
        defer { _ = try? Self.shell("umount '\(mountPoint)'") }
        try FileManager.default.copyItem(atPath: path, toPath: mountPoint + "/apphost.yaml")
        #expect(try Self.shell("mount -o remount,ro '\(mountPoint)'") == 0)
        let manifest = mountPoint + "/apphost.yaml"
        for arguments in [["up", "-f", manifest], ["up", "-d", "-f", manifest], ["env", "api", "-f", manifest]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("error: cannot create \(mountPoint)/.aspire: read-only file system"), "\(result.stderr)")
            #expect(!result.stderr.contains("NSError") && !result.stderr.contains("Domain="), "\(result.stderr)")
        }
    }

    // MARK: - Odd input

    @Test("a directory given as command says it is a directory")
    func directoryAsCommand() throws {
        let path = try CLI.writeManifest(
            """
            resources:
              api:
                type: executable
                command: ./tools
            """, files: ["tools/.keep": ""])
        let up = try UpTests.Running(["-f", path])
        defer { kill(up.process.processIdentifier, SIGTERM) }
        #expect(UpTests.eventually { up.output.contains("is a directory") }, "\(up.output)")
        #expect(!up.output.contains("permission denied"), "\(up.output)")
    }

    @Test(
        "an envFile that is a FIFO, /dev/zero or over 1 MiB is refused at once, naming the resource",
        .timeLimit(.minutes(1)), arguments: ["fifo", "/dev/zero", "big.env"])
    func envFileRefused(_ envFile: String) throws {
        let path = try CLI.writeManifest(
            """
            resources:
              api:
                type: executable
                command: sleep
                args: ["300"]
                envFile: \(envFile)
            """)
        let directory = (path as NSString).deletingLastPathComponent
        #expect(mkfifo(directory + "/fifo", 0o600) == 0)
        try Data(repeating: UInt8(ascii: "A"), count: (1 << 20) + 1).write(to: URL(fileURLWithPath: directory + "/big.env"))
        let result = try CLI.run(["env", "api", "-f", path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: api: env file"), "\(result.stderr)")
        let expected = envFile == "big.env" ? "1 MiB" : "not a regular file"
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stderr.contains("(envFile at \(path):6:14)"), "\(result.stderr)")
    }

    // MARK: - Another user

    static var canSwitchUser: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") }

    @Test("another uid's ps says whose app runs and that its folder is private, not 'no app is running'", .enabled(if: canSwitchUser))
    func psAsAnotherUser() throws {
        let path = try CLI.writeManifest(Self.sleeper)
        let directory = (path as NSString).deletingLastPathComponent
        let up = try UpTests.Running(["-f", path])
        defer { kill(up.process.processIdentifier, SIGTERM) }
        #expect(UpTests.eventually { FileManager.default.fileExists(atPath: directory + "/.aspire/status.json") }, "\(up.output)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", CLI.binary, "ps", "-f", path]
        process.environment = ["NO_COLOR": "1", "PATH": "/usr/bin:/bin"]
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2, "\(stderr)")
        #expect(!stderr.contains("no app is running"), "\(stderr)")
        #expect(stderr.contains("uid 0 (root)") && stderr.contains("private"), "\(stderr)")
    }

    // MARK: - Lost log lines

    @Test("with the log folder full, up says once that lines are dropped, keeps the console, and says when writing resumes", .enabled(if: isRoot))
    func fullDisk() throws {
        let path = try CLI.writeManifest(
            """
            resources:
              talk:
                type: executable
                command: sh
                args: ["-c", "i=0; while :; do i=$$((i+1)); echo line-$$i; sleep 0.02; done"]
            """)
        let directory = (path as NSString).deletingLastPathComponent
        let logs = directory + "/.aspire/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        chmod(directory + "/.aspire", 0o700)
        #expect(try Self.shell("mount -t tmpfs -o size=64k,mode=0700 tmpfs '\(logs)'") == 0)
        defer { _ = try? Self.shell("umount -l '\(logs)'") }
        try Self.shell("head -c 1000000 /dev/zero > '\(logs)/fill'")  // fails once the tmpfs is full: that is the point
        let up = try UpTests.Running(["--no-dashboard", "-f", path])
        defer { kill(up.process.processIdentifier, SIGTERM) }
        #expect(UpTests.eventually { up.output.contains("logs of talk: disk full, lines are being dropped") }, "\(up.output)")
        // The console copy keeps flowing while the file drops lines.
        let before = up.output.components(separatedBy: "| line-").count
        #expect(UpTests.eventually { up.output.components(separatedBy: "| line-").count > before + 3 }, "\(up.output)")
        try FileManager.default.removeItem(atPath: logs + "/fill")
        #expect(UpTests.eventually { up.output.contains("logs of talk: writing resumed; ") }, "\(up.output)")
        #expect(up.output.components(separatedBy: "lines are being dropped").count == 2, "said once: \(up.output)")
        let file = try String(contentsOfFile: logs + "/talk.log", encoding: .utf8)
        #expect(file.contains("[aspire] ") && file.contains(" of talk dropped here"), "\(file)")
        // No line was cut: every line of the file ends with its newline and holds a whole `line-N`.
        #expect(file.hasSuffix("\n"))
        for line in file.split(separator: "\n") where !line.contains("[aspire]") {
            #expect(line.range(of: #"^\S+Z line-[0-9]+$"#, options: .regularExpression) != nil, "\(line)")
        }
    }

    static var canChattr: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr") }

    @Test("a log file made unwritable (EPERM) is said once, and so is writing again", .enabled(if: canChattr))
    func unwritableLogFile() throws {
        let path = try CLI.writeManifest(
            """
            resources:
              talk:
                type: executable
                command: sh
                args: ["-c", "i=0; while :; do i=$$((i+1)); echo line-$$i; sleep 0.02; done"]
            """)
        let log = (path as NSString).deletingLastPathComponent + "/.aspire/logs/talk.log"
        let up = try UpTests.Running(["--no-dashboard", "-f", path])
        defer { kill(up.process.processIdentifier, SIGTERM) }
        #expect(UpTests.eventually { up.output.contains("| line-2") }, "\(up.output)")
        guard try Self.shell("chattr +i '\(log)'") == 0 else { return }  // a file system without the flag
        defer { _ = try? Self.shell("chattr -i '\(log)'") }
        #expect(UpTests.eventually { up.output.contains("logs of talk: operation not permitted, lines are being dropped") }, "\(up.output)")
        let before = up.output.components(separatedBy: "| line-").count
        #expect(UpTests.eventually { up.output.components(separatedBy: "| line-").count > before + 3 }, "\(up.output)")
        #expect(try Self.shell("chattr -i '\(log)'") == 0)
        #expect(UpTests.eventually { up.output.contains("logs of talk: writing resumed; ") }, "\(up.output)")
        #expect(up.output.components(separatedBy: "lines are being dropped").count == 2, "said once: \(up.output)")
    }
}
