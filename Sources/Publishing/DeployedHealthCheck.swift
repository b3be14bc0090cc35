import AppModel

/// A resource's health check in deployment terms: the probe with concrete ports, and timings.
/// Redis and postgres have built-in checks (as under `up`) unless `healthCheck:` replaces them.
struct DeployedHealthCheck {
    enum Probe {
        case http(path: String, port: Int, endpoint: String, https: Bool)
        case tcp(port: Int, endpoint: String)
        case exec([String])
        /// A shell line (run with `/bin/sh -c`); `$` here is for the shell, not for compose.
        case shell(String)
    }

    var probe: Probe
    var interval: Duration
    var timeout: Duration
    var retries: Int
    var startPeriod: Duration

    /// The check of `resource`, or nil when it has none.
    static func of(_ resource: Resource, ports: DeploymentPorts) -> DeployedHealthCheck? {
        guard let check = resource.run.healthCheck else { return builtIn(resource) }
        let endpoints = resource.run.endpoints
        let probe: Probe
        switch check.probe {
        case .http(let path, let name):
            guard let endpoint = name.flatMap({ n in endpoints.first { $0.name == n } }) ?? endpoints.first(where: { $0.scheme == .http || $0.scheme == .https }),
                let port = ports[resource.name, endpoint.name]
            else { return nil }
            probe = .http(path: path, port: port, endpoint: endpoint.name, https: endpoint.scheme == .https)
        case .tcp(let name):
            guard let endpoint = name.flatMap({ n in endpoints.first { $0.name == n } }) ?? endpoints.first,
                let port = ports[resource.name, endpoint.name]
            else { return nil }
            probe = .tcp(port: port, endpoint: endpoint.name)
        case .exec(let argv):
            probe = .exec(argv)
        }
        return DeployedHealthCheck(probe: probe, interval: check.interval, timeout: check.timeout, retries: check.retries, startPeriod: check.startPeriod)
    }

    private static func builtIn(_ resource: Resource) -> DeployedHealthCheck? {
        let probe: Probe
        switch resource.kind {
        case .redis: probe = .shell("redis-cli -a \"$REDIS_PASSWORD\" --no-auth-warning ping | grep -q PONG")
        case .postgres: probe = .exec(["pg_isready", "-U", "postgres", "-h", "127.0.0.1"])
        default: return nil
        }
        return DeployedHealthCheck(probe: probe, interval: .seconds(2), timeout: .seconds(5), retries: 15, startPeriod: .seconds(5))
    }

    /// Compose's duration text: `2s`, `500ms`.
    static func durationText(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }

    /// Whole seconds, at least `minimum` (Kubernetes probes count in seconds).
    static func seconds(_ duration: Duration, minimum: Int) -> Int {
        let components = duration.components
        let rounded = Int(components.seconds) + (components.attoseconds > 0 ? 1 : 0)
        return max(minimum, rounded)
    }
}
