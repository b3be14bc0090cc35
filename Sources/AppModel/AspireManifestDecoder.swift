package import YAMLSource

/// Turns an `aspire-manifest.json` (what `dotnet run --publisher manifest` writes) into the same
/// `Manifest` that apphost.yaml gives, so `validate`, `env`, `graph` and `up` work on it unchanged.
///
/// The JSON is parsed by the YAML shim (JSON is YAML 1.2 flow syntax), so every value has a
/// line:column. Reading happens in two passes: first every resource is read as written (its
/// strings kept raw), then the strings become `Template`s, once every name and type is known.
/// That second pass is where Aspire's shapes meet ours: a container's `connectionString`, an
/// `annotated.string` and an empty `value.v0` have no resource of their own in our model, so the
/// expressions that use them are replaced by their text (docs/publishing.md lists the rules).
/// Cloud-only types (`azure.*`, `aws.*`, `dapr.*`, anything unknown) are warnings, never errors.
package struct AspireManifestDecoder {
    let file: String
    /// The manifest's folder, absolute (Aspire's relative paths start there).
    let directory: String
    var diagnostics: [Diagnostic] = []
    /// Resources in manifest order, read but not yet resolved.
    var drafts: [Draft] = []
    /// What an expression naming each resource turns into.
    var entries: [String: Entry] = [:]
    /// Resources that are skipped (unsupported types), with the places that use them.
    var skipped: [String: Skipped] = [:]
    var skippedOrder: [String] = []
    /// Templates already inlined, keyed `name.property`.
    var inlined: [String: Template] = [:]
    /// Resources that hold a value and have no bindings (`parameter.v0`, `value.v0`,
    /// `annotated.string`), by name, with their type.
    var bindingless: [String: String] = [:]
    /// Those some expression points into for bindings anyway (`Manifest.unboundExpressionTargets`).
    var unboundTargets: Set<String> = []

    /// Decodes `document`.
    /// - Parameters:
    ///   - document: The parsed JSON (its parse errors are reported too).
    ///   - directory: The manifest's folder, absolute.
    ///   - defaultName: The app's name (Aspire manifests have none; the folder's name is used).
    /// - Returns: The manifest (nil when the file is unusable) and every diagnostic found.
    package static func decode(_ document: YAMLDocument, directory: String, defaultName: String) -> (Manifest?, [Diagnostic]) {
        let parseDiagnostics = Diagnostic.parseErrors(of: document)
        if !Diagnostic.isDecodable(document) { return (nil, parseDiagnostics) }
        var decoder = AspireManifestDecoder(file: document.file, directory: directory)
        let manifest = decoder.decodeRoot(document.root, defaultName: defaultName)
        var seen = Set<Diagnostic>()
        let unique = decoder.diagnostics.filter { seen.insert($0).inserted }
        return (manifest, parseDiagnostics + unique)
    }

    // MARK: - What the first pass keeps

    /// A string as written, with where it is (for expression locations and JSON paths).
    struct RawString {
        var text: String
        var node: YAMLNode
        var path: String
    }

    /// One resource as read, before its strings become templates.
    struct Draft {
        enum Kind {
            case project(Project)
            case executable(Executable)
            case container(Container)
            case parameter(Parameter)
            /// `value.v0`, or a parameter that is an Aspire `AddConnectionString` (nil: from the environment).
            case connectionString(RawString?)
        }

        var name: String
        var location: SourceLocation
        var kind: Kind
        var env: [(name: String, value: RawString, location: SourceLocation)] = []
        var args: [RawString] = []
        var endpoints: [Endpoint] = []
        var workingDir: String?
    }

    /// What `{name.connectionString}` and `{name.value}` become.
    struct Entry {
        enum Source {
            /// An expression of our model (the resource provides it itself).
            case keep
            /// The text of another string, resolved in turn (a container's connection string).
            case inline(RawString)
            /// Fixed text (an empty `value.v0`).
            case literal(String)
            /// `{p.value}` of an Aspire connection-string parameter is its connection string.
            case asConnectionString
        }

        var connectionString: Source = .keep
        var value: Source = .keep
        /// Endpoint name → scheme as written, for schemes our endpoints cannot hold (`redis`).
        var schemes: [String: String] = [:]
    }

    struct Skipped {
        /// The warning that says it is skipped; notes are added for every place that uses it.
        var message: Diagnostic.Message
        var location: SourceLocation
        var users: [Diagnostic.Note] = []
    }

    static let resourceKeys: [String: [String]] = [
        "project": ["type", "path", "args", "env", "bindings", "connectionString", "deployment", "containerFiles"],
        "container": [
            "type", "image", "build", "entrypoint", "args", "env", "bindings", "bindMounts", "volumes", "connectionString",
            "deployment", "containerFiles",
        ],
        "dockerfile": ["type", "path", "context", "env", "bindings", "buildArgs", "connectionString"],
        "executable": ["type", "command", "workingDirectory", "args", "env", "bindings", "connectionString", "containerFiles"],
        "parameter": ["type", "value", "inputs", "connectionString"],
        "value": ["type", "connectionString", "value"],
        "annotated": ["type", "value", "filter"],
    ]

    // MARK: - Root

    private mutating func decodeRoot(_ root: YAMLNode?, defaultName: String) -> Manifest? {
        guard let root else {
            diagnostics.append(.error(.emptyManifest, at: SourceLocation(file: file, line: 1, column: 1)))
            return nil
        }
        guard let top = object(root, what: "the manifest", known: ["$schema", "resources"]) else { return nil }
        guard let resourcesNode = top["resources"] else {
            diagnostics.append(.error(.missingResources, at: root.location))
            return nil
        }
        guard resourcesNode.kind == .mapping else {
            diagnostics.append(.error(.wrongType("resources", expected: "an object of resource names to resources", found: resourcesNode), at: resourcesNode.location))
            return nil
        }
        var failed = Set<String>()
        for (key, value) in resourcesNode.pairs {
            guard key.kind == .scalar, let name = key.scalar else {
                diagnostics.append(.error(.nonScalarKey(in: "resources"), at: key.location))
                continue
            }
            if !readResource(name, key: key, node: value) { failed.insert(name) }
        }
        var resources: [Resource] = []
        for draft in drafts { resources.append(resolve(draft)) }
        // Strings only other strings use (a container's connection string nobody references)
        // are resolved too, so their mistakes are reported.
        for (name, entry) in entries.sorted(by: { $0.key < $1.key }) {
            for (property, source) in [("connectionString", entry.connectionString), ("value", entry.value)] {
                if case .inline(let raw) = source { _ = inline(raw, key: "\(name).\(property)", chain: [name]) }
            }
        }
        for name in skippedOrder {
            guard let resource = skipped[name] else { continue }
            diagnostics.append(.warning(resource.message, at: resource.location, notes: resource.users))
        }
        var manifest = Manifest(name: defaultName, file: file, directory: directory, resources: resources)
        manifest.undecodedNames = failed.union(skipped.keys)
        manifest.unboundExpressionTargets = unboundTargets
        return manifest
    }

    // MARK: - Resources

    /// Reads one resource; false when it could not be read at all.
    private mutating func readResource(_ name: String, key: YAMLNode, node: YAMLNode) -> Bool {
        let path = "$.resources.\(name)"
        let what = "resource '\(name)'"
        guard node.kind == .mapping else {
            diagnostics.append(.error(.wrongType(what, expected: "an object with a \"type\"", found: node), at: node.location))
            return false
        }
        guard let typeNode = node["type"] else {
            skip(name, .resourceWithoutType(name, aspireError: node["error"]?.scalar), at: key.location)
            return true
        }
        guard let type = string(typeNode, "type") else { return false }
        let family: String
        switch type {
        case "project.v0", "project.v1": family = "project"
        case "container.v0", "container.v1": family = "container"
        case "dockerfile.v0": family = "dockerfile"
        case "executable.v0": family = "executable"
        case "parameter.v0": family = "parameter"
        case "value.v0": family = "value"
        case "annotated.string": family = "annotated"
        default:
            skip(name, .unsupportedResourceType(name, type: type), at: typeNode.location)
            return true
        }
        guard let known = Self.resourceKeys[family], let fields = object(node, what: what, known: known) else { return false }
        switch family {
        case "project": return readProject(name, key: key, fields: fields, path: path)
        case "container", "dockerfile": return readContainer(name, key: key, fields: fields, path: path, dockerfile: family == "dockerfile")
        case "executable": return readExecutable(name, key: key, fields: fields, path: path)
        case "parameter", "value", "annotated":
            bindingless[name] = type
            switch family {
            case "parameter": return readParameter(name, key: key, fields: fields, path: path)
            case "value": return readValue(name, key: key, fields: fields, path: path)
            default: return readAnnotated(name, key: key, fields: fields, path: path)
            }
        default: return false
        }
    }

    private mutating func skip(_ name: String, _ message: Diagnostic.Message, at location: SourceLocation) {
        if skipped[name] == nil { skippedOrder.append(name) }
        skipped[name] = Skipped(message: message, location: location)
    }

    private mutating func readProject(_ name: String, key: YAMLNode, fields: [String: YAMLNode], path: String) -> Bool {
        let what = "resource '\(name)'"
        guard let projectPath = string(fields["path"], "path") else {
            if fields["path"] == nil {
                diagnostics.append(.error(.missingField("path", in: what, hint: "the .csproj, relative to the manifest"), at: key.location))
            }
            return false
        }
        let projectFile = [".csproj", ".fsproj", ".vbproj", ".proj"].contains { projectPath.hasSuffix($0) }
        let folder = PathArithmetic.tidy(projectFile ? PathArithmetic.parent(projectPath) : projectPath)
        ignore(fields, ["containerFiles"], in: what, reason: "files copied from other containers are not supported")
        var draft = Draft(name: name, location: key.location, kind: .project(Project(path: folder, command: nil)))
        readRunnable(&draft, fields: fields, path: path, isContainer: false)
        return true
    }

    private mutating func readExecutable(_ name: String, key: YAMLNode, fields: [String: YAMLNode], path: String) -> Bool {
        let what = "resource '\(name)'"
        guard let command = string(fields["command"], "command") else {
            if fields["command"] == nil {
                diagnostics.append(.error(.missingField("command", in: what, hint: "the program to run"), at: key.location))
            }
            return false
        }
        ignore(fields, ["containerFiles"], in: what, reason: "files copied from other containers are not supported")
        var draft = Draft(name: name, location: key.location, kind: .executable(Executable(command: command)))
        if let folder = string(fields["workingDirectory"], "workingDirectory"), PathArithmetic.tidy(folder) != "." {
            draft.workingDir = PathArithmetic.tidy(folder)
        }
        readRunnable(&draft, fields: fields, path: path, isContainer: false)
        return true
    }

    private mutating func readContainer(_ name: String, key: YAMLNode, fields: [String: YAMLNode], path: String, dockerfile: Bool) -> Bool {
        let what = "resource '\(name)'"
        var container = Container()
        if dockerfile {
            // dockerfile.v0: `path` is the Dockerfile, `context` the folder, both relative to the manifest.
            for field in ["path", "context"] where fields[field] == nil {
                diagnostics.append(.error(.missingField(field, in: what, hint: "relative to the manifest"), at: key.location))
            }
            guard let file = string(fields["path"], "path"), let context = string(fields["context"], "context") else { return false }
            container.build = build(context: context, dockerfile: file)
            ignore(fields, ["buildArgs"], in: what, reason: "build arguments are not supported; set them in the Dockerfile")
        } else {
            container.image = string(fields["image"], "image")
            if let node = fields["build"], let build = object(node, what: "build", known: ["context", "dockerfile", "args", "secrets", "stage", "buildOnly"]) {
                if let context = string(build["context"], "context") {
                    container.build = self.build(context: context, dockerfile: string(build["dockerfile"], "dockerfile"))
                } else if build["context"] == nil {
                    diagnostics.append(.error(.missingField("context", in: "build", hint: "the folder to build, relative to the manifest"), at: node.location))
                }
                ignore(build, ["args", "secrets", "stage", "buildOnly"], in: "build", reason: "not supported; the image is built with the Dockerfile's defaults")
            }
            if container.image == nil, container.build == nil {
                if fields["image"] == nil, fields["build"] == nil {
                    diagnostics.append(.error(.missingField("image", in: what, hint: "an image, or build: {context, dockerfile}"), at: key.location))
                }
                return false
            }
            container.entrypoint = string(fields["entrypoint"], "entrypoint")
            container.volumes = readList(fields["volumes"], "volumes", known: ["name", "target", "readOnly"]) { decoder, item in
                guard let target = decoder.string(item["target"], "target") else { return nil }
                return Container.Volume(
                    name: decoder.string(item["name"], "name"), target: target, readOnly: decoder.bool(item["readOnly"], "readOnly") ?? false)
            }
            container.bindMounts = readList(fields["bindMounts"], "bindMounts", known: ["source", "target", "readOnly"]) { decoder, item in
                guard let source = decoder.string(item["source"], "source"), let target = decoder.string(item["target"], "target") else { return nil }
                return Container.BindMount(source: source, target: target, readOnly: decoder.bool(item["readOnly"], "readOnly") ?? false)
            }
            ignore(fields, ["containerFiles"], in: what, reason: "files copied from other containers are not supported")
        }
        var draft = Draft(name: name, location: key.location, kind: .container(container))
        readRunnable(&draft, fields: fields, path: path, isContainer: true)
        return true
    }

    /// Aspire's `dockerfile` is relative to the manifest; ours is relative to the context.
    private func build(context: String, dockerfile: String?) -> Container.Build {
        let contextPath = PathArithmetic.tidy(context)
        guard let dockerfile else { return Container.Build(context: contextPath, dockerfile: nil) }
        let absoluteContext = PathArithmetic.absolute(context, base: directory)
        let relative = PathArithmetic.relative(from: absoluteContext, to: PathArithmetic.absolute(dockerfile, base: directory))
        return Container.Build(context: contextPath, dockerfile: relative == "Dockerfile" ? nil : relative)
    }

    /// env, args, bindings and the connection string of anything that runs.
    private mutating func readRunnable(_ draft: inout Draft, fields: [String: YAMLNode], path: String, isContainer: Bool) {
        let name = draft.name
        if let node = fields["env"] {
            if node.kind == .mapping {
                for (key, value) in node.pairs {
                    guard key.kind == .scalar, let variable = key.scalar else { continue }
                    if variable.isEmpty || variable.contains("=") || variable.contains("\0") {
                        diagnostics.append(.error(.invalidEnvName(variable), at: key.location))
                        continue
                    }
                    let raw = value.isNull ? RawString(text: "", node: value, path: "\(path).env.\(variable)") : rawString(value, path: "\(path).env.\(variable)", what: "env.\(variable)")
                    if let raw { draft.env.append((variable, raw, key.location)) }
                }
            } else {
                diagnostics.append(.error(.wrongType("env", expected: "an object of variable names to strings", found: node), at: node.location))
            }
        }
        if let node = fields["args"] {
            if node.kind == .sequence {
                for (index, item) in node.items.enumerated() {
                    if let raw = rawString(item, path: "\(path).args[\(index)]", what: "args") { draft.args.append(raw) }
                }
            } else {
                diagnostics.append(.error(.wrongType("args", expected: "a list of strings", found: node), at: node.location))
            }
        }
        var entry = Entry()
        if let node = fields["bindings"] {
            (draft.endpoints, entry.schemes) = readBindings(node, isContainer: isContainer)
        }
        if let node = fields["connectionString"], let raw = rawString(node, path: "\(path).connectionString", what: "connectionString") {
            entry.connectionString = .inline(raw)
        }
        entries[name] = entry
        drafts.append(draft)
    }

    private mutating func readBindings(_ node: YAMLNode, isContainer: Bool) -> ([Endpoint], [String: String]) {
        guard node.kind == .mapping else {
            diagnostics.append(.error(.wrongType("bindings", expected: "an object of binding names to bindings", found: node), at: node.location))
            return ([], [:])
        }
        var endpoints: [Endpoint] = []
        var schemes: [String: String] = [:]
        for (key, value) in node.pairs {
            guard key.kind == .scalar, let name = key.scalar else { continue }
            let what = "binding '\(name)'"
            let known = ["scheme", "protocol", "transport", "port", "targetPort", "containerPort", "external"]
            guard let fields = object(value, what: what, known: known) else { continue }
            guard let scheme = string(fields["scheme"], "scheme") else {
                if fields["scheme"] == nil {
                    diagnostics.append(.error(.missingField("scheme", in: what, hint: "http, https, tcp, …"), at: key.location))
                }
                continue
            }
            let written = scheme.lowercased()
            var ours = Endpoint.Scheme(rawValue: written) ?? .tcp
            if Endpoint.Scheme(rawValue: written) == nil {
                if let protocolNode = fields["protocol"], string(protocolNode, "protocol") == "udp" { ours = .udp }
                schemes[name] = scheme
            }
            var endpoint = Endpoint(name: name, scheme: ours, external: bool(fields["external"], "external") ?? false, location: key.location)
            // `containerPort` is what Aspire 8's previews wrote for `targetPort`.
            for field in ["port", "targetPort", "containerPort"] {
                guard let portNode = fields[field], let port = int(portNode, field) else { continue }
                guard (1...65535).contains(port) else {
                    diagnostics.append(.error(.outOfRange(field, value: port, range: 1...65535), at: portNode.location))
                    continue
                }
                if field == "port" {
                    endpoint.port = port
                } else if field == "targetPort" || fields["targetPort"] == nil {
                    endpoint.targetPort = port
                }
            }
            // A container binding with only `port` listens on that port inside too.
            if isContainer, endpoint.targetPort == nil { endpoint.targetPort = endpoint.port }
            _ = string(fields["transport"], "transport")
            endpoints.append(endpoint)
        }
        return (endpoints, schemes)
    }
}
