import Foundation

/// Everything the supervisor needs to run an app, already resolved: argv, environment, ports.
///
/// The supervisor knows nothing of manifests; the CLI turns the app model into this plan, so the
/// supervisor can be tested with plain `/bin/sh` children and no YAML at all.
package struct LaunchPlan: Sendable, Hashable {
    /// The app's name, used in log prefixes and status lines.
    package var appName: String
    /// Where per-resource log files go (`<stateDirectory>/logs/<name>.log`).
    package var stateDirectory: String
    /// Services in manifest order.
    package var services: [ServiceSpec]
    /// How long a child gets between SIGTERM and SIGKILL.
    package var gracePeriod: Duration

    package init(appName: String, stateDirectory: String, services: [ServiceSpec], gracePeriod: Duration = .seconds(5)) {
        self.appName = appName
        self.stateDirectory = stateDirectory
        self.services = services
        self.gracePeriod = gracePeriod
    }
}

/// One runnable resource: one or more replicas of the same command.
package struct ServiceSpec: Sendable, Hashable {
    /// The resource's name (unique in the plan).
    package var name: String
    /// One entry per replica; a resource without `replicas:` has exactly one.
    package var replicas: [ReplicaSpec]
    /// The program to run: an absolute path, or a name looked up on the replica's `PATH`.
    package var executable: String
    package var arguments: [String]
    /// Absolute working directory.
    package var workingDirectory: String
    /// Names of services that must be running and healthy before this one starts.
    package var waitFor: [String]
    /// Names of services that must have exited with status 0 before this one starts.
    package var waitForCompletion: [String]
    package var healthCheck: HealthCheckSpec?
    package var restart: RestartSpec
    /// Listeners the supervisor itself owns in front of the replicas (only when replicas > 1).
    package var proxies: [ProxySpec]
    /// Host ports this service (or its proxy) will bind; checked free before anything starts.
    package var hostPorts: [Int]
    /// Values to mask as `***` wherever the supervisor prints this service's output or state.
    package var secrets: [String]
    /// Run the child as this user (e.g. `postgres`, which refuses to run as root); nil = as us.
    /// The credentials change in the child before the parent-death signal is armed, because
    /// the kernel clears that signal on a credential change.
    package var user: ProcessUser?
    /// Sent first to the child's process group when it is stopped (`stopSignal:`, compose's
    /// `stop_signal`), then the grace period, then SIGKILL.
    package var stopSignal: Int32 = SIGTERM
    /// The service this one is a part of, for a job that creates something inside it (a
    /// PostgreSQL database in its server). Once the job has succeeded it is reported as its
    /// parent's child, not as a finished process: healthy while the parent is up (unhealthy while
    /// the parent is), stopped once the parent is, and with no pid. Its output stays in its log.
    package var partOf: String?
    /// `explicitStart: true`: shown as `not started` until `Supervisor.start` names it.
    package var explicitStart = false
    /// Restart (or rebuild) on file changes; nil = not watched.
    package var watch: WatchSpec?
    /// `lifetime: persistent`: the command is a keeper that adopts or starts a server that outlives
    /// the run (its record is `PersistentRecord`); shown as persistent in status.
    package var persistent = false

    package init(
        name: String, replicas: [ReplicaSpec], executable: String, arguments: [String] = [],
        workingDirectory: String, waitFor: [String] = [], waitForCompletion: [String] = [],
        healthCheck: HealthCheckSpec? = nil, restart: RestartSpec = RestartSpec(),
        proxies: [ProxySpec] = [], hostPorts: [Int] = [], secrets: [String] = []
    ) {
        self.name = name
        self.replicas = replicas
        self.executable = executable
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.waitFor = waitFor
        self.waitForCompletion = waitForCompletion
        self.healthCheck = healthCheck
        self.restart = restart
        self.proxies = proxies
        self.hostPorts = hostPorts
        self.secrets = secrets
        self.user = nil
        self.partOf = nil
    }
}

/// What `watch:` asks of the supervisor: the folders to watch and what to ignore in them.
package struct WatchSpec: Sendable, Hashable {
    /// Absolute folders (or files), each watched recursively.
    package var roots: [String]
    /// Ignore patterns on top of the defaults and each root's `.gitignore`/`.dockerignore`.
    package var ignore: [String]
    /// A burst of changes closer together than this is one restart.
    package var debounce: Duration
    /// Also restart the services that `waitFor` this one.
    package var restartDependents: Bool

    package init(roots: [String], ignore: [String] = [], debounce: Duration = .milliseconds(300), restartDependents: Bool = false) {
        self.roots = roots
        self.ignore = ignore
        self.debounce = debounce
        self.restartDependents = restartDependents
    }
}

/// A numeric user and group to run a child as.
package struct ProcessUser: Sendable, Hashable {
    package var uid: UInt32
    package var gid: UInt32

    package init(uid: UInt32, gid: UInt32) {
        self.uid = uid
        self.gid = gid
    }
}

/// One process of a service.
package struct ReplicaSpec: Sendable, Hashable {
    /// The complete environment of the child (the supervisor adds nothing and inherits nothing).
    package var environment: [String: String]
    /// Ports this replica's health check talks to, by endpoint name (its own target ports).
    package var endpointPorts: [String: Int]

    package init(environment: [String: String], endpointPorts: [String: Int] = [:]) {
        self.environment = environment
        self.endpointPorts = endpointPorts
    }
}

/// A loopback (or all-interfaces) TCP listener spreading connections round-robin over replicas.
package struct ProxySpec: Sendable, Hashable {
    package var endpoint: String
    /// "127.0.0.1", or "0.0.0.0" for external endpoints.
    package var listenHost: String
    package var listenPort: Int
    /// One target port per replica, on 127.0.0.1.
    package var targetPorts: [Int]

    package init(endpoint: String, listenHost: String, listenPort: Int, targetPorts: [Int]) {
        self.endpoint = endpoint
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.targetPorts = targetPorts
    }
}

/// How the supervisor decides a running replica is healthy.
package struct HealthCheckSpec: Sendable, Hashable {
    package enum Probe: Sendable, Hashable {
        /// GET http://127.0.0.1:<replica's port of `endpoint`><path>; 2xx/3xx is healthy.
        case http(endpoint: String, path: String)
        /// A TCP connect to 127.0.0.1:<replica's port of `endpoint`> succeeds.
        case tcp(endpoint: String)
        /// The argv exits 0 (run with the replica's environment and working directory).
        case exec([String])
        /// A TCP connect, `greeting.send` written, and the server's first bytes hold
        /// `greeting.expect` at `greeting.offset`: the server answers its own protocol.
        case greeting(endpoint: String, Greeting)
    }

    /// The opening of a server's own protocol (NATS's `INFO`, MySQL's handshake, AMQP's
    /// `Connection.Start`), which a health check waits for.
    package struct Greeting: Sendable, Hashable {
        package var send: [UInt8]
        package var expect: [UInt8]
        package var offset: Int
        /// The protocol, for messages ("NATS INFO").
        package var what: String

        package init(send: [UInt8] = [], expect: [UInt8], offset: Int = 0, what: String) {
            (self.send, self.expect, self.offset, self.what) = (send, expect, offset, what)
        }
    }

    /// Where the check comes from, which decides what it does after the first success.
    package enum Kind: String, Sendable, Hashable {
        /// A health check (the manifest's, or a well-known server's): probed for as long as the
        /// replica runs; `retries` failures make it unhealthy.
        case declared
        /// The default readiness of a resource with an endpoint and no health check: its port
        /// accepts a TCP connection. Probed until the first success only; never unhealthy.
        case port
    }

    package var probe: Probe
    package var interval: Duration
    package var timeout: Duration
    /// Consecutive failures (after `startPeriod`) before the replica is unhealthy.
    package var retries: Int
    /// Failures during this window after start do not count.
    package var startPeriod: Duration
    /// Time between probes while the replica starts (compose's `start_interval`): until the
    /// first success or verdict, and within `startPeriod` when one is set.
    package var startInterval: Duration
    package var kind: Kind

    /// The default `startInterval`: 10 ms for a connect or a GET on loopback (microseconds of
    /// work each), 50 ms for an `exec` check, which spawns a process every time.
    package static func defaultStartInterval(for probe: Probe) -> Duration {
        if case .exec = probe { return .milliseconds(50) }
        return .milliseconds(10)
    }

    package init(
        probe: Probe, interval: Duration = .seconds(1), timeout: Duration = .seconds(2),
        retries: Int = 3, startPeriod: Duration = .zero, startInterval: Duration? = nil,
        kind: Kind = .declared
    ) {
        self.probe = probe
        self.interval = interval
        self.timeout = timeout
        self.retries = retries
        self.startPeriod = startPeriod
        self.startInterval = startInterval ?? Self.defaultStartInterval(for: probe)
        self.kind = kind
    }
}

/// When an exited replica is started again.
package struct RestartSpec: Sendable, Hashable {
    package enum Policy: String, Sendable, Hashable {
        case no, onFailure = "on-failure", always
    }

    package var policy: Policy
    /// nil = unlimited.
    package var maxRestarts: Int?

    package init(policy: Policy = .no, maxRestarts: Int? = nil) {
        self.policy = policy
        self.maxRestarts = maxRestarts
    }
}
