import Foundation

/// The container engine the container tests use: podman, with a test image the tests make
/// themselves (no registry is reachable on CI): a rootfs of Debian's static busybox, imported.
///
/// When podman's defaults fail here (crun, or ulimits the sandbox forbids), the probe retries with
/// a `containers.conf` selecting runc and modest ulimits, and exports `CONTAINERS_CONF` so every
/// `aspire` the tests start (and the engine under it) uses it too.
enum ContainerEngine {
    static let image = "localhost/aspire-test-busybox:latest"

    /// nil when the engine runs containers; else why not (printed, and shown as the skip reason).
    static let unavailableReason: String? = {
        let reason = probe()
        if let reason { FileHandle.standardError.write(Data("ContainerTests skipped: \(reason)\n".utf8)) }
        return reason
    }()

    static var available: Bool { unavailableReason == nil }

    /// The engine CLI (podman, or ASPIRE_CONTAINER_RUNTIME).
    static var executable: String {
        let requested = ProcessInfo.processInfo.environment["ASPIRE_CONTAINER_RUNTIME"] ?? "podman"
        for folder in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(requested)") {
            return "\(folder)/\(requested)"
        }
        return requested
    }

    /// Runs the engine CLI, returning its exit status and output. `detached` (for `run -d`)
    /// discards the output: the container's monitor inherits it and would hold a pipe open.
    @discardableResult
    static func run(_ arguments: [String], detached: Bool = false) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if detached { return (spawnAndWait([executable] + arguments), "") }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (127, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// posix_spawn + waitpid, output to /dev/null. Foundation's `Process` waits until every
    /// descendant holding its notification socket exits, and `run -d` leaves conmon behind.
    private static func spawnAndWait(_ argv: [String]) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ) == 0 else { return 127 }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (status >> 8) & 0xff
    }

    /// Names of the containers labelled `aspire.app=<appID>`, or of every aspire container of an app name.
    static func containers(label: String) -> [String] {
        run(["ps", "-a", "--filter", "label=\(label)", "--format", "{{.Names}}"]).output
            .split(whereSeparator: \.isNewline).map(String.init)
    }

    private static func probe() -> String? {
        guard FileManager.default.isExecutableFile(atPath: executable) else { return "\(executable) is not installed" }
        if let problem = makeImage() { return problem }
        let first = run(["run", "--rm", "--network", "none", image, "sh", "-c", "exit 0"])
        if first.status == 0 { return nil }
        let conf = NSTemporaryDirectory() + "aspire-test-containers.conf"
        let text = """
            [engine]
            runtime = "runc"
            [containers]
            default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

            """
        do { try text.write(toFile: conf, atomically: true, encoding: .utf8) } catch { return "cannot write \(conf): \(error)" }
        setenv("CONTAINERS_CONF", conf, 1)
        let second = run(["run", "--rm", "--network", "none", image, "sh", "-c", "exit 0"])
        if second.status == 0 { return nil }
        return "\(executable) cannot run a container (with runc and ulimits too): \(second.output.split(separator: "\n").last ?? "")"
    }

    /// `localhost/aspire-test-busybox`: /bin/busybox and a few applet links, /www/index.html.
    private static func makeImage() -> String? {
        if run(["image", "exists", image]).status == 0 { return nil }
        guard let busybox = ["/bin/busybox", "/usr/bin/busybox"].first(where: FileManager.default.isExecutableFile) else {
            return "busybox is not installed (Debian: apt-get install busybox-static)"
        }
        let root = NSTemporaryDirectory() + "aspire-test-rootfs-\(getpid())"
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
            try manager.createDirectory(atPath: root + "/www", withIntermediateDirectories: true)
            try manager.createDirectory(atPath: root + "/tmp", withIntermediateDirectories: true)
            try manager.copyItem(atPath: busybox, toPath: root + "/bin/busybox")
            for applet in ["sh", "httpd", "wget", "cat", "echo", "sleep", "env", "ls", "nc"] {
                try manager.createSymbolicLink(atPath: root + "/bin/" + applet, withDestinationPath: "busybox")
            }
            try "container-says-hi\n".write(toFile: root + "/www/index.html", atomically: true, encoding: .utf8)
        } catch {
            return "cannot make the test rootfs: \(error)"
        }
        defer { try? manager.removeItem(atPath: root) }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-C", root, "-cf", root + ".tar", "."]
        do { try tar.run() } catch { return "tar: \(error)" }
        tar.waitUntilExit()
        defer { try? manager.removeItem(atPath: root + ".tar") }
        let imported = run(["import", "--change", "ENV PATH=/bin", root + ".tar", image])
        return imported.status == 0 ? nil : "cannot import the test image: \(imported.output)"
    }
}
