/// The values that make a manifest concrete: ports, parameter values, passwords.
///
/// `AppState` fills this from the state folder and the host environment; keeping it a plain
/// value lets the environment resolver stay pure and testable.
package struct Bindings: Sendable, Hashable {
    /// Host port of each endpoint, keyed by `EndpointID`.
    package var hostPorts: [EndpointID: Int] = [:]
    /// For proxied endpoints (replicas, or a targetPort differing from the port): the port each
    /// replica listens on.
    package var replicaPorts: [EndpointID: [Int]] = [:]
    /// Every parameter's value.
    package var parameters: [String: String] = [:]
    /// Passwords of well-known servers that have no `password:` of their own.
    package var passwords: [String: String] = [:]
    /// The host environment (`ConnectionStrings__x` for connectionString resources with no value).
    package var hostEnvironment: [String: String] = [:]
    /// Variables read from each resource's `envFile`, in file order.
    package var envFiles: [String: [(String, String)]] = [:]
    /// The OTLP receiver children export to; nil = none (only the service name and instance id are injected).
    package var telemetry: TelemetryEndpoint?
    /// Makes `service.instance.id` unique per run (`up` sets a fresh one); nil = the resource's name.
    package var runID: String?
    /// Projects detected as .NET (`dotnet run`): they export over OTLP/gRPC, as in Aspire.
    package var dotnetProjects: Set<String> = []

    package init() {}

    package static func == (lhs: Bindings, rhs: Bindings) -> Bool {
        lhs.hostPorts == rhs.hostPorts && lhs.replicaPorts == rhs.replicaPorts && lhs.parameters == rhs.parameters
            && lhs.passwords == rhs.passwords
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(hostPorts)
        hasher.combine(parameters)
    }
}

/// Where `up`'s OTLP receivers listen (on loopback), and the key each request must carry.
package struct TelemetryEndpoint: Sendable, Hashable {
    /// OTLP/HTTP (`@otlp.http` in ports.json).
    package var port: Int
    /// OTLP/gRPC (`@otlp.grpc`); nil = none (then every resource exports over HTTP).
    package var grpcPort: Int?
    package var apiKey: String

    /// The address both receivers bind and processes are told (never `localhost`: docs/telemetry.md).
    package static let loopback = "127.0.0.1"

    package init(port: Int, grpcPort: Int? = nil, apiKey: String) {
        self.port = port
        self.grpcPort = grpcPort
        self.apiKey = apiKey
    }
}

/// `resource.endpoint`, the key of an endpoint's port.
package struct EndpointID: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    package var resource: String
    package var endpoint: String

    package init(_ resource: String, _ endpoint: String) {
        self.resource = resource
        self.endpoint = endpoint
    }

    package var description: String { "\(resource).\(endpoint)" }

    package static func < (lhs: EndpointID, rhs: EndpointID) -> Bool { lhs.description < rhs.description }
}
