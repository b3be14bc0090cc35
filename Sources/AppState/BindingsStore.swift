package import AppModel
import Foundation

/// Makes a manifest concrete and keeps it stable across runs: allocated ports in `ports.json`,
/// generated parameter values and passwords in `secrets.json` (0600).
package struct BindingsStore: Sendable {
    package enum Mode: Sendable {
        /// `env`, `graph`: reuse what is recorded, allocate only what is missing, check nothing.
        case inspect
        /// `up`: a recorded port that is now taken is replaced by a fresh one.
        case run
    }

    package var folder: StateFolder
    package var manifest: Manifest
    package var environment: [String: String]
    /// Resources whose `lifetime: persistent` server still runs from an earlier `up`: their
    /// recorded ports are kept although taken (by that server, which the next `up` adopts).
    package var runningPersistent: Set<String> = []

    package init(folder: StateFolder, manifest: Manifest, environment: [String: String]) {
        self.folder = folder
        self.manifest = manifest
        self.environment = environment
    }

    /// A resource that cannot be made concrete (a missing env file, ...), in one line.
    package struct Problem: Sendable, Hashable, CustomStringConvertible {
        package var resource: String
        package var message: String
        package var description: String { "\(resource): \(message)" }
    }

    private struct Secrets: Codable {
        var parameters: [String: String] = [:]
        var passwords: [String: String] = [:]
        /// The key children send to `up`'s OTLP receiver (docs/telemetry.md).
        var otlpApiKey: String?
    }

    /// The OTLP receiver's port in `ports.json`; no endpoint has this key (`@` is in no resource name).
    package static let otlpPortKey = "@otlp.http"
    /// The OTLP/gRPC receiver's port in `ports.json`.
    package static let otlpGRPCPortKey = "@otlp.grpc"

    /// Builds the bindings, creating and saving whatever is new.
    /// - Returns: The bindings, plus one message per problem that makes a resource unresolvable
    ///   (a missing env file, a parameter with no value).
    package func prepare(mode: Mode) throws(StateError) -> (Bindings, [Problem]) {
        try folder.create()
        var problems: [Problem] = []
        var bindings = Bindings()
        bindings.hostEnvironment = environment
        try allocatePorts(into: &bindings, mode: mode)

        var secrets = folder.readJSON(Secrets.self, from: folder.secretsFile) ?? Secrets()
        var secretsChanged = false
        for resource in manifest.resources {
            switch resource.kind {
            case .parameter(let parameter):
                if let value = environment[VariableName.parameter(resource.name)] {
                    bindings.parameters[resource.name] = value
                } else if let value = parameter.defaultValue {
                    bindings.parameters[resource.name] = value
                } else if let generate = parameter.generate {
                    if secrets.parameters[resource.name] == nil {
                        secrets.parameters[resource.name] = SecretGenerator.generate(generate)
                        secretsChanged = true
                    }
                    bindings.parameters[resource.name] = secrets.parameters[resource.name]
                }
            case .redis(let wellKnown), .postgres(let wellKnown), .wellKnown(_, let wellKnown):
                if wellKnown.password == nil, resource.needsPassword {
                    if secrets.passwords[resource.name] == nil {
                        secrets.passwords[resource.name] = SecretGenerator.generate(Parameter.Generate(length: 22))
                        secretsChanged = true
                    }
                    bindings.passwords[resource.name] = secrets.passwords[resource.name]
                }
            default:
                break
            }
            if let envFile = resource.run.envFile {
                let path = envFile.hasPrefix("/") ? envFile : (manifest.directory as NSString).appendingPathComponent(envFile)
                switch DotEnv.read(path) {
                case .success(let values): bindings.envFiles[resource.name] = values
                case .failure(let failure):
                    let written = resource.run.envFileLocation.map { " (envFile at \($0))" } ?? ""
                    problems.append(Problem(resource: resource.name, message: failure.message + written))
                }
            }
        }
        if let port = bindings.telemetry?.port {
            if secrets.otlpApiKey == nil {
                secrets.otlpApiKey = SecretGenerator.generate(Parameter.Generate(length: 32))
                secretsChanged = true
            }
            bindings.telemetry = TelemetryEndpoint(port: port, grpcPort: bindings.telemetry?.grpcPort, apiKey: secrets.otlpApiKey ?? "")
        }
        if secretsChanged {
            try folder.writeJSON(secrets, to: folder.secretsFile, mode: 0o600, durable: true)
        }
        return (bindings, problems)
    }

    private func allocatePorts(into bindings: inout Bindings, mode: Mode) throws(StateError) {
        let recorded = folder.readJSON([String: Int].self, from: folder.portsFile) ?? [:]
        var ports: [String: Int] = [:]
        var taken = Set<Int>()
        for resource in manifest.resources where resource.isRunnable {
            for endpoint in resource.run.endpoints {
                if let port = endpoint.port { taken.insert(port) }
            }
        }
        func pick(_ key: String, external: Bool, held: Bool = false) throws(StateError) -> Int {
            if let previous = recorded[key], !taken.contains(previous),
                mode == .inspect || held || PortProbe.isFree(previous, allInterfaces: external)
            {
                taken.insert(previous)
                return previous
            }
            for _ in 0..<64 {
                guard let port = PortProbe.ephemeralPort() else { break }
                if taken.insert(port).inserted { return port }
            }
            throw StateError(.noFreePort)
        }
        for resource in manifest.resources where resource.isRunnable {
            for endpoint in resource.run.endpoints {
                let id = EndpointID(resource.name, endpoint.name)
                let hostPort: Int
                if let port = endpoint.port {
                    hostPort = port
                } else {
                    hostPort = try pick(id.description, external: endpoint.external, held: runningPersistent.contains(resource.name))
                    ports[id.description] = hostPort
                }
                bindings.hostPorts[id] = hostPort
                // Processes, and replicated containers (each replica publishes a port of its own).
                guard resource.isProcess || (resource.isContainer && resource.run.replicas > 1) else { continue }
                // A proxy sits in front when there are replicas, or the process listens elsewhere.
                if resource.run.replicas > 1 {
                    var replicaPorts: [Int] = []
                    for replica in 0..<resource.run.replicas {
                        let key = "\(id.description)#\(replica)"
                        let port = try pick(key, external: false)
                        ports[key] = port
                        replicaPorts.append(port)
                    }
                    bindings.replicaPorts[id] = replicaPorts
                } else if let target = endpoint.targetPort, target != hostPort {
                    bindings.replicaPorts[id] = [target]
                }
            }
        }
        let otlpPort = try pick(Self.otlpPortKey, external: false)
        ports[Self.otlpPortKey] = otlpPort
        let otlpGRPCPort = try pick(Self.otlpGRPCPortKey, external: false)
        ports[Self.otlpGRPCPortKey] = otlpGRPCPort
        bindings.telemetry = TelemetryEndpoint(port: otlpPort, grpcPort: otlpGRPCPort, apiKey: "")
        if ports != recorded.filter({ ports[$0.key] != nil }) || ports.count != recorded.count {
            try folder.writeJSON(ports, to: folder.portsFile, mode: 0o644, durable: true)
        }
    }
}
