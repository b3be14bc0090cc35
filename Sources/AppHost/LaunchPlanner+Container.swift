package import AppModel
import AppState
import Foundation
import Supervisor

extension LaunchPlanner {
    /// The engine, or the problem naming `resource` when none can be used.
    func engine(for resource: String) -> Result<ContainerRuntime, Problem> {
        switch containers.runtime {
        case .success(let runtime)?:
            return .success(runtime)
        case .failure(let why)?:
            return .failure(Problem(resource: resource, message: "no container engine can run it (\(why)); install podman (Debian: apt-get install podman) or docker"))
        case nil:
            return .failure(Problem(resource: resource, message: "no container engine was looked for"))
        }
    }

    /// `type: container`: the helper that builds or pulls the image, then becomes `podman run`.
    func containerCommand(_ resource: Resource, _ container: Container, resolver: EnvironmentResolver, arguments: [String]) -> Result<Command, Problem> {
        let name = resource.name
        let replicated = resource.run.replicas > 1
        if replicated, case .exec? = resource.run.healthCheck?.probe {
            return .failure(Problem(resource: name, message: "exec health checks are not supported on replicated containers; use http: or tcp:"))
        }
        let runtime: ContainerRuntime
        switch engine(for: name) {
        case .success(let value): runtime = value
        case .failure(let problem): return .failure(problem)
        }
        let image = container.image ?? "localhost/aspire-\(containers.appID)-\(name)"
        // Replicas share one argv: the helper fills in each one's name and published ports.
        let baseName = containers.containerName(name)
        var spec = ContainerRunSpec(
            name: replicated ? baseName + "-" + ContainerLaunch.replicaToken : baseName, image: image, appID: containers.appID, resource: name,
            runID: containers.runID)
        switch ports(of: resource, resolver: resolver) {
        case .success(let ports): spec.ports = ports
        case .failure(let problem): return .failure(problem)
        }
        var replicaPorts: [(token: String, ports: [Int])] = []
        if replicated {
            for (index, endpoint) in resource.run.endpoints.enumerated() {
                guard let ports = bindings.replicaPorts[EndpointID(name, endpoint.name)] else { continue }
                spec.ports[index].hostToken = ContainerLaunch.portToken(endpoint.name)
                replicaPorts.append((ContainerLaunch.portToken(endpoint.name), ports))
            }
        }
        do {
            spec.environmentNames = try resolver.environment(of: name).entries.map(\.name)
        } catch {
            return .failure(Problem(resource: name, message: error.message))
        }
        for volume in container.volumes {
            spec.mounts.append(ContainerRunSpec.Mount(source: volume.name.map { .volume(containers.volumeName($0)) } ?? .anonymous, target: volume.target, readOnly: volume.readOnly))
        }
        for mount in container.bindMounts {
            let source = absolute(mount.source)
            guard FileManager.default.fileExists(atPath: source) else {
                return .failure(Problem(resource: name, message: "bind mount source \(source) does not exist; create it or fix 'source:'"))
            }
            spec.mounts.append(ContainerRunSpec.Mount(source: .bind(source), target: mount.target, readOnly: mount.readOnly))
        }
        spec.entrypoint = container.entrypoint
        spec.arguments = arguments
        var launch = ContainerLaunch(runtime: runtime, spec: spec)
        if let build = container.build {
            launch.buildContext = absolute(build.context)
            launch.dockerfile = build.dockerfile.map { (launch.buildContext.map { URL(fileURLWithPath: $0) } ?? URL(fileURLWithPath: manifest.directory)).appendingPathComponent($0).standardizedFileURL.path }
            guard FileManager.default.fileExists(atPath: launch.buildContext ?? "") else {
                return .failure(Problem(resource: name, message: "build context \(launch.buildContext ?? "") does not exist; fix 'build: {context: …}'"))
            }
        }
        var command = helperCommand(launch, runtime: runtime)
        if replicated {
            command.replicaEnvironment = { [replicaPorts] index in
                var values = [ContainerLaunch.variable(for: ContainerLaunch.replicaToken): String(index)]
                for (token, ports) in replicaPorts where index < ports.count {
                    values[ContainerLaunch.variable(for: token)] = String(ports[index])
                }
                return values
            }
            command.execPrefix = []
        }
        return .success(command)
    }

    /// The supervised command for a container: `aspire container-exec …`, probes run inside it.
    func helperCommand(_ launch: ContainerLaunch, runtime: ContainerRuntime, environment: [String: String] = [:], secrets: [String] = [], healthCheck: HealthCheckSpec? = nil) -> Command {
        var command = Command(
            executable: helperExecutable, arguments: ["container-exec"] + launch.helperArguments, workingDirectory: manifest.directory,
            environment: environment, secrets: secrets, listensOnHostPort: true, defaultHealthCheck: healthCheck)
        command.execPrefix = [runtime.executable, "exec", launch.spec.name]
        return command
    }

    /// `-p` entries: each endpoint's host port to its target port (the host port when none).
    func ports(of resource: Resource, resolver: EnvironmentResolver) -> Result<[ContainerRunSpec.Port], Problem> {
        var ports: [ContainerRunSpec.Port] = []
        // Where other containers reach this one's published ports (docker's bridge gateway).
        var gateway: String?
        if case .success(let engine)? = containers.runtime { gateway = engine.hostGateway }
        for endpoint in resource.run.endpoints {
            do {
                let host = try resolver.hostPort(of: EndpointID(resource.name, endpoint.name))
                var port = ContainerRunSpec.Port(hostPort: host, targetPort: endpoint.targetPort ?? host, external: endpoint.external || resource.run.external)
                port.gateway = gateway
                ports.append(port)
            } catch {
                return .failure(Problem(resource: resource.name, message: error.message))
            }
        }
        return .success(ports)
    }
}

extension LaunchPlanner {
    /// Whether a server run natively listens beyond loopback (`0.0.0.0`): with `external: true`,
    /// or when something running in a container references it and the engine reaches the host
    /// only at its bridge gateway (docker, and podman without slirp4netns), where a server bound
    /// to 127.0.0.1 cannot be reached (docs/containers.md).
    func bindsBeyondLoopback(_ resource: Resource) -> Bool {
        if resource.run.external || (resource.run.endpoints.first?.external ?? false) { return true }
        guard case .success(let engine)? = containers.runtime, !engine.reachesHostLoopback else { return false }
        return manifest.resources.contains { other in
            let inContainer: Bool
            switch other.kind {
            case .container: inContainer = true
            default: inContainer = containers.wellKnownInContainers.contains(other.name)
            }
            return inContainer && other.run.references.contains { $0.target.name == resource.name }
        }
    }
}

extension LaunchPlanner {
    /// The container name of each replica of `resource` when it runs in a container (`type:
    /// container`, or a well-known server in container mode), for `ps`; nil when it runs as a process.
    package func containerNames(of resource: Resource) -> [String]? {
        let inContainer: Bool
        switch resource.kind {
        case .container: inContainer = true
        default: inContainer = containers.wellKnownInContainers.contains(resource.name)
        }
        guard inContainer, case .success? = containers.runtime else { return nil }
        let base = containers.containerName(resource.name)
        let replicas = resource.run.replicas
        return replicas > 1 ? (0..<replicas).map { "\(base)-\($0)" } : [base]
    }
}
