/// Computes exactly what a child gets: connection strings, service URLs, its own ports, OTEL
/// variables, then its own `env:` (DESIGN §3). `aspire env` and `aspire up` both call this.
package struct EnvironmentResolver: Sendable {
    package var manifest: Manifest
    package var bindings: Bindings
    /// The host name consumers use to reach resources (`localhost` from host processes).
    package var host: String = "localhost"
    /// The name containers use to reach the host (`host.containers.internal` with podman);
    /// nil = no container engine, containers are resolved like processes.
    package var containerHost: String?
    /// Resources that run in a container besides `type: container` (well-known servers in
    /// container mode); their own values use `containerHost` too.
    package var containerResources: Set<String> = []

    package init(manifest: Manifest, bindings: Bindings) {
        self.manifest = manifest
        self.bindings = bindings
    }

    /// Something the bindings lack (a port, a parameter value); reported, never trapped on.
    package struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        package var message: String
        package var description: String { message }
    }

    // MARK: - The environment of one resource

    /// The environment of `name`'s replica `replica` (0-based).
    package func environment(of name: String, replica: Int = 0) throws(Failure) -> ResolvedEnvironment {
        guard let resource = manifest[name] else { throw Failure(message: "unknown resource '\(name)'") }
        if let viewer = asSeenFromContainer(resource) { return try viewer.environment(of: name, replica: replica) }
        var env = ResolvedEnvironment()
        for reference in resource.run.references {
            let isHTTPS = { (url: Template) in (try? resolve(url))?.value.lowercased().hasPrefix("https:") ?? false }
            for variable in manifest.injection(of: reference, isHTTPS: isHTTPS) {
                env.set(variable.name, try value(of: variable.source))
            }
        }
        for endpoint in resource.run.endpoints {
            guard let variable = endpoint.env else { continue }
            env.set(variable, String(try listenPort(of: EndpointID(name, endpoint.name), replica: replica)))
        }
        if resource.isRunnable, resource.run.otel {
            openTelemetry(of: resource, replica: replica, into: &env)
        }
        for (key, value) in bindings.envFiles[name] ?? [] {
            env.set(key, value)
        }
        for entry in resource.run.env {
            env.set(entry.name, try resolve(entry.value))
        }
        return env
    }

    /// The arguments of `name`, with expressions resolved.
    package func arguments(of name: String) throws(Failure) -> [ResolvedValue] {
        guard let resource = manifest[name] else { throw Failure(message: "unknown resource '\(name)'") }
        if let viewer = asSeenFromContainer(resource) { return try viewer.arguments(of: name) }
        var result: [ResolvedValue] = []
        for arg in resource.run.args { result.append(try resolve(arg)) }
        return result
    }

    /// The resolver a container sees: every resource's port is on the host (a process's own
    /// port, or a container's published one), so every host name becomes the host alias.
    /// nil when `resource` is not a container or this resolver already is that view.
    private func asSeenFromContainer(_ resource: Resource) -> EnvironmentResolver? {
        guard let containerHost, host != containerHost else { return nil }
        if case .container = resource.kind {} else if !containerResources.contains(resource.name) { return nil }
        var viewer = self
        viewer.host = containerHost
        return viewer
    }

    /// The value of one injected variable (`Manifest.injection(of:)` lists them).
    package func value(of source: InjectedVariable.Source) throws(Failure) -> ResolvedValue {
        switch source {
        case .connectionString(let name):
            return try connectionString(of: name)
        case .connectionProperty(let server, let database, let format):
            let port = try hostPort(of: EndpointID(server, "tcp"))
            let password = format.contains("{password") ? try password(of: server) : nil
            return WellKnownType.renderFormat(format, host: host, port: port, password: password, database: database)
        case .endpointURL(let id):
            return try endpointValue(id, field: .url)
        case .externalURL(let template):
            return try resolve(template)
        }
    }

    // MARK: - Expressions

    /// Resolves a template against the bindings.
    package func resolve(_ template: Template) throws(Failure) -> ResolvedValue {
        var value = ResolvedValue()
        for part in template.parts {
            switch part {
            case .literal(let text): value.segments.append(.init(text))
            case .expression(let expression): value = value + (try resolve(expression))
            }
        }
        return value
    }

    package func resolve(_ expression: Expression) throws(Failure) -> ResolvedValue {
        switch expression.property {
        case .connectionString: return try connectionString(of: expression.resource)
        case .value: return try parameterValue(expression.resource)
        case .endpoint(let name, let field):
            if let target = manifest[expression.resource], case .external(let template) = target.kind {
                return try externalURLField(try resolve(template), field: field)
            }
            return try endpointValue(EndpointID(expression.resource, name), field: field)
        }
    }

    package func parameterValue(_ name: String) throws(Failure) -> ResolvedValue {
        guard let resource = manifest[name], case .parameter(let parameter) = resource.kind else {
            throw Failure(message: "'\(name)' is not a parameter")
        }
        guard let value = bindings.parameters[name] else {
            throw Failure(message: "parameter '\(name)' has no value; set \(VariableName.parameter(name)) in the environment or give it a default")
        }
        return parameter.secret ? ResolvedValue(secret: value) : ResolvedValue(plain: value)
    }

    // MARK: - Endpoints

    /// The host port of an endpoint.
    package func hostPort(of id: EndpointID) throws(Failure) -> Int {
        if let port = bindings.hostPorts[id] { return port }
        if let endpoint = manifest[id.resource]?.run.endpoints.first(where: { $0.name == id.endpoint }), let port = endpoint.port {
            return port
        }
        throw Failure(message: "no port is allocated for \(id)")
    }

    /// The port the process itself listens on (its replica's own port when proxied).
    package func listenPort(of id: EndpointID, replica: Int) throws(Failure) -> Int {
        guard let resource = manifest[id.resource], let endpoint = resource.run.endpoints.first(where: { $0.name == id.endpoint }) else {
            throw Failure(message: "unknown endpoint \(id)")
        }
        // A replicated container still listens on its target port; only its published port differs.
        if let ports = bindings.replicaPorts[id], replica < ports.count, resource.isProcess || endpoint.targetPort == nil { return ports[replica] }
        if let target = endpoint.targetPort, !resource.isProcess || bindings.replicaPorts[id] != nil { return target }
        return try hostPort(of: id)
    }

    package func endpointValue(_ id: EndpointID, field: Expression.EndpointField) throws(Failure) -> ResolvedValue {
        guard let resource = manifest[id.resource], let endpoint = resource.run.endpoints.first(where: { $0.name == id.endpoint }) else {
            if manifest.unboundExpressionTargets.contains(id.resource) {
                let what = manifest[id.resource].map { "a \($0.typeName)" } ?? "a value"
                let expression = "{\(id.resource).bindings.\(id.endpoint).\(field.rawValue)}"
                throw Failure(message: "'\(expression)' has no value: '\(id.resource)' is \(what) with no bindings")
            }
            throw Failure(message: "unknown endpoint \(id)")
        }
        let port = try hostPort(of: id)
        switch field {
        case .url: return ResolvedValue(plain: "\(endpoint.scheme.rawValue)://\(host):\(port)")
        case .host: return ResolvedValue(plain: host)
        case .port: return ResolvedValue(plain: String(port))
        case .scheme: return ResolvedValue(plain: endpoint.scheme.rawValue)
        case .targetPort:
            var target = endpoint.targetPort ?? 0
            if endpoint.targetPort == nil { target = try listenPort(of: id, replica: 0) }
            return ResolvedValue(plain: String(target))
        }
    }

    private func externalURLField(_ url: ResolvedValue, field: Expression.EndpointField) throws(Failure) -> ResolvedValue {
        field == .url ? url : ResolvedValue(plain: URLParts(url.value).value(field, url: url.value))
    }
}
