/// The template a well-known server type follows: one value says which image and native
/// program run it, on which port, how its health is checked and what a reference injects.
///
/// Adding a type is one file with one `static let` (see `WellKnownType+Memcached.swift`) and
/// its name in `all`. Redis and PostgreSQL predate the template and keep their own code
/// (passwords in config files, databases, a user switch), but follow the same shape.
///
/// Formats use placeholders: `{host}`, `{port}`, `{password}`, `{passwordURI}` (percent-encoded)
/// in connection strings and properties (and `{database}` in a postgres database's); `{bind}`
/// (`127.0.0.1`, or `0.0.0.0` when external), `{port}`, `{data}` (the data folder), `{config}`
/// (the config file's path) and `{targetPort}` in program arguments; `{password}` also in
/// `configFile`, which is where a password goes — never in argv, where `ps` would show it.
package struct WellKnownType: Sendable, Hashable {
    /// The `type:` word.
    package var name: String
    /// The official image and its default tag.
    package var image: String
    package var tag: String
    /// The port the server listens on inside its container.
    package var targetPort: Int
    /// True when the server takes a generated password (`{password}` is then available).
    package var hasPassword: Bool
    /// `ConnectionStrings__<name>`.
    package var connectionString: String
    /// `<NAME>_<PROPERTY>` values, in injection order.
    package var properties: [Property]
    /// The program run natively (looked up on PATH and in the sbin folders).
    package var nativeProgram: String
    /// Compatible programs tried when `nativeProgram` is missing (valkey → redis-server).
    package var nativeAlternatives: [String] = []
    package var nativeArguments: [String]
    /// How to install the native program, for messages.
    package var installHint: String
    /// Added to `nativeArguments` when aspire runs as root (servers that refuse root).
    package var rootArguments: [String] = []
    /// Arguments after the image in container mode.
    package var containerArguments: [String] = []
    /// Where the server keeps its data inside the container (a named volume); nil = none.
    package var containerDataPath: String?
    /// A config file (placeholders as for arguments, plus `{password}`), written 0600 natively
    /// and mounted read-only at `containerConfigPath` in a container; `{config}` is its path.
    package var configFile: String?
    package var containerConfigPath: String?
    /// What deployments (compose, Kubernetes, Aspire's manifest) run under `/bin/sh -c`, with
    /// the password in `$SERVER_PASSWORD`; nil = the image with `containerArguments`.
    package var deployedShellCommand: String?
    /// Variables the image reads (`{password}` filled in), passed by name through the engine's
    /// environment, never in argv.
    package var containerEnvironment: [String: String] = [:]
    /// The server's protocol greeting the health check waits for; nil = a TCP connect.
    package var greeting: Greeting?
    /// `databases:` children (mysql): how a database's connection string and properties differ
    /// from the server's, and which names the server takes.
    package var databases: Databases?
    /// Seconds after start in which failed health probes do not count (a slow-starting server).
    package var startPeriod: Int = 0
    /// True when no native server exists (mongodb, kafka): `runtime: native` is an error, and
    /// without an engine the error names the engine, not an install.
    package var containerOnly = false
    /// A health check run inside the container (`podman exec NAME …`), for protocols whose
    /// greeting is not a fixed few bytes (MongoDB's).
    package var containerHealthCommand: [String]?
    /// An HTTP health check (`GET path` answered 2xx/3xx) instead of a greeting (moto's S3 ListBuckets).
    package var healthPath: String?
    /// Children under other keys than `databases:` (aws: `buckets`, `queues`, `tables`).
    package var childGroups: [ChildGroup] = []
    /// Variables injected under their own names (not `<NAME>_…`): what AWS SDKs read.
    package var plainVariables: [Property] = []
    /// Boolean keys of the type (nats's `jetstream:`), each adding server arguments when on.
    package var switches: [Switch] = []
    /// The accounts the native server may run as when aspire is root, the first that exists
    /// (nats-server and redis-server have no user switch of its own); empty = `rootArguments` only.
    package var rootAccounts: [String] = []

    /// The first bytes a server sends (after `send`, when the protocol has the client speak first):
    /// `expect` at `offset`, checked by the health probe.
    package struct Greeting: Sendable, Hashable {
        package var send: [UInt8] = []
        package var expect: [UInt8]
        package var offset: Int = 0
        package var what: String
    }

    /// A server's databases: `{database}` in the formats is the database's name.
    package struct Databases: Sendable, Hashable {
        /// Appended to the server's connection string (`;Database={database}`).
        package var connectionSuffix: String
        /// The database's properties (the server's, with these replacing or adding).
        package var properties: [Property]
        /// The server's rule for a database name, for the error when one breaks it.
        package var rule: String
        /// The characters a name may hold (besides ASCII letters and digits), and its longest length.
        package var extraCharacters: String
        package var maxLength: Int
        /// The database's whole connection string, when it is not the server's plus `connectionSuffix`.
        package var connectionFormat: String?

        /// The name rule as `DatabaseNameRule` checks it (`maxLength` in UTF-8 bytes, ASCII only).
        package var nameRule: DatabaseNameRule {
            DatabaseNameRule(rule: rule, extraCharacters: extraCharacters, maxBytes: maxLength)
        }

        /// nil when the server takes `name`, else its rule.
        package func problem(with name: String) -> String? {
            nameRule.problem(with: name)
        }
    }

    /// One connection property: its suffix (`HOST`) and format (`{host}`).
    package struct Property: Sendable, Hashable {
        package var name: String
        package var format: String

        package init(_ name: String, _ format: String) {
            self.name = name
            self.format = format
        }
    }

    /// Every template-based type, by `type:` word.
    package static let all: [WellKnownType] = [.memcached, .valkey, .nats, .mysql, .rabbitmq, .mongodb, .kafka, .aws]

    package static func named(_ name: String) -> WellKnownType? {
        all.first { $0.name == name }
    }

    /// `format` with `{host}`, `{port}`, `{password}`, `{passwordURI}` and `{database}` filled in;
    /// the password stays marked secret. Filled-in text is not scanned again.
    package static func renderFormat(
        _ format: String, host: String, port: Int, password: ResolvedValue?, database: String? = nil
    ) -> ResolvedValue {
        var value = ResolvedValue()
        var rest = Substring(format)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            value = value + String(rest[..<open])
            switch rest[rest.index(after: open)..<close] {
            case "host": value = value + host
            case "port": value = value + String(port)
            case "database" where database != nil: value = value + (database ?? "")
            case "password": value = value + (password ?? ResolvedValue())
            case "passwordURI":
                value = value + ResolvedValue((password?.segments ?? []).map { .init(EnvironmentResolver.percentEncode($0.text), secret: $0.isSecret) })
            default: value = value + String(rest[open...close])
            }
            rest = rest[rest.index(after: close)...]
        }
        return value + String(rest)
    }

    /// `renderFormat` for this type's own formats.
    package func render(_ format: String, host: String, port: Int, password: ResolvedValue?) -> ResolvedValue {
        Self.renderFormat(format, host: host, port: port, password: password)
    }

    /// `format` (an argument or the config file) with `values` (`"{port}": "6379"`, …) filled in.
    /// Unknown placeholders stay as written.
    package static func fill(_ format: String, _ values: [String: String]) -> String {
        var result = ""
        var rest = Substring(format)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let token = rest[open...close]
            // A brace of the file's own syntax (`authorization {` in NATS's config) is text.
            if token.dropFirst().contains(where: { $0 == "{" || $0.isWhitespace }) {
                result += "{"
                rest = rest[rest.index(after: open)...]
                continue
            }
            result += values[String(token)] ?? String(token)
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
