import Foundation

/// The container engine `up` drives: the podman or docker CLI, found on PATH.
///
/// Detection prefers podman (daemonless, so "installed" nearly always means "works"), then
/// docker; `ASPIRE_CONTAINER_RUNTIME` (`podman`, `docker`, or a path) overrides it. An engine
/// counts only when it answers (`podman version` / `docker version` talks to its daemon).
package struct ContainerRuntime: Sendable, Hashable {
    package enum Flavor: String, Sendable, Hashable {
        case podman, docker
    }

    package var flavor: Flavor
    /// The CLI to run (an absolute path when found on PATH).
    package var executable: String
    /// podman only: `slirp4netns` is installed, so containers can reach the host's loopback.
    package var hasSlirp4netns: Bool

    package init(flavor: Flavor, executable: String, hasSlirp4netns: Bool = false) {
        self.flavor = flavor
        self.executable = executable
        self.hasSlirp4netns = hasSlirp4netns
    }

    /// The name a container uses to reach the host (docs/containers.md).
    package var hostAlias: String {
        flavor == .podman ? "host.containers.internal" : "host.docker.internal"
    }

    /// True when `hostAlias` reaches the host's loopback (podman with slirp4netns); otherwise it is
    /// the bridge gateway, and a host service must listen beyond 127.0.0.1 to be reached.
    package var reachesHostLoopback: Bool { flavor == .podman && hasSlirp4netns }

    /// The address of the engine's bridge on this host, where `hostAlias` leads when it does not
    /// reach the host's loopback (docker's `docker0`, podman's `podman0`/`cni-podman0`); nil with
    /// slirp4netns, or when the bridge does not exist yet. Read from the interface, no CLI run.
    ///
    /// A container's ports are published there too, so another container reaches them through
    /// `hostAlias` (a port published on 127.0.0.1 only is refused from the bridge).
    package var hostGateway: String? {
        switch flavor {
        case .podman where hasSlirp4netns: nil
        case .podman: Self.ipv4Address(ofInterface: "podman0") ?? Self.ipv4Address(ofInterface: "cni-podman0")
        case .docker: Self.ipv4Address(ofInterface: "docker0")
        }
    }

    /// The first IPv4 address of the network interface `name`, or nil.
    package static func ipv4Address(ofInterface name: String) -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return nil }
        defer { freeifaddrs(list) }
        var cursor = list
        while let entry = cursor {
            cursor = entry.pointee.ifa_next
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
                String(cString: entry.pointee.ifa_name) == name
            else { continue }
            var inet = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            guard inet_ntop(AF_INET, &inet, &buffer, socklen_t(buffer.count)) != nil else { continue }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return nil
    }

    /// The network options that make `hostAlias` reach the host's loopback, where every
    /// resource's port is published or bound.
    ///
    /// Rootful podman's default bridge maps the alias to the bridge gateway, which does not
    /// reach services bound to 127.0.0.1; slirp4netns with `allow_host_loopback` maps the host's
    /// loopback to 10.0.2.2, so the alias is pointed there. Docker's `host-gateway` is the best
    /// docker offers (a host service must then listen beyond loopback).
    package var networkArguments: [String] {
        switch flavor {
        case .podman where hasSlirp4netns:
            ["--network", "slirp4netns:allow_host_loopback=true", "--add-host", "\(hostAlias):10.0.2.2"]
        case .podman:
            ["--add-host", "\(hostAlias):host-gateway"]
        case .docker:
            ["--add-host", "\(hostAlias):host-gateway"]
        }
    }

    /// Why no engine can be used, for one line to the user.
    package struct Unavailable: Error, Sendable, Hashable, CustomStringConvertible {
        package var description: String
    }

    /// The engine to use, or why there is none.
    /// - Parameter environment: The host environment (PATH, `ASPIRE_CONTAINER_RUNTIME`).
    package static func detect(environment: [String: String]) -> Result<ContainerRuntime, Unavailable> {
        let path = environment["PATH"]
        if let requested = environment["ASPIRE_CONTAINER_RUNTIME"], !requested.isEmpty {
            guard let executable = ExecutableLookup.find(requested, path: path) else {
                return .failure(Unavailable(description: "ASPIRE_CONTAINER_RUNTIME=\(requested) was not found on PATH"))
            }
            let flavor: Flavor = (executable as NSString).lastPathComponent.contains("docker") ? .docker : .podman
            let runtime = ContainerRuntime(flavor: flavor, executable: executable, hasSlirp4netns: ExecutableLookup.find("slirp4netns", path: path) != nil)
            return runtime.answers() ? .success(runtime) : .failure(Unavailable(description: "ASPIRE_CONTAINER_RUNTIME=\(requested) does not answer (`\(executable) version` failed\(flavor == .docker ? "; is the docker daemon running?" : "")"))
        }
        var tried: [String] = []
        for flavor in [Flavor.podman, .docker] {
            guard let executable = ExecutableLookup.find(flavor.rawValue, path: path) else { continue }
            let runtime = ContainerRuntime(flavor: flavor, executable: executable, hasSlirp4netns: ExecutableLookup.find("slirp4netns", path: path) != nil)
            if runtime.answers() { return .success(runtime) }
            tried.append("\(flavor.rawValue) is installed but does not answer\(flavor == .docker ? " (is the docker daemon running?)" : "")")
        }
        return .failure(Unavailable(description: tried.isEmpty ? "neither podman nor docker is installed" : tried.joined(separator: "; ")))
    }

    /// True when the engine runs commands (docker: its daemon is reachable).
    package func answers() -> Bool {
        let arguments = flavor == .docker ? ["version", "--format", "{{.Server.Version}}"] : ["version", "--format", "{{.Client.Version}}"]
        return (try? run(arguments, timeout: .seconds(10)).status) == 0
    }

    /// True when `image` is present locally.
    package func hasImage(_ image: String) -> Bool {
        let arguments = flavor == .podman ? ["image", "exists", image] : ["image", "inspect", "--format", "{{.Id}}", image]
        return (try? run(arguments, timeout: .seconds(20)).status) == 0
    }

    // MARK: - Cleanup by label

    /// Stops and removes every container labelled with `appID` (left by a killed `up`, or
    /// still stopping), and nothing else. Returns the names removed.
    @discardableResult
    /// `lifetime: persistent` containers are kept unless `persistent`.
    package func removeLeftovers(appID: String, persistent: Bool = false) -> [String] {
        var names = containerNames(["label=\(ContainerLabels.app)=\(appID)"])
        if !persistent, !names.isEmpty {
            let kept = Set(containerNames(["label=\(ContainerLabels.app)=\(appID)", "label=\(ContainerLabels.lifetime)=persistent"]))
            names.removeAll { kept.contains($0) }
        }
        guard !names.isEmpty else { return [] }
        // podman stops at once with `--time 0`; docker's `rm -f` kills without a grace period and has no `--time`.
        _ = try? run(["rm", "-f"] + (flavor == .podman ? ["--time", "0"] : []) + names, timeout: .seconds(60))
        return names
    }

    /// The names of the containers (running or not) matching every filter.
    private func containerNames(_ filters: [String]) -> [String] {
        let listed = (try? run(["ps", "-a"] + filters.flatMap { ["--filter", $0] } + ["--format", "{{.Names}}"], timeout: .seconds(20))) ?? ProcessOutput()
        return listed.output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Removes the named volumes labelled with `appID` (`down --volumes`). Returns their names.
    @discardableResult
    package func removeVolumes(appID: String) -> [String] {
        let listed = (try? run(["volume", "ls", "--filter", "label=\(ContainerLabels.app)=\(appID)", "--format", "{{.Name}}"], timeout: .seconds(20))) ?? ProcessOutput()
        let names = listed.output.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        guard !names.isEmpty else { return [] }
        _ = try? run(["volume", "rm", "-f"] + names, timeout: .seconds(60))
        return names
    }

    /// Removes leftovers of `appID` with whichever engine is installed; quiet when there is none.
    /// - Returns: What was removed (empty when nothing was, or no engine answers).
    @discardableResult
    package static func removeLeftovers(appID: String, environment: [String: String], volumes: Bool = false, persistent: Bool = false) -> [String] {
        guard case .success(let runtime) = detect(environment: environment) else { return [] }
        return runtime.removeLeftovers(appID: appID, persistent: persistent || volumes) + (volumes ? runtime.removeVolumes(appID: appID) : [])
    }
}

/// The labels every container and volume of an app carries, so cleanup finds exactly its own.
package enum ContainerLabels {
    package static let app = "aspire.app"
    package static let resource = "aspire.resource"
    package static let run = "aspire.run"
    /// `persistent` on a `lifetime: persistent` container, which cleanup by label keeps.
    package static let lifetime = "aspire.lifetime"
    /// The configuration hash of a persistent container (`LaunchHash`), compared to adopt it.
    package static let configHash = "aspire.config-hash"

    /// `<name>-<hash of the manifest folder>`: two apps of the same name in different folders
    /// never share containers or volumes.
    package static func appID(name: String, directory: String) -> String {
        let hash = String(directory.hashValueStable % 0xFFFF_FFFF, radix: 16)
        return "\(name)-\(hash)"
    }
}
