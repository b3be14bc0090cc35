package import AppModel
package import AppState
import Foundation
package import Supervisor

/// Turns a validated manifest and its bindings into the supervisor's `LaunchPlan`.
///
/// This is where the app model meets the machine: project run commands are detected, relative
/// paths resolved, the host environment merged under the injected one, and well-known servers
/// become concrete commands.
package struct LaunchPlanner: Sendable {
    package var manifest: Manifest
    package var bindings: Bindings
    package var folder: StateFolder
    /// The host environment children inherit (injected variables win over it).
    package var hostEnvironment: [String: String]
    /// The container engine and which well-known servers run in it (decided once, here).
    package var containers: ContainerChoice
    /// The program the supervisor runs for a container (`aspire container-exec …`): this binary.
    package var helperExecutable: String
    /// Whether planning prepares the machine (data folders, config files, `initdb`) or only
    /// computes the plan.
    package var effects: Effects = .prepare

    /// What `plan()` may do besides computing the plan.
    package enum Effects: Sendable, Hashable {
        /// Prepare what the plan needs: create data folders, write config files and database
        /// scripts, run `initdb` once, print the container notes (what `up` does).
        case prepare
        /// Compute the plan only: no folder or file is created or written, no process runs, and
        /// (with `init(manifest:bindings:folder:hostEnvironment:containers:)`) no engine is
        /// asked. The plan names the paths `prepare` would have made. For the fuzzer and tests.
        case none
    }

    package init(manifest: Manifest, bindings: Bindings, folder: StateFolder, hostEnvironment: [String: String]) {
        self.manifest = manifest
        self.bindings = bindings
        self.folder = folder
        self.hostEnvironment = hostEnvironment
        self.containers = ContainerChoice(manifest: manifest, environment: hostEnvironment, cache: .refresh(path: folder.engineCacheFile))
        self.helperExecutable = Bundle.main.executablePath ?? CommandLine.arguments.first ?? "aspire"
    }

    /// A planner with the container decision already made (`ContainerChoice(manifest:assuming:)`
    /// decides without asking an engine) that only computes the plan (`effects: .none`).
    package init(manifest: Manifest, bindings: Bindings, folder: StateFolder, hostEnvironment: [String: String], containers: ContainerChoice) {
        self.manifest = manifest
        self.bindings = bindings
        self.folder = folder
        self.hostEnvironment = hostEnvironment
        self.containers = containers
        self.helperExecutable = "aspire"
        self.effects = .none
    }

    /// A resource that cannot be planned, and why (one line for the user).
    package struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        package var resource: String
        package var message: String
        package var description: String { "\(resource): \(message)" }

        /// - Parameter message: made one line: a line break in it (from a path or a value in the
        ///   manifest) is written `\n`.
        package init(resource: String, message: String) {
            self.resource = resource
            self.message = message.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
        }
    }

    /// The plan for every runnable resource, or the problems that prevent it.
    package func plan() -> (LaunchPlan, [Problem]) {
        var services: [ServiceSpec] = []
        var problems: [Problem] = []
        var resolver = EnvironmentResolver(manifest: manifest, bindings: bindings)
        containers.configure(&resolver)
        for note in containers.notes where effects == .prepare {
            FileHandle.standardError.write(Data("aspire: \(note)\n".utf8))
        }
        for name in ResourceGraph(manifest).startOrder(in: manifest) {
            guard let resource = manifest[name] else { continue }
            switch service(for: resource, resolver: resolver) {
            case .success(let spec): services.append(spec)
            case .failure(let problem): problems.append(problem)
            }
            // Each database of a server is a one-shot job that runs once the server is healthy.
            if case .wellKnown(let type, let wellKnown) = resource.kind, type == .mysql, !problems.contains(where: { $0.resource == name }) {
                for database in wellKnown.databases {
                    guard let databaseResource = manifest[database], case .postgresDatabase(_, let databaseName) = databaseResource.kind else { continue }
                    switch mysqlDatabaseJob(databaseResource, server: name, databaseName: databaseName, resolver: resolver) {
                    case .success(let spec): services.append(spec)
                    case .failure(let problem): problems.append(problem)
                    }
                }
            }
            if case .wellKnown(let type, let wellKnown) = resource.kind, !type.childGroups.isEmpty, !problems.contains(where: { $0.resource == name }) {
                for child in wellKnown.databases {
                    guard let childResource = manifest[child] else { continue }
                    switch awsChildJob(childResource, server: name, resolver: resolver) {
                    case .success(let spec): services.append(spec)
                    case .failure(let problem): problems.append(problem)
                    }
                }
            }
            guard case .postgres(let wellKnown) = resource.kind, !problems.contains(where: { $0.resource == name }) else { continue }
            for database in wellKnown.databases {
                guard let databaseResource = manifest[database], case .postgresDatabase(_, let databaseName) = databaseResource.kind else { continue }
                switch databaseJob(databaseResource, server: name, databaseName: databaseName, resolver: resolver) {
                case .success(let spec): services.append(spec)
                case .failure(let problem): problems.append(problem)
                }
            }
        }
        return (LaunchPlan(appName: manifest.name, stateDirectory: folder.path, services: services), problems)
    }

    /// The injected environment of every replica of `name` (what env files hold).
    package func injectedEnvironments(of resource: Resource, resolver: EnvironmentResolver) throws(EnvironmentResolver.Failure) -> [ResolvedEnvironment] {
        var resolver = resolver
        containers.configure(&resolver)
        var result: [ResolvedEnvironment] = []
        for replica in 0..<max(1, resource.run.replicas) {
            result.append(try resolver.environment(of: resource.name, replica: replica))
        }
        return result
    }

    private func service(for resource: Resource, resolver: EnvironmentResolver) -> Result<ServiceSpec, Problem> {
        let name = resource.name
        func fail(_ message: String) -> Result<ServiceSpec, Problem> { .failure(Problem(resource: name, message: message)) }
        let command: Command
        switch commandFor(resource, resolver: resolver) {
        case .success(let value): command = value
        case .failure(let problem): return .failure(problem)
        }
        let environments: [ResolvedEnvironment]
        do {
            environments = try injectedEnvironments(of: resource, resolver: resolver)
        } catch {
            return fail(error.message)
        }
        var secrets = Set<String>()
        var replicas: [ReplicaSpec] = []
        for (index, injected) in environments.enumerated() {
            var environment = hostEnvironment
            for (key, value) in command.environment { environment[key] = value }
            for (key, value) in injected.values { environment[key] = value }
            secrets.formUnion(injected.secretValues)
            var endpointPorts: [String: Int] = [:]
            for endpoint in resource.run.endpoints {
                endpointPorts[endpoint.name] = try? resolver.listenPort(of: EndpointID(name, endpoint.name), replica: index)
            }
            if command.listensOnHostPort {
                for endpoint in resource.run.endpoints {
                    let id = EndpointID(name, endpoint.name)
                    // A replicated container is probed on its own published port, not the proxy's.
                    let own = bindings.replicaPorts[id].flatMap { index < $0.count ? $0[index] : nil }
                    endpointPorts[endpoint.name] = own ?? (try? resolver.hostPort(of: id))
                }
            }
            for (key, value) in command.replicaEnvironment(index) { environment[key] = value }
            replicas.append(ReplicaSpec(environment: environment, endpointPorts: endpointPorts))
        }
        secrets.formUnion(command.secrets)
        var proxies: [ProxySpec] = []
        var hostPorts: [Int] = []
        for endpoint in resource.run.endpoints {
            let id = EndpointID(name, endpoint.name)
            guard let port = try? resolver.hostPort(of: id) else { continue }
            hostPorts.append(port)
            if let targets = bindings.replicaPorts[id], resource.isProcess || resource.isContainer {
                proxies.append(ProxySpec(endpoint: endpoint.name, listenHost: endpoint.external ? "0.0.0.0" : "127.0.0.1", listenPort: port, targetPorts: targets))
                hostPorts.append(contentsOf: targets.filter { $0 != port })
            }
        }
        var spec = ServiceSpec(
                name: name, replicas: replicas, executable: command.executable, arguments: command.arguments,
                workingDirectory: command.workingDirectory,
                waitFor: resource.run.waitFor.filter { !isDatabase($0.name) }.compactMap { manifest.runnableOwner(of: $0.name) },
                // Waiting for a database means waiting for its creation job, which waits for the server.
                waitForCompletion: resource.run.waitForCompletion.compactMap { manifest.runnableOwner(of: $0.name) }
                    + resource.run.waitFor.filter { isDatabase($0.name) }.map(\.name),
                healthCheck: healthCheck(for: resource, execPrefix: command.execPrefix) ?? command.defaultHealthCheck
                    ?? Self.portReadiness(of: resource),
                restart: RestartSpec(policy: RestartSpec.Policy(rawValue: resource.run.restart.policy.rawValue) ?? .no, maxRestarts: resource.run.restart.maxRestarts),
                proxies: proxies, hostPorts: hostPorts, secrets: secrets.sorted())
        spec.user = command.user
        spec.explicitStart = resource.run.explicitStart
        if let watch = resource.run.watch { spec.watch = watchSpec(watch, of: resource, workingDirectory: command.workingDirectory) }
        if let signal = resource.run.stopSignal { spec.stopSignal = signal.number }
        if resource.run.lifetime == .persistent { return persistent(spec, of: resource) }
        retireFormerPersistent(name)
        return .success(spec)
    }

    private func isDatabase(_ name: String) -> Bool {
        if case .postgresDatabase = manifest[name]?.kind { return true }
        return false
    }

    /// The manifest's `healthCheck:`; `exec` probes of a container run inside it (`execPrefix`).
    private func healthCheck(for resource: Resource, execPrefix: [String]) -> HealthCheckSpec? {
        guard let check = resource.run.healthCheck else { return nil }
        let probe: HealthCheckSpec.Probe
        switch check.probe {
        case .http(let path, let endpoint):
            let name = endpoint ?? resource.run.endpoints.first { $0.scheme == .http || $0.scheme == .https }?.name ?? "http"
            probe = .http(endpoint: name, path: path)
        case .tcp(let endpoint):
            probe = .tcp(endpoint: endpoint ?? resource.run.endpoints.first?.name ?? "tcp")
        case .exec(let argv):
            probe = .exec(execPrefix + argv)
        }
        return HealthCheckSpec(
            probe: probe, interval: check.interval, timeout: check.timeout, retries: check.retries, startPeriod: check.startPeriod,
            startInterval: check.startInterval)
    }

    /// The default readiness of a resource with no health check: its first tcp/http/https endpoint
    /// accepts a TCP connection (docs/supervisor.md#readiness). None for an executable whose only
    /// endpoint is the implicit one (nothing says it listens), nor for a resource without one.
    static func portReadiness(of resource: Resource) -> HealthCheckSpec? {
        guard let endpoint = resource.run.endpoints.first(where: { $0.scheme != .udp }) else { return nil }
        if endpoint.isImplicit, case .executable = resource.kind { return nil }
        return HealthCheckSpec(probe: .tcp(endpoint: endpoint.name), kind: .port)
    }

    /// Creates `path` (and its parents) with `mode`, unless planning has no effects.
    func makeDirectory(_ path: String, mode: Int) throws {
        guard effects == .prepare else { return }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
    }

    /// Writes `contents` to `path` with `mode` (through the state folder's atomic write), unless
    /// planning has no effects.
    func writeFile(_ contents: String, to path: String, mode: Int) throws(StateError) {
        guard effects == .prepare else { return }
        try folder.write(contents, to: path, mode: mode)
    }

    /// Resolves `path` against the manifest's folder.
    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: manifest.directory).appendingPathComponent(path).standardizedFileURL.path
    }
}

extension LaunchPlanner {
    /// What to spawn for a resource.
    struct Command {
        var executable: String
        var arguments: [String]
        var workingDirectory: String
        /// Extra variables the command itself needs (e.g. a server's own settings).
        var environment: [String: String] = [:]
        var secrets: [String] = []
        /// True for servers that bind the endpoint's host port themselves (no target port).
        var listensOnHostPort = false
        var defaultHealthCheck: HealthCheckSpec?
        /// Run as another user (PostgreSQL as `postgres` when we are root).
        var user: ProcessUser?
        /// Prepended to `exec` health checks (`podman exec NAME` for containers).
        var execPrefix: [String] = []
        /// Variables for one replica's process only (a replicated container's name and port).
        var replicaEnvironment: @Sendable (Int) -> [String: String] = { _ in [:] }
    }

    private func commandFor(_ resource: Resource, resolver: EnvironmentResolver) -> Result<Command, Problem> {
        let name = resource.name
        let arguments: [String]
        do {
            arguments = try resolver.arguments(of: name).map(\.value)
        } catch {
            return .failure(Problem(resource: name, message: error.message))
        }
        let workingDirectory = resource.run.workingDir.map(absolute)
        switch resource.kind {
        case .executable(let executable):
            return .success(Command(executable: executable.command, arguments: arguments, workingDirectory: workingDirectory ?? manifest.directory))
        case .project(let project):
            let folder = absolute(project.path)
            if let command = project.command {
                return .success(Command(executable: command, arguments: arguments, workingDirectory: workingDirectory ?? folder))
            }
            switch ProjectDetector.detect(in: folder) {
            case .success(let detected):
                return .success(Command(executable: detected.executable, arguments: detected.arguments + arguments, workingDirectory: workingDirectory ?? folder))
            case .failure(let failure):
                return .failure(Problem(resource: name, message: failure.description))
            }
        case .redis, .postgres, .wellKnown:
            if let problem = containers.problems[name] { return .failure(Problem(resource: name, message: problem)) }
            guard let server = WellKnownServer(resource) else { return .failure(Problem(resource: name, message: "not a well-known server")) }
            if containers.wellKnownInContainers.contains(name) {
                return wellKnownContainerCommand(resource, server, resolver: resolver, arguments: arguments)
            }
            switch resource.kind {
            case .redis(let wellKnown): return redisCommand(resource, wellKnown, resolver: resolver, extraArguments: arguments)
            case .postgres(let wellKnown): return postgresCommand(resource, wellKnown, resolver: resolver, extraArguments: arguments)
            case .wellKnown(let type, let wellKnown) where type == .mysql:
                return mysqlCommand(resource, type, wellKnown, resolver: resolver, extraArguments: arguments)
            case .wellKnown(let type, _) where type == .rabbitmq:
                return rabbitmqCommand(resource, type, resolver: resolver, extraArguments: arguments)
            case .wellKnown(let type, let wellKnown) where type == .aws:
                return awsNativeCommand(resource, type, wellKnown, extraArguments: arguments, resolver: resolver)
            case .wellKnown(let type, _) where type.containerOnly:
                return .failure(Problem(resource: name, message: "\(type.name) runs only in a container (\(type.installHint))"))
            case .wellKnown(let type, let wellKnown): return templateNativeCommand(resource, type, wellKnown, extraArguments: arguments, resolver: resolver)
            default: return .failure(Problem(resource: name, message: "not a well-known server"))
            }
        case .container(let container):
            return containerCommand(resource, container, resolver: resolver, arguments: arguments)
        default:
            return .failure(Problem(resource: name, message: "a \(resource.typeName) does not run"))
        }
    }
}
