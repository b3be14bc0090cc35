package import YAMLSource

/// Turns a parsed `apphost.yaml` into a `Manifest`, collecting every problem on the way.
///
/// The decoder checks shapes (known keys, value types, required fields); cross-resource rules
/// (references, cycles, ports) live in `Validator`.
package struct ManifestDecoder {
    static let resourceTypes = ["project", "executable", "container", "redis", "postgres", "parameter", "connectionString", "external"]
        + WellKnownType.all.map(\.name)
    static let runnableKeys = [
        "type", "env", "args", "references", "waitFor", "waitForCompletion", "endpoints", "external",
        "healthCheck", "restart", "replicas", "workingDir", "envFile", "stopSignal", "otel",
        "watch", "explicitStart",
    ]
    static let wellKnownKeys = [
        "type", "runtime", "image", "tag", "password", "port", "env", "args", "waitFor", "waitForCompletion",
        "restart", "external", "healthCheck", "stopSignal", "otel", "explicitStart", "lifetime",
    ]

    // Each type's allowed keys, built once (not concatenated per resource).
    static let projectKeys = runnableKeys + ["path", "command"]
    static let executableKeys = runnableKeys + ["command"]
    static let containerKeys = runnableKeys + ["image", "build", "entrypoint", "volumes", "bindMounts", "lifetime"]
    static let redisKeys = wellKnownKeys
    static let postgresKeys = wellKnownKeys + ["databases"]
    static let parameterKeys = ["type", "secret", "default", "generate"]
    static let connectionStringKeys = ["type", "value"]
    static let externalKeys = ["type", "url"]
    static let generateKeys = ["length", "lower", "upper", "numeric", "special"]

    /// `url.contains("://")`; ASCII text is searched as bytes (its characters are its bytes), which
    /// is much cheaper than the general substring search.
    static func hasScheme(_ url: String) -> Bool {
        let utf8 = url.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return url.contains("://") }
        let pattern: [UInt8] = [0x3A, 0x2F, 0x2F]
        var matched = 0
        for byte in utf8 {
            if byte == pattern[matched] {
                matched += 1
                if matched == pattern.count { return true }
            } else {
                matched = byte == pattern[0] ? 1 : 0
            }
        }
        return false
    }

    var reader: ValueReader
    let file: String

    /// Decodes `document`.
    /// - Parameters:
    ///   - document: The parsed file (its parse errors are reported too).
    ///   - directory: The manifest's folder, absolute.
    ///   - defaultName: The app name when the manifest has no `name:` (the folder's name).
    ///   - environment: The host environment for `${VAR}` interpolation.
    /// - Returns: The manifest (nil when the file is unusable) and every diagnostic found.
    package static func decode(
        _ document: YAMLDocument, directory: String, defaultName: String, environment: [String: String]
    ) -> (Manifest?, [Diagnostic]) {
        var decoder = ManifestDecoder(reader: ValueReader(interpolation: HostInterpolation(environment: environment)), file: document.file)
        let parseDiagnostics = Diagnostic.parseErrors(of: document)
        if !Diagnostic.isDecodable(document) { return (nil, parseDiagnostics) }
        let manifest = decoder.decodeRoot(document.root, defaultName: defaultName).map { head in
            var manifest = Manifest(name: head.name, file: document.file, directory: directory, resources: head.resources)
            manifest.undecodedNames = head.undecoded
            return manifest
        }
        return (manifest, parseDiagnostics + decoder.reader.diagnostics.settledAfterDecoding(for: manifest))
    }

    /// What the top level of a manifest gives: the app's name and its resources (those that
    /// could not be decoded only by name).
    struct Head {
        var name: String
        var resources: [Resource]
        var undecoded: Set<String>
    }

    // MARK: - Root

    mutating func decodeRoot(_ root: YAMLNode?, defaultName: String) -> Head? {
        guard let root else {
            reader.diagnostics.append(.error(.emptyManifest, at: SourceLocation(file: file, line: 1, column: 1)))
            return nil
        }
        let top = MappingReader(root, what: "the manifest", allowed: ["name", "resources"], diagnostics: &reader.diagnostics)
        guard root.kind == .mapping else { return nil }
        var name = defaultName
        if let node = top["name"], let value = reader.string(node, "name") {
            name = value
            if !ResourceName.isValid(value) {
                reader.diagnostics.append(.error(.invalidAppName(value), at: node.location))
            }
        }
        var resources: [Resource] = []
        var undecoded = Set<String>()
        if let node = top["resources"] {
            if node.kind == .mapping {
                decodeEntries(of: node, into: &resources, undecoded: &undecoded)
            } else if !node.isNull {
                reader.diagnostics.append(.error(.wrongType("resources", expected: "a mapping of resource names to resources", found: node), at: node.location))
            }
        } else {
            reader.diagnostics.append(.error(.missingResources, at: root.location))
        }
        return Head(name: name, resources: resources, undecoded: undecoded)
    }

    /// Decodes the entries of the `resources:` mapping `node`, in order.
    mutating func decodeEntries(of node: YAMLNode, into resources: inout [Resource], undecoded: inout Set<String>) {
        // A postgres entry adds its databases too; a little room saves copying the array.
        resources.reserveCapacity(resources.count + node.count + node.count / 8)
        reportInvalidMerges(in: node)
        reportingMergedValuesAtUse(node, deep: false) { decoder in
            for (key, value) in node.mergedPairView {
                guard let resourceName = key.scalar, key.kind == .scalar else {
                    decoder.reader.diagnostics.append(.error(.nonScalarKey(in: "resources"), at: key.location))
                    continue
                }
                if resourceName.hasPrefix("x-") { continue }
                let decoded = decoder.reportingMergedValuesAtUse(value) { decoder in
                    decoder.decodeResource(resourceName, key: key, node: value, into: &resources)
                }
                if !decoded { undecoded.insert(resourceName) }
            }
        }
    }

    // MARK: - Resources

    /// Decodes one resource (a postgres server adds its databases too) and appends it to
    /// `resources`; returns false when nothing could be decoded.
    private mutating func decodeResource(_ name: String, key: YAMLNode, node: YAMLNode, into resources: inout [Resource]) -> Bool {
        var what: String { "resource '\(name)'" }  // built only when a message needs it
        guard node.kind == .mapping else {
            reader.diagnostics.append(.error(.wrongType(what, expected: "a mapping with a 'type'", found: node), at: node.location))
            return false
        }
        guard let typeNode = node.mergedValue(forKey: "type") else {
            reader.diagnostics.append(.error(.missingField("type", in: what, hint: "one of \(Self.resourceTypes.joined(separator: ", "))"), at: key.location))
            return false
        }
        guard let type = reader.string(typeNode, "type") else { return false }
        let location = key.location
        switch type {
        case "project":
            let fields = MappingReader(node, what: what, allowed: Self.projectKeys, diagnostics: &reader.diagnostics)
            let path = reader.string(fields["path"], "path")
            let command = decodeCommand(fields["command"])
            if path == nil, command == nil, fields["path"] == nil, fields["command"] == nil {
                reader.diagnostics.append(.error(.missingField("path", in: what, hint: "the project's folder, e.g. path: ./\(name)"), at: location))
            }
            var run = decodeRunOptions(fields, resource: name)
            if let command, !command.arguments.isEmpty { run.args.insert(contentsOf: command.arguments, at: 0) }
            addDefaultHTTPEndpoint(&run, at: location, endpoints: fields["endpoints"])
            resources.append(Resource(name: name, location: location, kind: .project(Project(path: path ?? ".", command: command?.program)), run: run))
            return true
        case "executable":
            let fields = MappingReader(node, what: what, allowed: Self.executableKeys, diagnostics: &reader.diagnostics)
            let command = decodeCommand(fields["command"])
            if fields["command"] == nil {
                reader.diagnostics.append(.error(.missingField("command", in: what, hint: "the program to run, e.g. command: python3"), at: location))
            }
            var run = decodeRunOptions(fields, resource: name)
            if let command, !command.arguments.isEmpty { run.args.insert(contentsOf: command.arguments, at: 0) }
            addDefaultHTTPEndpoint(&run, at: location, endpoints: fields["endpoints"])
            resources.append(Resource(name: name, location: location, kind: .executable(Executable(command: command?.program ?? "")), run: run))
            return true
        case "container":
            let fields = MappingReader(
                node, what: what, allowed: Self.containerKeys, diagnostics: &reader.diagnostics)
            let container = decodeContainer(fields, what: what, at: location)
            let run = decodeRunOptions(fields, resource: name)
            if run.watch != nil, container.build == nil, let node = fields["watch"] {
                reader.diagnostics.append(.error(.watchNeedsBuild(name), at: node.location))
            }
            resources.append(Resource(name: name, location: location, kind: .container(container), run: run))
            return true
        case "redis", "postgres":
            let isPostgres = type == "postgres"
            let fields = MappingReader(
                node, what: what, allowed: isPostgres ? Self.postgresKeys : Self.redisKeys, diagnostics: &reader.diagnostics)
            decodeWellKnown(name, isPostgres: isPostgres, fields: fields, at: location, into: &resources)
            return true
        case "parameter":
            let fields = MappingReader(node, what: what, allowed: Self.parameterKeys, diagnostics: &reader.diagnostics)
            var parameter = Parameter()
            parameter.secret = reader.bool(fields["secret"], "secret") ?? false
            parameter.defaultValue = reader.string(fields["default"], "default")
            if let generate = fields["generate"] {
                parameter.generate = decodeGenerate(generate, what: "generate")
                if parameter.generate != nil, fields["default"] != nil {
                    reader.diagnostics.append(.error(.defaultAndGenerate(name), at: generate.location))
                }
            }
            resources.append(Resource(name: name, location: location, kind: .parameter(parameter)))
            return true
        case "connectionString":
            let fields = MappingReader(node, what: what, allowed: Self.connectionStringKeys, diagnostics: &reader.diagnostics)
            let value = reader.template(fields["value"], "value") ?? Template(literal: "")
            resources.append(Resource(name: name, location: location, kind: .connectionString(value)))
            return true
        case "external":
            let fields = MappingReader(node, what: what, allowed: Self.externalKeys, diagnostics: &reader.diagnostics)
            if fields["url"] == nil {
                reader.diagnostics.append(.error(.missingField("url", in: what, hint: "e.g. url: https://example.com"), at: location))
            }
            let url = reader.template(fields["url"], "url") ?? Template(literal: "")
            if let literal = url.literalValue, !literal.isEmpty, !Self.hasScheme(literal), let node = fields["url"] {
                reader.diagnostics.append(.error(.invalidURL(literal), at: node.location))
            }
            resources.append(Resource(name: name, location: location, kind: .external(url: url)))
            return true
        case _ where WellKnownType.named(type) != nil:
            let template = WellKnownType.named(type)
            var allowed: [String] = Self.wellKnownKeys.filter { $0 != "password" || template?.hasPassword == true }
            if template?.databases != nil { allowed.append("databases") }
            if template == .aws { allowed.append("region") }
            allowed += template?.childGroups.map(\.key) ?? []
            allowed += template?.switches.map(\.key) ?? []
            let fields = MappingReader(node, what: what, allowed: allowed, diagnostics: &reader.diagnostics)
            decodeWellKnown(name, isPostgres: false, template: template, fields: fields, at: location, into: &resources)
            return true
        default:
            reader.diagnostics.append(.error(.unknownType(type, suggestion: DidYouMean.suggestion(for: type, in: Self.resourceTypes)), at: typeNode.location))
            return false
        }
    }

    private mutating func decodeWellKnown(
        _ name: String, isPostgres: Bool, template: WellKnownType? = nil, fields: MappingReader, at location: SourceLocation,
        into resources: inout [Resource]
    ) {
        var wellKnown = WellKnown()
        if let node = fields["runtime"], let text = reader.string(node, "runtime") {
            if let runtime = WellKnown.Runtime(rawValue: text) {
                wellKnown.runtime = runtime
            } else {
                reader.diagnostics.append(.error(.invalidChoice(text, field: "runtime", choices: WellKnown.Runtime.allCases.map(\.rawValue)), at: node.location))
            }
        }
        wellKnown.image = reader.string(fields["image"], "image")
        wellKnown.tag = reader.string(fields["tag"], "tag")
        wellKnown.password = reader.template(fields["password"], "password")
        for item in template?.switches ?? [] {
            if let value = reader.bool(fields[item.key], item.key) { wellKnown.switches[item.key] = value }
        }
        var run = decodeRunOptions(fields, resource: name)
        let port = reader.int(fields["port"], "port")
        run.endpoints = [
            Endpoint(
                name: "tcp", scheme: .tcp, port: port, targetPort: template?.targetPort ?? (isPostgres ? 5432 : 6379),
                external: run.external, location: fields.keyLocation("port") ?? location, isImplicit: fields["port"] == nil)
        ]
        var databases: [Resource] = []
        if isPostgres || template?.databases != nil, let node = fields["databases"] {
            let names = template?.databases?.nameRule ?? DatabaseNameRule.postgres
            for (dbName, dbLocation, databaseName, nameLocation) in decodeDatabases(node) {
                if let rule = names.problem(with: databaseName) {
                    reader.diagnostics.append(
                        .invalidDatabaseName(databaseName, resource: dbName, rule: rule, fixed: names.suggestion(for: databaseName), at: nameLocation))
                }
                wellKnown.databases.append(dbName)
                databases.append(Resource(name: dbName, location: dbLocation, kind: .postgresDatabase(server: name, databaseName: databaseName)))
            }
        }
        if let template, !template.childGroups.isEmpty {
            decodeChildGroups(name, template, fields: fields, into: &wellKnown, children: &databases)
        }
        let kind: Resource.Kind = template.map { .wellKnown($0, wellKnown) } ?? (isPostgres ? .postgres(wellKnown) : .redis(wellKnown))
        resources.append(Resource(name: name, location: location, kind: kind, run: run))
        resources += databases
    }

    /// `databases: [a, b]` or `databases: {a: actual_name}`: each resource name and its location,
    /// the database's actual name and where that is written.
    mutating func decodeDatabases(_ node: YAMLNode) -> [(String, SourceLocation, String, SourceLocation)] {
        switch node.kind {
        case .sequence:
            return node.itemView.compactMap { item in
                reader.string(item, "databases").map { ($0, item.location, $0, item.location) }
            }
        case .mapping:
            reportInvalidMerges(in: node)
            return node.mergedPairView.compactMap { key, value in
                guard let name = key.scalar else { return nil }
                let databaseName = value.isNull ? name : reader.string(value, "database name") ?? name
                return (name, key.location, databaseName, value.isNull ? key.location : value.location)
            }
        case .scalar:
            reader.diagnostics.append(.error(.wrongType("databases", expected: "a list of database names", found: node), at: node.location))
            return []
        }
    }

    private mutating func decodeGenerate(_ node: YAMLNode, what: String) -> Parameter.Generate? {
        let fields = MappingReader(
            node, what: what, allowed: Self.generateKeys, diagnostics: &reader.diagnostics)
        guard node.kind == .mapping else { return nil }
        var generate = Parameter.Generate()
        if let node = fields["length"], let length = reader.int(node, "length") {
            if length < 1 || length > 1024 {
                reader.diagnostics.append(.error(.outOfRange("length", value: length, range: 1...1024), at: node.location))
            } else {
                generate.length = length
            }
        }
        generate.lower = reader.bool(fields["lower"], "lower") ?? true
        generate.upper = reader.bool(fields["upper"], "upper") ?? true
        generate.numeric = reader.bool(fields["numeric"], "numeric") ?? true
        generate.special = reader.bool(fields["special"], "special") ?? false
        if !(generate.lower || generate.upper || generate.numeric || generate.special) {
            reader.diagnostics.append(.error(.emptyCharacterSet, at: node.location))
        }
        return generate
    }

    private mutating func decodeContainer(_ fields: MappingReader, what: String, at location: SourceLocation) -> Container {
        var container = Container()
        container.image = reader.string(fields["image"], "image")
        if let node = fields["build"] {
            let build = MappingReader(node, what: "build", allowed: ["context", "dockerfile"], diagnostics: &reader.diagnostics)
            if node.kind == .mapping {
                if build["context"] == nil {
                    reader.diagnostics.append(.error(.missingField("context", in: "build", hint: "the folder to build, e.g. context: ./app"), at: node.location))
                }
                container.build = Container.Build(context: reader.string(build["context"], "context") ?? ".", dockerfile: reader.string(build["dockerfile"], "dockerfile"))
            }
        }
        if fields["image"] == nil, fields["build"] == nil {
            reader.diagnostics.append(.error(.missingField("image", in: what, hint: "an image such as docker.io/library/nginx:1.27, or build: {context: ./dir}"), at: location))
        }
        if fields["image"] != nil, fields["build"] != nil, let node = fields["build"] {
            reader.diagnostics.append(.error(.imageAndBuild, at: node.location))
        }
        container.entrypoint = reader.string(fields["entrypoint"], "entrypoint")
        if let node = fields["volumes"] {
            if node.kind != .sequence {
                reader.diagnostics.append(.error(.wrongType("volumes", expected: "a list", found: node), at: node.location))
            }
            for item in node.itemView {
                let volume = MappingReader(item, what: "volume", allowed: ["name", "target", "readOnly"], diagnostics: &reader.diagnostics)
                guard item.kind == .mapping else { continue }
                if volume["target"] == nil {
                    reader.diagnostics.append(.error(.missingField("target", in: "volume", hint: "the path inside the container"), at: item.location))
                }
                container.volumes.append(
                    Container.Volume(
                        name: reader.string(volume["name"], "name"), target: reader.string(volume["target"], "target") ?? "/",
                        readOnly: reader.bool(volume["readOnly"], "readOnly") ?? false))
            }
        }
        if let node = fields["bindMounts"] {
            if node.kind != .sequence {
                reader.diagnostics.append(.error(.wrongType("bindMounts", expected: "a list", found: node), at: node.location))
            }
            for item in node.itemView {
                let mount = MappingReader(item, what: "bind mount", allowed: ["source", "target", "readOnly"], diagnostics: &reader.diagnostics)
                guard item.kind == .mapping else { continue }
                for field in ["source", "target"] where mount[field] == nil {
                    reader.diagnostics.append(.error(.missingField(field, in: "bind mount", hint: field == "source" ? "a path relative to the manifest" : "the path inside the container"), at: item.location))
                }
                container.bindMounts.append(
                    Container.BindMount(
                        source: reader.string(mount["source"], "source") ?? ".", target: reader.string(mount["target"], "target") ?? "/",
                        readOnly: reader.bool(mount["readOnly"], "readOnly") ?? false))
            }
        }
        return container
    }
}
