package import AppState
import Foundation

/// The container engine's last answers (which engine, whether it answers, which images are
/// present), kept in `.aspire/engine.json` so `aspire env` does not run the engine CLI each time.
///
/// The answers are keyed on a fingerprint that costs only `stat` calls: the engine binaries found
/// on PATH (path, device, inode, size, modification time), the engines' config files, the docker
/// daemon's socket (recreated when the daemon restarts) and the image stores' index files, plus
/// the variables that change what the CLI talks to (`CONTAINERS_CONF`, `DOCKER_HOST`, …). Any
/// change there, and the engine is asked again.
///
/// - Important: Only read-only verbs (`env`) trust the cache. `up` always asks the engine and
///   rewrites the cache (`Use.refresh`), since it is about to run containers for real.
package struct ContainerEngineCache: Sendable {
    /// How a `ContainerChoice` uses the cache.
    package enum Use: Sendable, Hashable {
        /// Neither read nor written.
        case none
        /// Answers from `path` when its fingerprint matches; what is asked is written back.
        case trust(path: String)
        /// Always ask the engine; write the answers to `path`.
        case refresh(path: String)
    }

    /// The stored answers, as `engine.json` holds them.
    struct Record: Codable, Sendable, Hashable {
        var fingerprint: [String: String]
        /// The engine in use, when one answers.
        var flavor: String?
        var executable: String?
        var hasSlirp4netns: Bool?
        /// Why no engine can be used, when none can.
        var unavailable: String?
        /// Image reference → present locally.
        var images: [String: Bool] = [:]
        /// The engine the last `up` used (`flavor:executable`), kept across fingerprint changes:
        /// cleanup looks there too, when the engine found now is another one.
        var lastUp: String?
    }

    private let use: Use
    private let fingerprint: [String: String]
    private var record: Record?
    private var changed = false
    /// `Record.lastUp` as stored, carried into a rewritten record.
    private var lastUp: String?

    /// Loads the cache for `use` (its answers are used only with `.trust`, when fresh).
    /// - Parameter environment: The host environment (PATH and the engines' variables).
    package init(use: Use, environment: [String: String]) {
        self.use = use
        switch use {
        case .none:
            fingerprint = [:]
        case .refresh(let path):
            fingerprint = Self.fingerprint(environment: environment)
            lastUp = Self.read(path)?.lastUp
        case .trust(let path):
            fingerprint = Self.fingerprint(environment: environment)
            let stored = Self.read(path)
            lastUp = stored?.lastUp
            if let stored, stored.fingerprint == fingerprint { record = stored }
        }
    }

    private static func read(_ path: String) -> Record? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Record.self, from: data)
    }

    /// The engine the last `up` of this app used, from the cache file at `path`; nil when none
    /// is recorded.
    package static func lastUpEngine(path: String) -> ContainerRuntime? {
        guard let value = read(path)?.lastUp, let colon = value.firstIndex(of: ":"),
            let flavor = ContainerRuntime.Flavor(rawValue: String(value[..<colon]))
        else { return nil }
        return ContainerRuntime(flavor: flavor, executable: String(value[value.index(after: colon)...]))
    }

    // MARK: - Answers

    /// The engine to use, from the cache when it is fresh, else by asking (`ContainerRuntime.detect`).
    package mutating func detect(environment: [String: String]) -> Result<ContainerRuntime, ContainerRuntime.Unavailable> {
        if let record {
            if let flavor = record.flavor.flatMap(ContainerRuntime.Flavor.init(rawValue:)), let executable = record.executable {
                return .success(ContainerRuntime(flavor: flavor, executable: executable, hasSlirp4netns: record.hasSlirp4netns ?? false))
            }
            if let why = record.unavailable { return .failure(ContainerRuntime.Unavailable(description: why)) }
        }
        let detected = ContainerRuntime.detect(environment: environment)
        var fresh = Record(fingerprint: fingerprint, lastUp: lastUp)
        switch detected {
        case .success(let runtime):
            fresh.flavor = runtime.flavor.rawValue
            fresh.executable = runtime.executable
            fresh.hasSlirp4netns = runtime.hasSlirp4netns
            if case .refresh = use { fresh.lastUp = "\(runtime.flavor.rawValue):\(runtime.executable)" }
        case .failure(let why):
            fresh.unavailable = why.description
        }
        record = fresh
        changed = true
        return detected
    }

    /// Whether `image` is present for `engine`, from the cache when it is fresh, else by asking.
    package mutating func hasImage(_ image: String, engine: ContainerRuntime) -> Bool {
        if let known = record?.images[image] { return known }
        let present = engine.hasImage(image)
        note(image, present: present)
        return present
    }

    /// Records what became true without asking (an image just pulled).
    package mutating func note(_ image: String, present: Bool) {
        guard record != nil else { return }
        record?.images[image] = present
        changed = true
    }

    /// Writes what was asked back to the cache file (quietly: a cache that cannot be written only
    /// costs the next `env` a probe). The folder holding it must exist.
    package func save() {
        let path: String
        switch use {
        case .none: return
        case .trust(let file), .refresh(let file): path = file
        }
        guard changed, let record else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(record) else { return }
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o644]) else { return }
        if rename(temporary, path) != 0 { unlink(temporary) }
    }

    // MARK: - Fingerprint

    /// Variables that change which engine answers, or what it answers.
    static let variables = [
        "PATH", "ASPIRE_CONTAINER_RUNTIME", "CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF", "CONTAINER_HOST", "CONTAINER_CONNECTION",
        "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "HOME",
    ]

    /// `stat` of every file the engines' answers depend on, and the variables that matter.
    static func fingerprint(environment: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for name in variables { result["env:" + name] = environment[name] ?? "-" }
        let path = environment["PATH"]
        var files: [String] = []
        for program in [environment["ASPIRE_CONTAINER_RUNTIME"] ?? "", "podman", "docker", "slirp4netns"] where !program.isEmpty {
            if let found = ExecutableLookup.find(program, path: path) { files.append(found) }
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let config = environment["XDG_CONFIG_HOME"] ?? home + "/.config"
        files += [
            "/etc/containers/containers.conf", "/usr/share/containers/containers.conf", config + "/containers/containers.conf",
            "/etc/containers/storage.conf", "/etc/containers/registries.conf", "/etc/docker/daemon.json",
            (environment["DOCKER_CONFIG"] ?? home + "/.docker") + "/config.json",
            "/var/lib/containers/storage/overlay-images/images.json", home + "/.local/share/containers/storage/overlay-images/images.json",
            "/var/lib/docker/image/overlay2/repositories.json", "/var/lib/docker/image/vfs/repositories.json",
        ]
        if let conf = environment["CONTAINERS_CONF"] { files.append(conf) }
        let dockerHost = environment["DOCKER_HOST"] ?? "unix:///var/run/docker.sock"
        if dockerHost.hasPrefix("unix://") { files.append(String(dockerHost.dropFirst("unix://".count))) }
        for file in files { result["file:" + file] = statSummary(file) }
        return result
    }

    /// `device:inode:size:mtime` of `path` (following links), or `-` when it does not exist.
    static func statSummary(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "-" }
        return "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}

extension StateFolder {
    /// `.aspire/engine.json`: the container engine's last answers (`ContainerEngineCache`).
    package var engineCacheFile: String { file("engine.json") }
}
