import AppModel

/// The environment Aspire writes for each resource: what `EnvironmentResolver` injects, as
/// expressions instead of values (`ConnectionStrings__cache` = `{cache.connectionString}`,
/// `APISERVICE_HTTP` = `{apiservice.bindings.http.url}`), then the resource's own `env:`.
///
/// The names and the order are the resolver's (docs/environment.md); the round-trip test reads
/// the written manifest back and checks every resource receives the same values.
extension AspireManifestWriter.Context {
    mutating func environment(of resource: Resource) -> [(key: String, value: String)] {
        var env: [(key: String, value: String)] = []
        func set(_ key: String, _ value: String) {
            if let index = env.firstIndex(where: { $0.key == key }) {
                env[index].value = value
            } else {
                env.append((key, value))
            }
        }
        for reference in resource.run.references {
            guard let target = manifest[reference.target.name] else { continue }
            let connectionName = reference.connectionName ?? target.name
            if target.hasConnectionString {
                set("ConnectionStrings__\(ResourceName.envSegment(connectionName))", "{\(target.name).connectionString}")
                let prefix = ResourceName.envPrefix(connectionName)
                for (property, value) in connectionProperties(of: target) { set("\(prefix)_\(property)", value) }
            }
            switch target.kind {
            case .project, .executable, .container:
                var perScheme: [Endpoint.Scheme: Int] = [:]
                for endpoint in target.run.endpoints {
                    let index = perScheme[endpoint.scheme, default: 0]
                    perScheme[endpoint.scheme] = index + 1
                    let url = "{\(target.name).bindings.\(endpoint.name).url}"
                    set("services__\(ResourceName.envSegment(target.name))__\(endpoint.scheme.rawValue)__\(index)", url)
                    set("\(ResourceName.envPrefix(target.name))_\(ResourceName.envPrefix(endpoint.name))", url)
                }
            case .external(let template):
                let url = text(template)
                let scheme = url.hasPrefix("https:") ? "https" : "http"
                set("services__\(ResourceName.envSegment(target.name))__\(scheme)__0", url)
                set("\(ResourceName.envPrefix(target.name))_\(scheme.uppercased())", url)
            default:
                break
            }
        }
        for endpoint in resource.run.endpoints {
            guard let variable = endpoint.env else { continue }
            set(variable, "{\(resource.name).bindings.\(endpoint.name).targetPort}")
        }
        for entry in resource.run.env { set(entry.name, text(entry.value)) }
        return env
    }

    /// `HOST`, `PORT`, `PASSWORD`, `URI`, … of a redis, postgres server or database.
    private mutating func connectionProperties(of target: Resource) -> [(String, String)] {
        let server: String
        var database: String?
        switch target.kind {
        case .redis:
            let name = target.name
            let host = "{\(name).bindings.tcp.host}"
            let port = "{\(name).bindings.tcp.port}"
            return [
                ("HOST", host), ("PORT", port), ("PASSWORD", passwordText(of: name)),
                ("URI", "redis://:\(encodedPasswordText(of: name))@\(host):\(port)"),
            ]
        case .postgres: server = target.name
        case .postgresDatabase(let owner, let databaseName):
            server = owner
            database = databaseName
        default: return []
        }
        let host = "{\(server).bindings.tcp.host}"
        let port = "{\(server).bindings.tcp.port}"
        let path = database.map { "/\($0)" } ?? ""
        var properties = [
            ("HOST", host), ("PORT", port), ("USERNAME", "postgres"), ("PASSWORD", passwordText(of: server)),
            ("URI", "postgresql://postgres:\(encodedPasswordText(of: server))@\(host):\(port)\(path)"),
            ("JDBCCONNECTIONSTRING", "jdbc:postgresql://\(host):\(port)\(path)"),
        ]
        if let database { properties.append(("DATABASENAME", database)) }
        return properties
    }

    // MARK: - Templates as Aspire writes them

    /// A template in Aspire's expression syntax: `{r.bindings.E.url}`, `{r.connectionString}`,
    /// `{p.value}`. An external resource has no entry, so its URL is written in its place.
    func text(_ template: Template) -> String {
        template.parts.map { part in
            switch part {
            case .literal(let text): return text
            case .expression(let expression): return text(expression)
            }
        }.joined()
    }

    private func text(_ expression: Expression) -> String {
        let name = expression.resource
        if case .external(let url)? = manifest[name]?.kind, case .endpoint(_, let field) = expression.property {
            return externalField(url, field)
        }
        switch expression.property {
        case .connectionString: return "{\(name).connectionString}"
        case .value: return "{\(name).value}"
        case .endpoint(let endpoint, let field): return "{\(name).bindings.\(endpoint).\(field.rawValue)}"
        }
    }

    /// `url`, `host`, `port`, `scheme` of an external service's URL.
    private func externalField(_ url: Template, _ field: Expression.EndpointField) -> String {
        let whole = text(url)
        return URLParts(whole).value(field, url: whole)
    }
}
