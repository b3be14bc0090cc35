import AppModel
import AppState
import Foundation
import Supervisor

extension LaunchPlanner {
    /// RabbitMQ run natively: Debian's `rabbitmq-server` script (not the wrapper that switches
    /// user itself) with everything per app through `RABBITMQ_*`: node `aspire-NAME-ID@localhost`,
    /// `HOME` (its Erlang cookie, 0400) and mnesia under `.aspire/data/<name>/`, the AMQP port on
    /// loopback, a free distribution port, and a 0600 config with `guest`'s password. As root it
    /// runs as the `rabbitmq` user.
    func rabbitmqCommand(_ resource: Resource, _ type: WellKnownType, resolver: EnvironmentResolver, extraArguments: [String]) -> Result<Command, Problem> {
        let name = resource.name
        func fail(_ message: String) -> Result<Command, Problem> { .failure(Problem(resource: name, message: message)) }
        let path = hostEnvironment["PATH"]
        let script = ["/usr/lib/rabbitmq/bin/rabbitmq-server"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? ExecutableLookup.find(type.nativeProgram, path: path)
        guard let script else {
            return .failure(Self.notInstalled(type, resource: name))
        }
        let native: NativeServer
        switch nativeServer(name, resolver: resolver, accounts: ["rabbitmq"], server: "RabbitMQ") {
        case .success(let value): native = value
        case .failure(let problem): return .failure(problem)
        }
        let (port, password, user, home) = (native.port, native.password, native.user, native.home)
        func file(_ component: String) -> String { (home as NSString).appendingPathComponent(component) }
        let external = bindsBeyondLoopback(resource)
        if effects == .prepare {
            let quoted = password.replacingOccurrences(of: "\n", with: "")
            let config = """
                listeners.tcp.default = \(external ? "0.0.0.0" : "127.0.0.1"):\(port)
                default_user = guest
                default_pass = \(quoted)
                loopback_users = none

                """
            do {
                try writeFile(config, to: file("run/rabbitmq.conf"), mode: 0o600)
                // No plugins: the management plugin's fixed port 15672 would collide between apps.
                try writeFile("[].\n", to: file("run/enabled_plugins"), mode: 0o600)
                let cookie = file(".erlang.cookie")
                if !FileManager.default.fileExists(atPath: cookie) {
                    let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                    try writeFile(String((0..<20).map { _ in letters.randomElement() ?? "A" }), to: cookie, mode: 0o400)
                }
                if let user {
                    for owned in ["run/rabbitmq.conf", "run/enabled_plugins", ".erlang.cookie"] { chown(file(owned), user.uid, user.gid) }
                }
            } catch {
                return fail(error.description)
            }
        }
        let node = "aspire-\(name)-\(String(folder.path.hashValueStable % 1_000_000, radix: 36))@localhost"
        var environment = [
            "HOME": home, "RABBITMQ_NODENAME": node, "RABBITMQ_NODE_PORT": String(port),
            "RABBITMQ_NODE_IP_ADDRESS": external ? "0.0.0.0" : "127.0.0.1",
            "RABBITMQ_CONFIG_FILE": file("run/rabbitmq.conf"), "RABBITMQ_ENABLED_PLUGINS_FILE": file("run/enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": file("mnesia"), "RABBITMQ_LOG_BASE": file("log"), "RABBITMQ_LOGS": "-",
            "RABBITMQ_PID_FILE": file("run/rabbitmq.pid"), "RABBITMQ_CONF_ENV_FILE": file("run/rabbitmq-env.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": file("run/advanced.config"),
        ]
        // Erlang distribution (rabbitmqctl) on a free port, not AMQP's + 20000 (which may collide or pass 65535),
        // and below the ephemeral range: an outgoing connection cannot take it before RabbitMQ binds it.
        if let distribution = PortProbe.portBelowEphemeralRange() { environment["RABBITMQ_DIST_PORT"] = String(distribution) }
        var command = Command(
            executable: script, arguments: extraArguments, workingDirectory: home, environment: environment, secrets: [password],
            listensOnHostPort: true, defaultHealthCheck: Self.greetingHealthCheck(type))
        command.user = user
        return .success(command)
    }
}
