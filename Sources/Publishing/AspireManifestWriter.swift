import AppModel
import Foundation
import Quoting

/// `aspire publish --target manifest`: `aspire-manifest.json` in Aspire's own format (schema
/// `aspire-8.0.json`), as `dotnet run --publisher manifest` would write it for the same app.
///
/// Like Aspire, it writes the environment each resource receives explicitly (connection strings,
/// service discovery, connection properties), as expressions over `{r.bindings.E.*}`,
/// `{r.connectionString}` and `{p.value}`; redis and postgres become `container.v0`s with
/// generated password parameters; databases become `value.v0`s. Paths are made relative to the
/// output folder, where the manifest lives. Reading the file back (`-f aspire-manifest.json`)
/// gives an app whose resources receive the same environment.
struct AspireManifestWriter {
    static let fileName = "aspire-manifest.json"
    static let schema = "https://json.schemastore.org/aspire-8.0.json"

    let manifest: Manifest
    let options: PublishOptions

    func render() throws(PublishError) -> PublishReport {
        var context = Context(manifest: manifest, options: options)
        var resources: [(key: String, value: JSONValue)] = []
        for resource in manifest.resources {
            resources += context.entries(for: resource)
        }
        resources += context.annotatedStrings()
        let document = JSONValue.object([("$schema", .string(Self.schema)), ("resources", .object(resources))])
        return PublishReport(files: [OutputFile(path: Self.fileName, contents: document.text)], notes: context.notes)
    }
}

extension AspireManifestWriter {
    /// Per-render state: the names of generated parameters, and notes.
    struct Context {
        let manifest: Manifest
        let options: PublishOptions
        var notes: [PublishNote] = []
        /// Server → its generated password parameter (`cache-password`).
        private var passwordParameters: [String: String] = [:]
        /// Parameter → its `annotated.string` with `filter: uri`, in the order first needed.
        private var uriEncoded: [(parameter: String, name: String)] = []
        private var taken: Set<String>

        init(manifest: Manifest, options: PublishOptions) {
            self.manifest = manifest
            self.options = options
            taken = Set(manifest.resourceNames)
            for resource in manifest.resources {
                switch resource.kind {
                case .redis(let wellKnown), .postgres(let wellKnown), .wellKnown(_, let wellKnown):
                    if wellKnown.password == nil, resource.needsPassword { passwordParameters[resource.name] = unique("\(resource.name)-password") }
                default:
                    break
                }
            }
        }

        private mutating func unique(_ base: String) -> String {
            var name = base
            var counter = 2
            while taken.contains(name) {
                name = "\(base)-\(counter)"
                counter += 1
            }
            taken.insert(name)
            return name
        }

        // MARK: - Resources

        /// The manifest entries for one resource (a server brings its password parameter along).
        mutating func entries(for resource: Resource) -> [(key: String, value: JSONValue)] {
            let name = resource.name
            var lost: [String] = []
            if !resource.run.waitFor.isEmpty { lost.append("waitFor") }
            if !resource.run.waitForCompletion.isEmpty { lost.append("waitForCompletion") }
            if resource.run.healthCheck != nil { lost.append("healthCheck") }
            if resource.run.restart.policy != .no { lost.append("restart") }
            if resource.run.replicas > 1 { lost.append("replicas") }
            if resource.run.envFile != nil { lost.append("envFile") }
            if !lost.isEmpty {
                notes.append(PublishNote(name, "\(lost.joined(separator: ", ")) cannot be written in Aspire's manifest format; left out"))
            }
            switch resource.kind {
            case .project(let project):
                return [(name, projectEntry(resource, project))]
            case .executable(let executable):
                var pairs: [(key: String, value: JSONValue)] = [
                    ("type", "executable.v0"), ("workingDirectory", .string(rebased(resource.run.workingDir ?? "."))),
                    ("command", .string(executable.command)),
                ]
                pairs += runnable(resource)
                return [(name, .object(pairs))]
            case .container(let container):
                return [(name, containerEntry(resource, container))]
            case .redis, .postgres, .wellKnown:
                var result = [(key: name, value: serverEntry(resource))]
                if let parameter = passwordParameters[name] {
                    result.append((parameter, parameterEntry(parameter, secret: true, defaultValue: nil, generate: Parameter.Generate(length: 22))))
                }
                return result
            case .postgresDatabase(let server, let databaseName):
                return [(name, .object([("type", "value.v0"), ("connectionString", .string("{\(server).connectionString};Database=\(databaseName)"))]))]
            case .parameter(let parameter):
                return [(name, parameterEntry(name, secret: parameter.secret, defaultValue: parameter.defaultValue, generate: parameter.generate))]
            case .connectionString(let template):
                if template.parts.isEmpty {
                    // Aspire's AddConnectionString: a secret parameter whose value is the connection string.
                    var entry = parameterEntry(name, secret: true, defaultValue: nil, generate: nil)
                    if case .object(var pairs) = entry {
                        pairs.insert(("connectionString", .string("{\(name).value}")), at: 1)
                        entry = .object(pairs)
                    }
                    return [(name, entry)]
                }
                return [(name, .object([("type", "value.v0"), ("connectionString", .string(text(template)))]))]
            case .external:
                // Aspire has no resource for a URL: it is written where it is used.
                return []
            }
        }

        private mutating func projectEntry(_ resource: Resource, _ project: Project) -> JSONValue {
            let folder = PathArithmetic.absolute(project.path, base: manifest.directory)
            if let command = project.command {
                var pairs: [(key: String, value: JSONValue)] = [
                    ("type", "executable.v0"), ("workingDirectory", .string(rebased(project.path))), ("command", .string(command)),
                ]
                pairs += runnable(resource)
                notes.append(PublishNote(resource.name, "has a 'command', so it is written as an executable.v0"))
                return .object(pairs)
            }
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            var path = rebased(project.path)
            if let csproj = files.sorted().first(where: { $0.hasSuffix(".csproj") }) {
                path = path == "." ? csproj : "\(path)/\(csproj)"
            } else {
                notes.append(
                    PublishNote(resource.name, "is not a .NET project (no .csproj); its folder is written as the project path, which aspire reads back but Aspire's own tools do not"))
            }
            return .object([("type", "project.v0"), ("path", .string(path))] + runnable(resource))
        }

        private mutating func containerEntry(_ resource: Resource, _ container: Container) -> JSONValue {
            var pairs: [(key: String, value: JSONValue)]
            if let build = container.build {
                let context = PathArithmetic.absolute(build.context, base: manifest.directory)
                let dockerfile = PathArithmetic.absolute(build.dockerfile ?? "Dockerfile", base: context)
                pairs = [
                    ("type", "container.v1"),
                    (
                        "build",
                        .object([
                            ("context", .string(PathArithmetic.relative(from: options.outputDirectory, to: context))),
                            ("dockerfile", .string(PathArithmetic.relative(from: options.outputDirectory, to: dockerfile))),
                        ])
                    ),
                ]
            } else {
                pairs = [("type", "container.v0"), ("image", .string(container.image ?? ""))]
            }
            if let entrypoint = container.entrypoint { pairs.append(("entrypoint", .string(entrypoint))) }
            if !resource.run.args.isEmpty { pairs.append(("args", .array(resource.run.args.map { .string(text($0)) }))) }
            if !container.volumes.isEmpty {
                pairs.append(
                    (
                        "volumes",
                        .array(
                            container.volumes.enumerated().map { index, volume in
                                // Aspire's volumes are named; an anonymous one gets a stable name.
                                let name = volume.name ?? "\(manifest.name)-\(resource.name)-data\(index == 0 ? "" : "-\(index)")"
                                return .object([("name", .string(name)), ("target", .string(volume.target)), ("readOnly", .bool(volume.readOnly))])
                            })
                    ))
            }
            if !container.bindMounts.isEmpty {
                pairs.append(
                    (
                        "bindMounts",
                        .array(
                            container.bindMounts.map { mount in
                                .object([("source", .string(rebased(mount.source))), ("target", .string(mount.target)), ("readOnly", .bool(mount.readOnly))])
                            })
                    ))
            }
            pairs += runnable(resource, includeArgs: false)
            return .object(pairs)
        }

        /// Redis and postgres as Aspire writes them: official images, password in the environment.
        private mutating func serverEntry(_ resource: Resource) -> JSONValue {
            let name = resource.name
            let password = passwordText(of: name)
            var pairs: [(key: String, value: JSONValue)] = [("type", "container.v0")]
            var environment: [(key: String, value: JSONValue)]
            switch resource.kind {
            case .redis(let wellKnown):
                pairs.append(("connectionString", .string("{\(name).bindings.tcp.host}:{\(name).bindings.tcp.port},password=\(password)")))
                pairs.append(("image", .string(WellKnownImage.redis.reference(wellKnown, images: options.baseImages))))
                pairs.append(("entrypoint", "/bin/sh"))
                let extra = resource.run.args.map { " " + Shell.quote(text($0)) }.joined()
                pairs.append(("args", .array(["-c", .string("redis-server --requirepass $REDIS_PASSWORD" + extra)])))
                environment = [("REDIS_PASSWORD", .string(password))]
            case .postgres(let wellKnown):
                pairs.append(("connectionString", .string("Host={\(name).bindings.tcp.host};Port={\(name).bindings.tcp.port};Username=postgres;Password=\(password)")))
                pairs.append(("image", .string(WellKnownImage.postgres.reference(wellKnown, images: options.baseImages))))
                if !resource.run.args.isEmpty { pairs.append(("args", .array(["postgres"] + resource.run.args.map { .string(text($0)) }))) }
                environment = [
                    ("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256"),
                    ("POSTGRES_INITDB_ARGS", "--auth-host=scram-sha-256 --auth-local=scram-sha-256"),
                    ("POSTGRES_USER", "postgres"),
                    ("POSTGRES_PASSWORD", .string(password)),
                ]
            case .wellKnown(let type, let wellKnown):
                let host = "{\(name).bindings.tcp.host}"
                let port = "{\(name).bindings.tcp.port}"
                let connection = type.connectionString.replacingOccurrences(of: "{host}", with: host).replacingOccurrences(of: "{port}", with: port)
                // `{passwordURI}`: the password expression percent-encoded (Aspire's `:uri` format).
                let passwordURI = password.hasSuffix(".value}") ? String(password.dropLast()) + ":uri}" : password
                pairs.append(
                    ("connectionString", .string(connection.replacingOccurrences(of: "{passwordURI}", with: passwordURI).replacingOccurrences(of: "{password}", with: password))))
                pairs.append(("image", .string(WellKnownImage.template(type, wellKnown, images: options.baseImages).image)))
                environment = []
                if let shell = WellKnownImage.shell(type, wellKnown) {
                    pairs.append(("entrypoint", "/bin/sh"))
                    let extra = resource.run.args.map { " " + Shell.quote(text($0)) }.joined()
                    pairs.append(("args", .array(["-c", .string(shell + extra)])))
                    environment = [("SERVER_PASSWORD", .string(password))]
                } else {
                    let arguments = WellKnownImage.template(type, wellKnown, images: options.baseImages).arguments + resource.run.args.map { text($0) }
                    if !arguments.isEmpty { pairs.append(("args", .array(arguments.map { .string($0) }))) }
                }
                for (key, value) in type.deployedEnvironment(service: name) {
                    environment.append((key, .string(value ?? password)))
                }
            default:
                return .object(pairs)
            }
            for (key, value) in self.environment(of: resource) {
                environment.removeAll { $0.key == key }
                environment.append((key, .string(value)))
            }
            pairs.append(("env", .object(environment)))
            pairs.append(("bindings", .object(resource.run.endpoints.map { ($0.name, binding($0)) })))
            return .object(pairs)
        }

        private func parameterEntry(_ name: String, secret: Bool, defaultValue: String?, generate: Parameter.Generate?) -> JSONValue {
            var input: [(key: String, value: JSONValue)] = [("type", "string")]
            if secret { input.append(("secret", true)) }
            if let defaultValue {
                input.append(("default", .object([("value", .string(defaultValue))])))
            } else if let generate {
                // Aspire's character classes default to on; only the ones turned off are written.
                var options: [(key: String, value: JSONValue)] = [("minLength", .int(generate.length))]
                for (flag, on) in [("lower", generate.lower), ("upper", generate.upper), ("numeric", generate.numeric), ("special", generate.special)] where !on {
                    options.append((flag, false))
                }
                input.append(("default", .object([("generate", .object(options))])))
            }
            return .object([
                ("type", "parameter.v0"), ("value", .string("{\(name).inputs.value}")), ("inputs", .object([("value", .object(input))])),
            ])
        }

        /// `annotated.string` entries (`filter: uri`) for the passwords used inside URIs.
        func annotatedStrings() -> [(key: String, value: JSONValue)] {
            uriEncoded.map { parameter, name in
                (name, .object([("type", "annotated.string"), ("value", .string("{\(parameter).value}")), ("filter", "uri")]))
            }
        }

        // MARK: - Shared fields

        /// `args`, `env` and `bindings` of anything that runs.
        private mutating func runnable(_ resource: Resource, includeArgs: Bool = true) -> [(key: String, value: JSONValue)] {
            var pairs: [(key: String, value: JSONValue)] = []
            if includeArgs, !resource.run.args.isEmpty { pairs.append(("args", .array(resource.run.args.map { .string(text($0)) }))) }
            let environment = self.environment(of: resource)
            if !environment.isEmpty { pairs.append(("env", .object(environment.map { ($0.key, .string($0.value)) }))) }
            if !resource.run.endpoints.isEmpty {
                pairs.append(("bindings", .object(resource.run.endpoints.map { ($0.name, binding($0)) })))
            }
            return pairs
        }

        private func binding(_ endpoint: Endpoint) -> JSONValue {
            let isHTTP = endpoint.scheme == .http || endpoint.scheme == .https
            var pairs: [(key: String, value: JSONValue)] = [
                ("scheme", .string(endpoint.scheme.rawValue)), ("protocol", .string(endpoint.scheme == .udp ? "udp" : "tcp")),
                ("transport", .string(isHTTP ? "http" : "tcp")),
            ]
            if let port = endpoint.port { pairs.append(("port", .int(port))) }
            if let targetPort = endpoint.targetPort { pairs.append(("targetPort", .int(targetPort))) }
            if endpoint.external { pairs.append(("external", true)) }
            return .object(pairs)
        }

        /// A path relative to the apphost.yaml, made relative to the manifest being written.
        private func rebased(_ path: String) -> String {
            if path.hasPrefix("/") { return path }
            return PathArithmetic.relative(from: options.outputDirectory, to: PathArithmetic.absolute(path, base: manifest.directory))
        }

        // MARK: - Passwords

        /// `{cache-password.value}`, or the server's own `password:`.
        func passwordText(of server: String) -> String {
            if let parameter = passwordParameters[server] { return "{\(parameter).value}" }
            switch manifest[server]?.kind {
            case .redis(let wellKnown)?, .postgres(let wellKnown)?, .wellKnown(_, let wellKnown)?:
                return wellKnown.password.map(text) ?? ""
            default:
                return ""
            }
        }

        /// The password as it goes in a URI: through an `annotated.string` with `filter: uri`.
        mutating func encodedPasswordText(of server: String) -> String {
            var parameter = passwordParameters[server]
            if parameter == nil {
                switch manifest[server]?.kind {
                case .redis(let wellKnown)?, .postgres(let wellKnown)?, .wellKnown(_, let wellKnown)?:
                    if let template = wellKnown.password, template.parts.count == 1, case .expression(let expression) = template.parts[0],
                        case .value = expression.property
                    {
                        parameter = expression.resource
                    }
                default:
                    break
                }
            }
            guard let parameter else { return passwordText(of: server) }
            if let existing = uriEncoded.first(where: { $0.parameter == parameter }) { return "{\(existing.name).value}" }
            let name = unique("\(parameter)-uri-encoded")
            uriEncoded.append((parameter, name))
            return "{\(name).value}"
        }
    }
}
