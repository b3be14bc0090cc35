import AppModel
import AppState
import Foundation
import Supervisor

extension LaunchPlanner {
    /// Redis run natively: `redis-server` on loopback, the allocated port, the stored password,
    /// data under `.aspire/data/<name>/` so it survives restarts; as root, as the `redis` user.
    func redisCommand(_ resource: Resource, _ wellKnown: WellKnown, resolver: EnvironmentResolver, extraArguments: [String]) -> Result<Command, Problem> {
        let name = resource.name
        guard let server = ExecutableLookup.find("redis-server", path: hostEnvironment["PATH"]) else {
            return .failure(
                Problem(resource: name, message: "redis-server was not found on PATH; install it (Debian: apt-get install redis-server) or run Redis in a container (podman or docker)"))
        }
        // As root it runs as Debian's `redis` account, which then owns the data folder.
        let native: NativeServer
        switch nativeServer(name, resolver: resolver, accounts: ["redis"], server: "redis-server") {
        case .success(let value): native = value
        case .failure(let problem): return .failure(problem)
        }
        let (port, password, user, data) = (native.port, native.password, native.user, native.home)
        let external = bindsBeyondLoopback(resource)
        // The password goes in through a config on stdin would be ideal; redis-server reads
        // `--requirepass` from argv, which `ps` shows, so pass it through a 0600 config file.
        let config = (data as NSString).appendingPathComponent("redis.conf")
        let contents = """
            port \(port)
            bind \(external ? "0.0.0.0" : "127.0.0.1")
            requirepass "\(Self.configQuoted(password))"
            dir "\(Self.configQuoted(data))"
            appendonly yes
            save ""
            protected-mode no
            daemonize no
            """
        do {
            try writeFile(contents + "\n", to: config, mode: 0o600)
        } catch {
            return .failure(Problem(resource: name, message: error.description))
        }
        if let user, effects == .prepare { chown(config, user.uid, user.gid) }
        var command = Command(
            executable: server, arguments: [Self.configFileArgument(config)] + extraArguments, workingDirectory: data, secrets: [password],
            listensOnHostPort: true,
            defaultHealthCheck: HealthCheckSpec(probe: .tcp(endpoint: "tcp"), interval: .milliseconds(200), timeout: .seconds(2), retries: 3))
        command.user = user
        return .success(command)
    }
}

extension LaunchPlanner {
    /// The host port and password of a well-known server, or the problem naming `resource`.
    func serverAddress(_ server: String, resolver: EnvironmentResolver, for resource: String) -> Result<(Int, String), Problem> {
        do {
            return .success((try resolver.hostPort(of: EndpointID(server, "tcp")), try resolver.password(of: server).value))
        } catch {
            return .failure(Problem(resource: resource, message: error.message))
        }
    }
}

/// Finds a program on a PATH string (and in the sbin folders Debian uses for servers).
package enum ExecutableLookup {
    package static func find(_ program: String, path: String?) -> String? {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/local/sbin"]
        for directory in directories {
            let candidate = (directory as NSString).appendingPathComponent(program)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
