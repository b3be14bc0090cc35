import AppModel
import AppState
import Foundation
import Supervisor

extension LaunchPlanner {
    /// A well-known server in container mode: the official image, the stored password, the
    /// allocated port published on loopback, data in a named volume of the app, a health check
    /// run inside the container.
    func wellKnownContainerCommand(_ resource: Resource, _ server: WellKnownServer, resolver: EnvironmentResolver, arguments: [String]) -> Result<Command, Problem> {
        let name = resource.name
        let runtime: ContainerRuntime
        switch engine(for: name) {
        case .success(let value): runtime = value
        case .failure(let problem): return .failure(problem)
        }
        var spec = ContainerRunSpec(
            name: containers.containerName(name), image: server.imageReference, appID: containers.appID, resource: name, runID: containers.runID)
        switch ports(of: resource, resolver: resolver) {
        case .success(let ports): spec.ports = ports
        case .failure(let problem): return .failure(problem)
        }
        do {
            spec.environmentNames = try resolver.environment(of: name).entries.map(\.name)
        } catch {
            return .failure(Problem(resource: name, message: error.message))
        }
        let password: String?
        do {
            password = resource.needsPassword ? try resolver.password(of: name).value : nil
        } catch {
            return .failure(Problem(resource: name, message: error.message))
        }
        let hostPort = (try? resolver.hostPort(of: EndpointID(name, "tcp"))) ?? 0
        let container = WellKnownContainer.make(server, containerName: spec.name, runtime: runtime, password: password, hostPort: hostPort)
        spec.environmentNames += container.environment.keys
        if let dataPath = container.dataPath {
            spec.mounts.append(ContainerRunSpec.Mount(source: .volume(containers.volumeName("\(name)-data")), target: dataPath))
        }
        if case .postgres = server.family {
            let initFolder = postgresInitFolder(name)
            do {
                try makeDirectory(initFolder, mode: 0o700)
            } catch {
                return .failure(Problem(resource: name, message: "cannot create \(initFolder): \(error)"))
            }
            spec.mounts.append(ContainerRunSpec.Mount(source: .bind(initFolder), target: "/aspire-init", readOnly: true))
        }
        if let config = container.configFile {
            let folder = (self.folder.dataDirectory as NSString).appendingPathComponent(name)
            let path = (folder as NSString).appendingPathComponent("container.conf")
            do {
                try makeDirectory(folder, mode: 0o700)
                // Readable by the server's own user inside the container; the folder (0700) keeps others out.
                try writeFile(config.contents, to: path, mode: 0o644)
            } catch {
                return .failure(Problem(resource: name, message: "cannot write \(path): \(error)"))
            }
            spec.mounts.append(ContainerRunSpec.Mount(source: .bind(path), target: config.target, readOnly: true))
        }
        spec.arguments = container.arguments + arguments
        let launch = ContainerLaunch(runtime: runtime, spec: spec)
        return .success(
            helperCommand(launch, runtime: runtime, environment: container.environment, secrets: password.map { [$0] } ?? [], healthCheck: container.healthCheck))
    }
}

/// The image-specific part of a well-known server in a container.
struct WellKnownContainer {
    var arguments: [String] = []
    /// Variables for the container (through the engine's environment, never argv); `podman
    /// exec` probes inherit them.
    var environment: [String: String] = [:]
    var dataPath: String?
    var configFile: (contents: String, target: String)?
    var healthCheck: HealthCheckSpec?

    static func make(_ server: WellKnownServer, containerName: String, runtime: ContainerRuntime, password: String?, hostPort: Int = 0) -> WellKnownContainer {
        var result = WellKnownContainer()
        let exec = [runtime.executable, "exec"]
        switch server.family {
        case .redis:
            // The password is in a config file, not argv, so it never shows in `ps` on the host.
            let target = "/usr/local/etc/redis/redis.conf"
            result.configFile = (
                """
                port 6379
                bind 0.0.0.0
                requirepass "\(password ?? "")"
                dir /data
                appendonly yes
                protected-mode no

                """, target
            )
            result.arguments = ["redis-server", target]
            result.dataPath = "/data"
            result.environment["REDISCLI_AUTH"] = password
            result.healthCheck = HealthCheckSpec(
                probe: .exec(exec + [containerName, "redis-cli", "ping"]), interval: .milliseconds(500), timeout: .seconds(3),
                retries: 3)
        case .postgres:
            result.environment["POSTGRES_PASSWORD"] = password
            result.dataPath = "/var/lib/postgresql/data"
            // Over TCP: the image's first-run server listens on its socket only, so this
            // passes once the real server is up.
            result.healthCheck = HealthCheckSpec(
                probe: .exec(
                    exec + [containerName, "sh", "-c", "PGPASSWORD=\"$POSTGRES_PASSWORD\" psql -h 127.0.0.1 -U postgres -d postgres -tAc 'SELECT 1'"]),
                interval: .milliseconds(500), timeout: .seconds(3), retries: 3)
        case .template(let type):
            var values = ["{targetPort}": String(type.targetPort), "{port}": String(type.targetPort), "{bind}": "0.0.0.0", "{data}": type.containerDataPath ?? "/tmp"]
            if let config = type.configFile, let target = type.containerConfigPath {
                var configValues = values
                configValues["{password}"] = LaunchPlanner.configQuoted(password ?? "")
                result.configFile = (WellKnownType.fill(config, configValues), target)
                values["{config}"] = target
            }
            result.arguments = type.containerArguments.map { WellKnownType.fill($0, values) }
                + type.switchArguments(server.settings, data: type.containerDataPath ?? "/data")
            result.dataPath = type.containerDataPath
            // `{host}:{port}` is how clients on the host reach it (Kafka advertises it).
            for (key, format) in type.containerEnvironment {
                result.environment[key] = WellKnownType.fill(format, ["{password}": password ?? "", "{host}": "localhost", "{port}": String(hostPort)])
            }
            if let command = type.containerHealthCommand {
                result.healthCheck = HealthCheckSpec(
                    probe: .exec(exec + [containerName] + command), interval: .milliseconds(500), timeout: .seconds(5), retries: 3,
                    startPeriod: .seconds(type.startPeriod))
            } else {
                result.healthCheck = LaunchPlanner.greetingHealthCheck(type)
            }
        }
        return result
    }
}
