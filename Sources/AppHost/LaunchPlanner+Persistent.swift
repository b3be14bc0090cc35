import AppModel
import AppState
import Foundation
import Supervisor

extension LaunchPlanner {
    /// A `lifetime: persistent` resource's service: for a native server, the keeper (`aspire
    /// persistent-exec …`, see `PersistentKeeper`) in front of the server's command, with the
    /// configuration hash of that command; for a container, the container helper told to keep
    /// (or adopt) the container (docs/manifest.md#lifetime).
    func persistent(_ spec: ServiceSpec, of resource: Resource) -> Result<ServiceSpec, Problem> {
        guard spec.replicas.count == 1 else {
            return .failure(Problem(resource: resource.name, message: "lifetime: persistent runs one replica; remove replicas: or lifetime:"))
        }
        var spec = spec
        spec.persistent = true
        if spec.arguments.first == "container-exec", let separator = spec.arguments.firstIndex(of: "--") {
            let hash = containerHash(run: Array(spec.arguments[(separator + 1)...]), environment: spec.replicas[0].environment)
            spec.arguments.insert(contentsOf: ["--persistent", hash, "--state", folder.path], at: separator)
            retireChanged(spec.name, hash: hash)
            return .success(spec)
        }
        let keeper = PersistentKeeper(
            name: spec.name, state: folder.path, hash: configurationHash(of: spec), user: spec.user,
            stopSignal: spec.stopSignal == SIGTERM ? nil : spec.stopSignal, command: [spec.executable] + spec.arguments)
        retireChanged(spec.name, hash: keeper.hash)
        spec.executable = helperExecutable
        spec.arguments = ["persistent-exec"] + keeper.arguments
        // The keeper runs as us (it writes the record); the server it starts runs as the user.
        spec.user = nil
        return .success(spec)
    }

    /// Stops the running persistent server of `name` when it was launched with another
    /// configuration, before the supervisor starts: else its health check would pass against
    /// the old server (which still holds the port) while the keeper replaces it.
    func retireChanged(_ name: String, hash: String) {
        guard effects == .prepare, let record = PersistentRecord.read(state: folder.path, name: name), record.configHash != hash, record.isAlive
        else { return }
        FileHandle.standardError.write(Data("aspire: \(name): the configuration changed; stopping the persistent server to replace it\n".utf8))
        PersistentServers.stop(record, state: folder.path, environment: hostEnvironment)
    }

    /// Stops the server an earlier `up` left running for `name` when the resource is no longer
    /// `lifetime: persistent`: the session server replaces it (and needs its port).
    func retireFormerPersistent(_ name: String) {
        guard effects == .prepare, let record = PersistentRecord.read(state: folder.path, name: name) else { return }
        if record.isAlive {
            FileHandle.standardError.write(Data("aspire: \(name): no longer lifetime: persistent; stopping the server an earlier up left running\n".utf8))
        }
        PersistentServers.stop(record, state: folder.path, environment: hostEnvironment)
    }

    /// The hash of everything that shapes a native server's launch: its argv, working folder,
    /// user, ports, secrets (a changed password means a new server) and the environment the
    /// manifest gives it. Host variables are left out (a new shell must not replace a database),
    /// and so are the OpenTelemetry ones, which name the run (`service.instance.id`).
    func configurationHash(of spec: ServiceSpec) -> String {
        var parts = ["native", spec.executable] + spec.arguments + ["cwd", spec.workingDirectory]
        if let user = spec.user { parts += ["user", String(user.uid), String(user.gid)] }
        parts += ["ports"] + spec.hostPorts.map(String.init) + ["secrets"] + spec.secrets
        let environment = spec.replicas.first?.environment ?? [:]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) where hostEnvironment[key] != value && !key.hasPrefix("OTEL_") {
            parts += [key, value]
        }
        return LaunchHash.of(parts)
    }

    /// The hash of a container's launch: its `run` argv (image, ports, mounts, labels but the
    /// run's own, entrypoint, arguments) and the values of the variables it passes by name.
    func containerHash(run: [String], environment: [String: String]) -> String {
        var parts = ["container"]
        for (index, argument) in run.enumerated() where !argument.hasPrefix("\(ContainerLabels.run)=") {
            parts.append(argument)
            if index > 0, run[index - 1] == "-e", !argument.hasPrefix("OTEL_") { parts += ["=", environment[argument] ?? ""] }
        }
        return LaunchHash.of(parts)
    }
}
