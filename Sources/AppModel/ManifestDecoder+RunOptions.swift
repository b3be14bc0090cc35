import YAMLSource

extension ManifestDecoder {
    static let referenceKeys = ["resource", "connectionName", "optional"]
    static let endpointKeys = ["scheme", "port", "targetPort", "env", "external"]
    static let healthCheckKeys = [
        "http", "tcp", "exec", "endpoint", "interval", "timeout", "retries", "startPeriod", "startInterval",
    ]
    static let restartKeys = ["policy", "maxRestarts"]

    /// `text.contains(a) || text.contains(b)` for ASCII characters; ASCII text is checked as bytes
    /// (its characters are its bytes), anything else character by character as before.
    static func hasCharacter(_ a: Character, or b: Character, in text: String) -> Bool {
        guard let byteA = a.asciiValue, let byteB = b.asciiValue, text.utf8.allSatisfy({ $0 < 0x80 }) else {
            return text.contains(a) || text.contains(b)
        }
        return text.utf8.contains { $0 == byteA || $0 == byteB }
    }

    /// Reads the fields shared by runnable resources; absent fields keep their defaults.
    mutating func decodeRunOptions(_ fields: MappingReader, resource: String) -> RunOptions {
        var run = RunOptions()
        if let node = fields["env"] {
            if node.kind == .mapping {
                run.env.reserveCapacity(node.count)
                reportInvalidMerges(in: node)
                for (key, value) in node.mergedPairView {
                    guard let name = key.scalar, key.kind == .scalar else { continue }
                    if name.isEmpty || Self.hasCharacter("=", or: "\0", in: name) {
                        reader.diagnostics.append(.error(.invalidEnvName(name), at: key.location))
                        continue
                    }
                    let template = value.isNull ? Template(literal: "") : reader.template(value, "env.\(name)")
                    if let template {
                        run.env.append(EnvEntry(name: name, value: template, location: key.location))
                    }
                }
            } else if node.kind == .sequence {
                // Compose's list form: ["KEY=value", ...].
                for item in node.itemView {
                    guard let text = reader.string(item, "env") else { continue }
                    guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                        reader.diagnostics.append(.error(.invalidEnvItem(text), at: item.location))
                        continue
                    }
                    var diagnostics: [Diagnostic] = []
                    let template = Template.parse(String(text[text.index(after: eq)...]), at: item.location, columnOffset: nil, diagnostics: &diagnostics)
                    reader.diagnostics += diagnostics
                    run.env.append(EnvEntry(name: String(text[..<eq]), value: template, location: item.location))
                }
            } else {
                reader.diagnostics.append(.error(.wrongType("env", expected: "a mapping of variable names to values", found: node), at: node.location))
            }
        }
        if let node = fields["args"] {
            if node.kind == .sequence {
                run.args.reserveCapacity(node.count)
                for item in node.itemView {
                    if let template = reader.template(item, "args") { run.args.append(template) }
                }
            } else {
                reader.diagnostics.append(.error(.wrongType("args", expected: "a list of strings (argv, no shell)", found: node), at: node.location))
            }
        }
        if let node = fields["references"] {
            run.references = decodeReferences(node)
        }
        run.waitFor = reader.stringList(fields["waitFor"], "waitFor", NameRef.init(_:at:)) ?? []
        run.waitForCompletion = reader.stringList(fields["waitForCompletion"], "waitForCompletion", NameRef.init(_:at:)) ?? []
        run.external = reader.bool(fields["external"], "external") ?? false
        if let node = fields["endpoints"] {
            run.endpoints = decodeEndpoints(node, resourceExternal: run.external)
        }
        if let node = fields["healthCheck"] {
            run.healthCheck = decodeHealthCheck(node)
        }
        if let node = fields["restart"] {
            run.restart = decodeRestart(node) ?? Restart()
        }
        if let node = fields["replicas"], let replicas = reader.int(node, "replicas") {
            run.replicasLocation = node.location
            run.replicas = replicas
        }
        run.workingDir = reader.string(fields["workingDir"], "workingDir")
        run.envFile = reader.string(fields["envFile"], "envFile")
        run.envFileLocation = fields["envFile"]?.location
        if let node = fields["stopSignal"] {
            run.stopSignal = decodeStopSignal(node)
        }
        run.otel = reader.bool(fields["otel"], "otel") ?? true
        run.explicitStart = reader.bool(fields["explicitStart"], "explicitStart") ?? false
        if let node = fields["lifetime"], let text = reader.string(node, "lifetime") {
            if let lifetime = Lifetime(rawValue: text) {
                run.lifetime = lifetime
            } else {
                reader.diagnostics.append(.error(.invalidChoice(text, field: "lifetime", choices: Lifetime.allCases.map(\.rawValue)), at: node.location))
            }
        }
        if let node = fields["watch"] {
            run.watch = decodeWatch(node)
        }
        return run
    }

    /// A project or executable without an `endpoints:` key gets one `http` endpoint (an explicit
    /// `endpoints: {}` means none); the first http endpoint without an `env` tells the process
    /// its port through `PORT`.
    func addDefaultHTTPEndpoint(_ run: inout RunOptions, at location: SourceLocation, endpoints: YAMLNode?) {
        if run.endpoints.isEmpty, endpoints?.kind != .mapping {
            run.endpoints = [Endpoint(name: "http", scheme: .http, external: run.external, location: location, isImplicit: true)]
        }
        if !run.endpoints.contains(where: { $0.env == "PORT" }),
            let first = run.endpoints.firstIndex(where: { ($0.scheme == .http || $0.scheme == .https) && $0.env == nil })
        {
            run.endpoints[first].env = "PORT"
        }
    }

    private mutating func decodeReferences(_ node: YAMLNode) -> [Reference] {
        guard node.kind == .sequence else {
            reader.diagnostics.append(.error(.wrongType("references", expected: "a list of resource names", found: node), at: node.location))
            return []
        }
        var references: [Reference] = []
        references.reserveCapacity(node.count)
        for item in node.itemView {
            if item.kind == .mapping {
                let fields = MappingReader(item, what: "reference", allowed: Self.referenceKeys, diagnostics: &reader.diagnostics)
                guard let target = fields["resource"] else {
                    reader.diagnostics.append(.error(.missingField("resource", in: "reference", hint: "the name of the referenced resource"), at: item.location))
                    continue
                }
                guard let name = reader.string(target, "resource") else { continue }
                references.append(
                    Reference(
                        target: NameRef(name, at: target.location),
                        connectionName: reader.string(fields["connectionName"], "connectionName"),
                        optional: reader.bool(fields["optional"], "optional") ?? false))
            } else if let name = reader.string(item, "references") {
                references.append(Reference(target: NameRef(name, at: item.location)))
            }
        }
        return references
    }

    private mutating func decodeEndpoints(_ node: YAMLNode, resourceExternal: Bool) -> [Endpoint] {
        guard node.kind == .mapping else {
            reader.diagnostics.append(.error(.wrongType("endpoints", expected: "a mapping of endpoint names to endpoints", found: node), at: node.location))
            return []
        }
        var endpoints: [Endpoint] = []
        endpoints.reserveCapacity(node.count)
        reportInvalidMerges(in: node)
        for (key, value) in node.mergedPairView {
            guard let name = key.scalar, key.kind == .scalar else { continue }
            if name.hasPrefix("x-") { continue }
            if !ResourceName.isValidEndpointName(name) {
                reader.diagnostics.append(.error(.invalidEndpointName(name), at: key.location))
            }
            let what = "endpoint '\(name)'"
            var scheme: Endpoint.Scheme = Endpoint.Scheme(rawValue: name) ?? .http
            var endpoint = Endpoint(name: name, scheme: scheme, external: false, location: key.location)
            if value.isNull {
                endpoint.external = resourceExternal && scheme != .tcp
                endpoints.append(endpoint)
                continue
            }
            let fields = MappingReader(value, what: what, allowed: Self.endpointKeys, diagnostics: &reader.diagnostics)
            if let schemeNode = fields["scheme"], let text = reader.string(schemeNode, "scheme") {
                if let parsed = Endpoint.Scheme(rawValue: text) {
                    scheme = parsed
                } else {
                    reader.diagnostics.append(.error(.invalidChoice(text, field: "scheme", choices: Endpoint.Scheme.allCases.map(\.rawValue)), at: schemeNode.location))
                }
            }
            endpoint.scheme = scheme
            for field in ["port", "targetPort"] {
                guard let portNode = fields[field], let port = reader.int(portNode, field) else { continue }
                if !(1...65535).contains(port) {
                    reader.diagnostics.append(.error(.outOfRange(field, value: port, range: 1...65535), at: portNode.location))
                    continue
                }
                if field == "port" { endpoint.port = port } else { endpoint.targetPort = port }
            }
            if let envNode = fields["env"], let variable = reader.string(envNode, "env") {
                if ResourceName.isValidEnvVariable(variable) {
                    endpoint.env = variable
                } else {
                    reader.diagnostics.append(.error(.invalidEnvName(variable), at: envNode.location))
                }
            }
            endpoint.external = reader.bool(fields["external"], "external") ?? (resourceExternal && scheme != .tcp)
            endpoints.append(endpoint)
        }
        return endpoints
    }

    private mutating func decodeHealthCheck(_ node: YAMLNode) -> HealthCheck? {
        let fields = MappingReader(
            node, what: "healthCheck", allowed: Self.healthCheckKeys,
            diagnostics: &reader.diagnostics)
        guard node.kind == .mapping else { return nil }
        let kinds = ["http", "tcp", "exec"].filter { fields[$0] != nil }
        guard kinds.count == 1 else {
            reader.diagnostics.append(.error(kinds.isEmpty ? .healthCheckKindMissing : .healthCheckKindsConflict(kinds), at: node.location))
            return nil
        }
        let endpoint = reader.string(fields["endpoint"], "endpoint")
        let probe: HealthCheck.Probe
        switch kinds[0] {
        case "http":
            guard let path = reader.string(fields["http"], "http") else { return nil }
            if !path.hasPrefix("/") {
                reader.diagnostics.append(.error(.healthPathNotAbsolute(path), at: fields["http"]?.location))
            }
            probe = .http(path: path, endpoint: endpoint)
        case "tcp":
            // `tcp: ENDPOINT`; `tcp: true` means the first endpoint.
            if let flag = fields["tcp"]?.bool {
                probe = .tcp(endpoint: flag ? endpoint : nil)
            } else {
                probe = .tcp(endpoint: reader.string(fields["tcp"], "tcp") ?? endpoint)
            }
        default:
            guard let argv = reader.stringList(fields["exec"], "exec", { text, _ in text }) else { return nil }
            if argv.isEmpty {
                reader.diagnostics.append(.error(.emptyExec, at: fields["exec"]?.location))
            }
            probe = .exec(argv)
        }
        var check = HealthCheck(probe: probe, location: node.location)
        if let value = reader.duration(fields["interval"], "interval") { check.interval = value }
        if let value = reader.duration(fields["timeout"], "timeout") { check.timeout = value }
        if let value = reader.duration(fields["startPeriod"], "startPeriod") { check.startPeriod = value }
        if let node = fields["startInterval"], let value = reader.duration(node, "startInterval") {
            if value <= .zero {
                reader.diagnostics.append(.error(.invalidDuration(node.scalar ?? "", field: "startInterval"), at: node.location))
            } else {
                check.startInterval = value
            }
        }
        if let retriesNode = fields["retries"], let retries = reader.int(retriesNode, "retries") {
            if retries < 1 {
                reader.diagnostics.append(.error(.outOfRange("retries", value: retries, range: 1...1000), at: retriesNode.location))
            } else {
                check.retries = retries
            }
        }
        return check
    }

    /// `stopSignal: SIGINT` (or `INT`, `2`); an unknown name is an error with did-you-mean.
    private mutating func decodeStopSignal(_ node: YAMLNode) -> StopSignal? {
        guard let text = reader.string(node, "stopSignal") else { return nil }
        guard let signal = StopSignal.parse(text) else {
            reader.diagnostics.append(.error(.unknownSignal(text), at: node.location))
            return nil
        }
        return signal
    }

    private mutating func decodeRestart(_ node: YAMLNode) -> Restart? {
        let choices = Restart.Policy.allCases.map(\.rawValue)
        if node.kind == .scalar {
            // `restart: no` is the plain scalar "no" (YAML 1.2 reads it as a string, not false).
            let text = node.bool == false ? "no" : reader.string(node, "restart")
            guard let text else { return nil }
            guard let policy = Restart.Policy(rawValue: text) else {
                reader.diagnostics.append(.error(.invalidChoice(text, field: "restart", choices: choices), at: node.location))
                return nil
            }
            return Restart(policy: policy)
        }
        let fields = MappingReader(node, what: "restart", allowed: Self.restartKeys, diagnostics: &reader.diagnostics)
        guard node.kind == .mapping else { return nil }
        var restart = Restart(policy: .onFailure)
        if let policyNode = fields["policy"] {
            let text = policyNode.bool == false ? "no" : reader.string(policyNode, "policy")
            if let text {
                if let policy = Restart.Policy(rawValue: text) {
                    restart.policy = policy
                } else {
                    reader.diagnostics.append(.error(.invalidChoice(text, field: "policy", choices: choices), at: policyNode.location))
                }
            }
        }
        if let maxNode = fields["maxRestarts"], let max = reader.int(maxNode, "maxRestarts") {
            if max < 0 {
                reader.diagnostics.append(.error(.outOfRange("maxRestarts", value: max, range: 0...1_000_000), at: maxNode.location))
            } else {
                restart.maxRestarts = max
            }
        }
        return restart
    }
}
