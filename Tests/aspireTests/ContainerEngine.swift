import Foundation
import Testing

/// A container engine the container tests run on: podman and docker, each when it answers, with
/// a test image the tests make themselves (no registry is reachable on CI): a rootfs of Debian's
/// static busybox, imported (`podman import` / `docker import`).
///
/// The container tests take the engines as arguments, so each runs once per engine that answers;
/// they are skipped, with the reasons printed, only when none does. Each `aspire` they start gets
/// `ASPIRE_CONTAINER_RUNTIME` naming the engine under test.
///
/// When podman's defaults fail here (crun, or ulimits the sandbox forbids), the probe retries with
/// a `containers.conf` selecting runc and modest ulimits, and exports `CONTAINERS_CONF` so every
/// `aspire` the tests start (and the engine under it) uses it too.
struct ContainerEngine: Sendable, Hashable, CustomTestStringConvertible {
    static let image = "localhost/aspire-test-busybox:latest"

    /// `podman` or `docker`.
    let name: String
    /// The engine CLI's path.
    let executable: String

    var testDescription: String { name }
    var isDocker: Bool { name == "docker" }
    /// What a container calls the host.
    var hostAlias: String { isDocker ? "host.docker.internal" : "host.containers.internal" }
    /// The environment that makes `aspire` use this engine.
    var environment: [String: String] { ["ASPIRE_CONTAINER_RUNTIME": executable] }
    /// The address a host process binds so that a container reaches it through `hostAlias`:
    /// podman (slirp4netns) reaches the host's loopback; docker's bridge reaches only the gateway.
    var hostBind: String { isDocker ? "0.0.0.0" : "127.0.0.1" }

    /// The engines that run containers here (podman first), each with its test image.
    static let all: [ContainerEngine] = {
        var engines: [ContainerEngine] = []
        var reasons: [String] = []
        for name in ["podman", "docker"] {
            let engine = ContainerEngine(name: name, executable: find(name))
            if let reason = engine.probe() { reasons.append("\(name): \(reason)") } else { engines.append(engine) }
        }
        for reason in reasons { FileHandle.standardError.write(Data("container tests without \(reason)\n".utf8)) }
        if engines.isEmpty { FileHandle.standardError.write(Data("ContainerTests skipped: no engine runs containers\n".utf8)) }
        return engines
    }()

    static var available: Bool { !all.isEmpty }

    /// The CLI's path, or the bare name when it is not installed.
    private static func find(_ name: String) -> String {
        for folder in ["/usr/local/bin", "/usr/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
        return name
    }

    /// Runs the engine CLI, returning its exit status and output. `detached` (for `run -d`)
    /// discards the output: the container's monitor inherits it and would hold a pipe open.
    @discardableResult
    func run(_ arguments: [String], detached: Bool = false) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if detached { return (Self.spawnAndWait([executable] + arguments), "") }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (127, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Removes containers at once (docker's `rm` has no `--time`).
    func removeContainers(_ names: [String]) {
        run(["rm", "-f"] + (isDocker ? [] : ["--time", "0"]) + names)
    }

    /// True when `image` is present locally.
    func hasImage(_ image: String) -> Bool {
        run(isDocker ? ["image", "inspect", image] : ["image", "exists", image]).status == 0
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

    /// Names of the containers labelled `label` (`aspire.app=<appID>`, `aspire.resource=<name>`).
    func containers(label: String) -> [String] {
        run(["ps", "-a", "--filter", "label=\(label)", "--format", "{{.Names}}"]).output
            .split(whereSeparator: \.isNewline).map(String.init)
    }

    /// Names of the volumes labelled `label`, sorted.
    func volumes(label: String) -> [String] {
        run(["volume", "ls", "--filter", "label=\(label)", "--format", "{{.Name}}"]).output.split(whereSeparator: \.isNewline).map(String.init).sorted()
    }

    /// nil when the engine runs containers; else why not.
    private func probe() -> String? {
        guard FileManager.default.isExecutableFile(atPath: executable) else { return "\(name) is not installed" }
        if isDocker, run(["version", "--format", "{{.Server.Version}}"]).status != 0 {
            return "the docker daemon does not answer (start it: dockerd --iptables=false &)"
        }
        if let problem = makeImage() { return problem }
        let first = run(["run", "--rm", "--network", "none", Self.image, "sh", "-c", "exit 0"])
        if first.status == 0 { return nil }
        if isDocker { return "docker cannot run a container: \(first.output.split(separator: "\n").last ?? "")" }
        let conf = NSTemporaryDirectory() + "aspire-test-containers.conf"
        let text = """
            [engine]
            runtime = "runc"
            [containers]
            default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

            """
        do { try text.write(toFile: conf, atomically: true, encoding: .utf8) } catch { return "cannot write \(conf): \(error)" }
        setenv("CONTAINERS_CONF", conf, 1)
        let second = run(["run", "--rm", "--network", "none", Self.image, "sh", "-c", "exit 0"])
        if second.status == 0 { return nil }
        return "\(executable) cannot run a container (with runc and ulimits too): \(second.output.split(separator: "\n").last ?? "")"
    }

    /// `localhost/aspire-test-busybox`: /bin/busybox and a few applet links, /www/index.html.
    private func makeImage() -> String? {
        if hasImage(Self.image) { return nil }
        guard let busybox = ["/bin/busybox", "/usr/bin/busybox"].first(where: FileManager.default.isExecutableFile) else {
            return "busybox is not installed (Debian: apt-get install busybox-static)"
        }
        let root = NSTemporaryDirectory() + "aspire-test-rootfs-\(name)-\(getpid())"
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
        let imported = run(["import", "--change", "ENV PATH=/bin", root + ".tar", Self.image])
        return imported.status == 0 ? nil : "cannot import the test image: \(imported.output)"
    }
}
