package import AppModel
import Foundation

/// Which container engine this `up` uses, and which well-known servers run in it.
///
/// Decided once, when the planner is made, so the plan and the env files agree. The engine is
/// looked for only when the manifest has something that may need it.
package struct ContainerChoice: Sendable {
    /// nil when nothing in the manifest needs an engine.
    package var runtime: Result<ContainerRuntime, ContainerRuntime.Unavailable>?
    /// Well-known servers that run as containers (the rest run natively).
    package var wellKnownInContainers: Set<String> = []
    /// One line per `runtime: auto` server that fell back to native, and why.
    package var notes: [String] = []
    /// Well-known servers that can run neither way, with the line that says so.
    package var problems: [String: String] = [:]
    /// Labels the containers of this run (`aspire.run`).
    package var runID: String
    /// `aspire.app`: this app and no other.
    package var appID: String

    /// Decides for `manifest`, probing the engine (and, with `pull`, pulling well-known images
    /// in `auto` mode; without, `auto` uses a container only when the image is present).
    /// - Parameter cache: Where the engine's answers are kept between runs (`ContainerEngineCache`):
    ///   `env` trusts a fresh cache, `up` refreshes it.
    package init(manifest: Manifest, environment: [String: String], pull: Bool = true, cache: ContainerEngineCache.Use = .none) {
        runID = String(UUID().uuidString.prefix(8)).lowercased()
        appID = ContainerLabels.appID(name: manifest.name, directory: manifest.directory)
        guard manifest.resources.contains(where: Self.mayRunInContainer) else { return }
        var answers = ContainerEngineCache(use: cache, environment: environment)
        let detected = answers.detect(environment: environment)
        runtime = detected
        for resource in manifest.resources {
            guard let server = WellKnownServer(resource) else { continue }
            decide(server, resource: resource, runtime: detected, environment: environment, pull: pull, answers: &answers)
        }
        answers.save()
    }

    /// True for a resource that may run in a container (`type: container`, or a well-known server
    /// not pinned to `runtime: native`): only its environment depends on the engine. A process's
    /// environment is the same whichever way its dependencies run (they are all on localhost).
    package static func mayRunInContainer(_ resource: Resource) -> Bool {
        switch resource.kind {
        case .container: true
        case .redis(let wellKnown), .postgres(let wellKnown), .wellKnown(_, let wellKnown): wellKnown.runtime != .native
        default: false
        }
    }

    private mutating func decide(
        _ server: WellKnownServer, resource: Resource, runtime: Result<ContainerRuntime, ContainerRuntime.Unavailable>, environment: [String: String],
        pull: Bool, answers: inout ContainerEngineCache
    ) {
        let name = resource.name
        let image = server.imageReference
        if case .template(let type) = server.family, type.containerOnly {
            decideContainerOnly(type, setting: server.settings.runtime, name: name, image: image, runtime: runtime, pull: pull, answers: &answers)
            return
        }
        switch (server.settings.runtime, runtime) {
        case (.native, _):
            return
        case (.container, .success):
            wellKnownInContainers.insert(name)
        case (.container, .failure(let why)):
            problems[name] = "runtime: container, but no container engine can be used (\(why)); install podman (or docker), or set runtime: native (\(server.nativeHint))"
        case (.auto, .success(let engine)):
            if answers.hasImage(image, engine: engine) {
                wellKnownInContainers.insert(name)
            } else if pull && Self.pull(image, for: name, with: engine) {
                answers.note(image, present: true)
                wellKnownInContainers.insert(name)
            } else if server.hasNativeBinary(path: environment["PATH"]) {
                notes.append("\(name): image \(image) is not present and cannot be pulled; running \(server.nativeProgram) natively instead")
            } else {
                problems[name] = "image \(image) cannot be pulled (\(engine.flavor.rawValue) pull failed) and \(server.nativeProgram) is not installed; make the image available (\(engine.flavor.rawValue) pull \(image)) or install it (\(server.nativeHint))"
            }
        case (.auto, .failure(let why)):
            if server.hasNativeBinary(path: environment["PATH"]) {
                notes.append("\(name): no container engine (\(why)); running \(server.nativeProgram) natively")
            } else {
                problems[name] = "no container engine (\(why)) and \(server.nativeProgram) is not installed; install podman or docker, or install the server (\(server.nativeHint))"
            }
        }
    }

    /// A server with no native build (mongodb, kafka): a container, else one line naming the engine.
    private mutating func decideContainerOnly(
        _ type: WellKnownType, setting: WellKnown.Runtime, name: String, image: String, runtime: Result<ContainerRuntime, ContainerRuntime.Unavailable>, pull: Bool,
        answers: inout ContainerEngineCache
    ) {
        if setting == .native {
            problems[name] = "\(type.name) runs only in a container (\(type.installHint)); remove runtime: native"
            return
        }
        switch runtime {
        case .failure(let why):
            problems[name] = "\(type.name) runs only in a container, and no container engine can be used (\(why)); install podman or docker"
        case .success(let engine):
            if setting == .container || answers.hasImage(image, engine: engine) {
                wellKnownInContainers.insert(name)
            } else if pull && Self.pull(image, for: name, with: engine) {
                answers.note(image, present: true)
                wellKnownInContainers.insert(name)
            } else {
                problems[name] = "\(type.name) runs only in a container, and image \(image) is not present and cannot be pulled (\(engine.flavor.rawValue) pull failed); make it available (\(engine.flavor.rawValue) pull \(image))"
            }
        }
    }

    /// Pulls `image`, saying so first (a first pull can take a while); true when it worked.
    private static func pull(_ image: String, for resource: String, with engine: ContainerRuntime) -> Bool {
        FileHandle.standardError.write(Data("aspire: \(resource): pulling \(image) (runtime: auto)\n".utf8))
        return (try? engine.run(["pull", image], timeout: .seconds(600)).status) == 0
    }

    /// The host alias containers use, when an engine is in use.
    package var hostAlias: String? {
        if case .success(let engine)? = runtime { return engine.hostAlias }
        return nil
    }

    /// Points `resolver` at the host alias for everything that runs in a container.
    package func configure(_ resolver: inout EnvironmentResolver) {
        resolver.containerHost = hostAlias
        resolver.containerResources = wellKnownInContainers
    }

    /// The container name of `resource` in this app (stable across runs, unique per app folder).
    package func containerName(_ resource: String) -> String {
        "aspire-\(appID)-\(resource)"
    }

    /// The name of a named volume of this app.
    package func volumeName(_ volume: String) -> String {
        "aspire-\(appID)-\(volume)"
    }
}
