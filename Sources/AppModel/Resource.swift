package import YAMLSource

/// One named resource of the app, with the fields its type allows.
package struct Resource: Sendable, Hashable {
    package var name: String
    /// Where the resource's name is written in the manifest.
    package var location: SourceLocation
    package var kind: Kind
    /// Fields shared by everything that runs (projects, executables, containers, well-known servers).
    package var run: RunOptions

    package init(name: String, location: SourceLocation, kind: Kind, run: RunOptions = RunOptions()) {
        self.name = name
        self.location = location
        self.kind = kind
        self.run = run
    }

    /// The resource type and its type-specific fields.
    ///
    /// The big payloads (a container's fields, a well-known type's whole template) are boxed:
    /// every resource is as large as the largest case, and a manifest holds thousands of them.
    package enum Kind: Sendable, Hashable {
        case project(Project)
        case executable(Executable)
        indirect case container(Container)
        case redis(WellKnown)
        case postgres(WellKnown)
        /// A server described by a `WellKnownType` template (memcached, …).
        indirect case wellKnown(WellKnownType, WellKnown)
        /// A database of a postgres server; `server` names the `postgres` resource.
        case postgresDatabase(server: String, databaseName: String)
        case parameter(Parameter)
        case connectionString(Template)
        case external(url: Template)
    }

    /// The `type:` word for this resource, as written in manifests.
    package var typeName: String {
        switch kind {
        case .project: "project"
        case .executable: "executable"
        case .container: "container"
        case .redis: "redis"
        case .postgres: "postgres"
        case .wellKnown(let type, _): type.name
        case .postgresDatabase: "postgres database"
        case .parameter: "parameter"
        case .connectionString: "connectionString"
        case .external: "external"
        }
    }

    /// True for resources the supervisor starts (they can be waited for and have endpoints).
    package var isRunnable: Bool {
        switch kind {
        case .project, .executable, .container, .redis, .postgres, .wellKnown: true
        case .postgresDatabase, .parameter, .connectionString, .external: false
        }
    }

    /// True for well-known servers that take a (generated or given) password.
    package var needsPassword: Bool {
        switch kind {
        case .redis, .postgres: true
        case .wellKnown(let type, _): type.hasPassword
        default: false
        }
    }

    /// True when referencing this resource injects a connection string.
    package var hasConnectionString: Bool {
        switch kind {
        case .redis, .postgres, .wellKnown, .postgresDatabase, .connectionString: true
        case .project, .executable, .container, .parameter, .external: false
        }
    }
}

/// `type: project` — a folder whose run command is detected, or given.
package struct Project: Sendable, Hashable {
    package var path: String
    package var command: String?

    package init(path: String, command: String? = nil) {
        self.path = path
        self.command = command
    }
}

/// `type: executable` — a command with argv.
package struct Executable: Sendable, Hashable {
    package var command: String

    package init(command: String) { self.command = command }
}

/// `type: container` — an image, or one built from a context.
package struct Container: Sendable, Hashable {
    package var image: String?
    package var build: Build?
    package var entrypoint: String?
    package var volumes: [Volume]
    package var bindMounts: [BindMount]

    package init(image: String? = nil, build: Build? = nil, entrypoint: String? = nil, volumes: [Volume] = [], bindMounts: [BindMount] = []) {
        self.image = image
        self.build = build
        self.entrypoint = entrypoint
        self.volumes = volumes
        self.bindMounts = bindMounts
    }

    package struct Build: Sendable, Hashable {
        package var context: String
        package var dockerfile: String?
    }

    package struct Volume: Sendable, Hashable {
        package var name: String?
        package var target: String
        package var readOnly: Bool
    }

    package struct BindMount: Sendable, Hashable {
        package var source: String
        package var target: String
        package var readOnly: Bool
    }
}

/// `type: redis | postgres | memcached …` — a well-known server, run as a container or natively.
package struct WellKnown: Sendable, Hashable {
    package enum Runtime: String, Sendable, Hashable, CaseIterable {
        case auto, container, native
    }

    package var runtime: Runtime
    package var image: String?
    package var tag: String?
    /// A template giving the password (e.g. `{pgpassword.value}`); nil = generated and kept in state.
    package var password: Template?
    /// Postgres only: database resource names, in order.
    package var databases: [String]
    /// aws: the region clients are told (nil = us-east-1), and each child's group (`buckets`, …) by resource name.
    package var region: String?
    package var childGroups: [String: String] = [:]
    /// The type's switches the manifest sets (`jetstream: true`); a missing key is off.
    package var switches: [String: Bool] = [:]

    package init(runtime: Runtime = .auto, image: String? = nil, tag: String? = nil, password: Template? = nil, databases: [String] = []) {
        self.runtime = runtime
        self.image = image
        self.tag = tag
        self.password = password
        self.databases = databases
    }
}

/// `type: parameter` — a value from the environment, a default, or generated.
package struct Parameter: Sendable, Hashable {
    package var secret: Bool
    package var defaultValue: String?
    package var generate: Generate?

    package init(secret: Bool = false, defaultValue: String? = nil, generate: Generate? = nil) {
        self.secret = secret
        self.defaultValue = defaultValue
        self.generate = generate
    }

    /// How to generate a value once (kept in the state folder afterwards).
    package struct Generate: Sendable, Hashable {
        package var length: Int
        package var lower: Bool
        package var upper: Bool
        package var numeric: Bool
        package var special: Bool

        package init(length: Int = 22, lower: Bool = true, upper: Bool = true, numeric: Bool = true, special: Bool = false) {
            self.length = length
            self.lower = lower
            self.upper = upper
            self.numeric = numeric
            self.special = special
        }
    }
}
