/// One variable a reference injects: its name and what its value is (DESIGN §3).
///
/// What a reference injects is listed once, by `Manifest.injection(of:)`: `EnvironmentResolver`
/// turns each source into a value (`up`, `env`, the dashboard, compose, Kubernetes), the Aspire
/// manifest writer into an Aspire expression (`{cache.connectionString}`, `{cache.bindings.tcp.host}`).
package struct InjectedVariable: Sendable, Hashable {
    /// What the value of an injected variable is.
    package enum Source: Sendable, Hashable {
        /// The connection string of a resource.
        case connectionString(String)
        /// A connection property of `server` (a database's owner, for a database): `format` with
        /// `{host}`, `{port}` of its `tcp` endpoint, `{password}`, `{passwordURI}` and `{database}` filled in.
        case connectionProperty(server: String, database: String?, format: String)
        /// The URL of an endpoint.
        case endpointURL(EndpointID)
        /// The URL of an external service.
        case externalURL(Template)
    }

    package var name: String
    package var source: Source

    package init(_ name: String, _ source: Source) {
        self.name = name
        self.source = source
    }
}

extension Manifest {
    /// What `reference` injects, in injection order: the connection string and connection
    /// properties of what has one, then `services__…` and `<NAME>_<ENDPOINT>` per endpoint (the
    /// index counts per scheme). Empty when the target does not exist (an optional reference).
    /// - Parameter isHTTPS: Whether an external service's URL is https (its names say the
    ///   scheme); by default, whether it is written starting with `https:`. The resolver passes
    ///   its resolved value's answer (a URL may come from a parameter).
    package func injection(of reference: Reference, isHTTPS: (Template) -> Bool = Manifest.startsWithHTTPS) -> [InjectedVariable] {
        guard let target = self[reference.target.name] else { return [] }
        var result: [InjectedVariable] = []
        if target.hasConnectionString {
            let connectionName = reference.connectionName ?? target.name
            result.append(InjectedVariable(VariableName.connectionString(connectionName), .connectionString(target.name)))
            if let (server, database, properties) = connectionProperties(of: target) {
                for property in properties {
                    let source = InjectedVariable.Source.connectionProperty(server: server, database: database, format: property.format)
                    result.append(InjectedVariable(VariableName.polyglot(connectionName, property.name), source))
                }
                for property in plainVariables(of: server) {
                    result.append(InjectedVariable(property.name, .connectionProperty(server: server, database: database, format: property.format)))
                }
            }
        }
        switch target.kind {
        case .project, .executable, .container:
            var perScheme: [Endpoint.Scheme: Int] = [:]
            for endpoint in target.run.endpoints {
                let index = perScheme[endpoint.scheme, default: 0]
                perScheme[endpoint.scheme] = index + 1
                let url = InjectedVariable.Source.endpointURL(EndpointID(target.name, endpoint.name))
                result.append(InjectedVariable(VariableName.service(target.name, scheme: endpoint.scheme.rawValue, index: index), url))
                result.append(InjectedVariable(VariableName.polyglot(target.name, endpoint.name), url))
            }
        case .external(let url):
            let scheme = isHTTPS(url) ? "https" : "http"
            result.append(InjectedVariable(VariableName.service(target.name, scheme: scheme, index: 0), .externalURL(url)))
            result.append(InjectedVariable(VariableName.polyglot(target.name, scheme), .externalURL(url)))
        default:
            break
        }
        return result
    }

    /// True when `url` is written starting with `https:`.
    package static func startsWithHTTPS(_ url: Template) -> Bool {
        guard case .literal(let text)? = url.parts.first else { return false }
        return text.lowercased().hasPrefix("https:")
    }

    /// The server whose endpoint and password the properties use, the database, and the properties
    /// (Aspire 13's `<NAME>_HOST`, `_PORT`, `_URI`, …), or nil for what has none.
    private func connectionProperties(of target: Resource) -> (server: String, database: String?, [WellKnownType.Property])? {
        switch target.kind {
        case .redis:
            return (
                target.name, nil,
                [
                    .init("HOST", "{host}"), .init("PORT", "{port}"), .init("PASSWORD", "{password}"),
                    .init("URI", "redis://:{passwordURI}@{host}:{port}"),
                ]
            )
        case .postgres:
            return (target.name, nil, Self.postgresProperties(database: false))
        case .postgresDatabase(let server, let databaseName):
            if let group = childGroup(of: target) { return (server, databaseName, group.properties) }
            // A template type's database: the server's properties, with the database's replacing or adding.
            if case .wellKnown(let type, _)? = self[server]?.kind, let children = type.databases {
                var properties = type.properties.filter { property in !children.properties.contains { $0.name == property.name } }
                properties += children.properties
                return (server, databaseName, properties)
            }
            return (server, databaseName, Self.postgresProperties(database: true))
        case .wellKnown(let type, _):
            return (target.name, nil, type.properties)
        default:
            return nil
        }
    }

    private static func postgresProperties(database: Bool) -> [WellKnownType.Property] {
        let path = database ? "/{database}" : ""
        var properties: [WellKnownType.Property] = [
            .init("HOST", "{host}"), .init("PORT", "{port}"), .init("USERNAME", "postgres"), .init("PASSWORD", "{password}"),
            .init("URI", "postgresql://postgres:{passwordURI}@{host}:{port}\(path)"),
            .init("JDBCCONNECTIONSTRING", "jdbc:postgresql://{host}:{port}\(path)"),
        ]
        if database { properties.append(.init("DATABASENAME", "{database}")) }
        return properties
    }
}
