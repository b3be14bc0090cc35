package import YAMLSource

/// Fields every runnable resource may have (DESIGN §2).
package struct RunOptions: Sendable, Hashable {
    package var env: [EnvEntry] = []
    package var args: [Template] = []
    package var references: [Reference] = []
    package var waitFor: [NameRef] = []
    package var waitForCompletion: [NameRef] = []
    /// Endpoints in manifest order (defaults are added by the decoder for projects/executables).
    package var endpoints: [Endpoint] = []
    /// `external: true` on the resource: all its http(s) endpoints are external.
    package var external: Bool = false
    /// Boxed: few resources have one, and inline it would make every resource 120 bytes larger.
    package var healthCheck: HealthCheck? {
        get { healthCheckBox?.value }
        set { healthCheckBox = newValue.map(Box.init) }
    }
    private var healthCheckBox: Box<HealthCheck>?
    package var restart: Restart = Restart()
    package var replicas: Int = 1
    /// The most `replicas` one resource may ask for (docs/manifest.md says why 1,000).
    package static let maximumReplicas = 1_000
    package var replicasLocation: SourceLocation?
    package var workingDir: String?
    package var envFile: String?
    /// Where `envFile:` is written, for errors about the file it names.
    package var envFileLocation: SourceLocation?
    /// `stopSignal:`: sent first when the resource is stopped; nil = SIGTERM.
    package var stopSignal: StopSignal?
    /// `otel: false`: inject none of the OpenTelemetry variables (docs/telemetry.md).
    package var otel: Bool = true
    /// `explicitStart: true`: planned but not started until `aspire start NAME` (or the dashboard).
    package var explicitStart: Bool = false
    /// `lifetime: persistent` (containers and well-known servers): the server outlives `up`
    /// and the next `up` adopts it when its launch configuration is unchanged
    /// (docs/manifest.md#lifetime).
    package var lifetime: Lifetime = .session
    /// `watch:`; boxed like `healthCheck` (rare and large).
    package var watch: Watch? {
        get { watchBox?.value }
        set { watchBox = newValue.map(Box.init) }
    }
    private var watchBox: Box<Watch>?

    package init() {}
}

/// How long a resource's process lives: the run (`session`, the default) or across runs.
package enum Lifetime: String, Sendable, Hashable, CaseIterable {
    case session, persistent
}

/// An immutable value on the heap, compared and hashed by value: keeps a rarely set, large
/// field from growing the struct that holds it.
final class Box<Value: Sendable & Hashable>: Sendable, Hashable {
    let value: Value

    init(_ value: Value) { self.value = value }

    static func == (lhs: Box, rhs: Box) -> Bool { lhs.value == rhs.value }
    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

/// A resource name written somewhere in the manifest, with its place.
package struct NameRef: Sendable, Hashable {
    package var name: String
    package var location: SourceLocation

    package init(_ name: String, at location: SourceLocation) {
        self.name = name
        self.location = location
    }
}

/// One `env:` entry; the value may hold expressions.
package struct EnvEntry: Sendable, Hashable {
    package var name: String
    package var value: Template
    package var location: SourceLocation

    package init(name: String, value: Template, location: SourceLocation) {
        self.name = name
        self.value = value
        self.location = location
    }
}

/// `references:` — a name, or `{resource, connectionName, optional}`.
package struct Reference: Sendable, Hashable {
    package var target: NameRef
    /// The name used in `ConnectionStrings__<name>` and the `<NAME>_*` properties.
    package var connectionName: String?
    /// An optional reference to a missing resource is skipped instead of failing.
    package var optional: Bool

    package init(target: NameRef, connectionName: String? = nil, optional: Bool = false) {
        self.target = target
        self.connectionName = connectionName
        self.optional = optional
    }
}

/// A named endpoint of a resource.
package struct Endpoint: Sendable, Hashable {
    package enum Scheme: String, Sendable, Hashable, CaseIterable {
        case http, https, tcp, udp
    }

    package var name: String
    package var scheme: Scheme
    /// Host port; nil = allocated (and kept stable in the state folder).
    package var port: Int?
    /// What the process listens on; nil = the host port (processes) or required (containers).
    package var targetPort: Int?
    /// The variable that tells the process its port (`PORT` by default for the first http endpoint).
    package var env: String?
    package var external: Bool
    package var location: SourceLocation
    /// True when the manifest did not write this endpoint (the default `http` of a project).
    package var isImplicit: Bool

    package init(
        name: String, scheme: Scheme, port: Int? = nil, targetPort: Int? = nil, env: String? = nil,
        external: Bool = false, location: SourceLocation, isImplicit: Bool = false
    ) {
        self.name = name
        self.scheme = scheme
        self.port = port
        self.targetPort = targetPort
        self.env = env
        self.external = external
        self.location = location
        self.isImplicit = isImplicit
    }
}

/// `healthCheck:` — how to tell a running resource is healthy.
package struct HealthCheck: Sendable, Hashable {
    package enum Probe: Sendable, Hashable {
        case http(path: String, endpoint: String?)
        case tcp(endpoint: String?)
        case exec([String])
    }

    package var probe: Probe
    package var interval: Duration = .seconds(1)
    package var timeout: Duration = .seconds(2)
    package var retries: Int = 3
    package var startPeriod: Duration = .zero
    /// `startInterval:`: how often to probe until the first success; nil = the supervisor's default (50 ms).
    package var startInterval: Duration?
    package var location: SourceLocation

    package init(probe: Probe, location: SourceLocation) {
        self.probe = probe
        self.location = location
    }
}

/// `restart:` — `no` | `on-failure` | `always`, or `{policy, maxRestarts}`.
package struct Restart: Sendable, Hashable {
    package enum Policy: String, Sendable, Hashable, CaseIterable {
        case no, onFailure = "on-failure", always
    }

    package var policy: Policy = .no
    package var maxRestarts: Int?

    package init(policy: Policy = .no, maxRestarts: Int? = nil) {
        self.policy = policy
        self.maxRestarts = maxRestarts
    }
}
