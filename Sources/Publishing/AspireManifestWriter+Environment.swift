import AppModel

/// The environment Aspire writes for each resource: what `EnvironmentResolver` injects, as
/// expressions instead of values (`ConnectionStrings__cache` = `{cache.connectionString}`,
/// `APISERVICE_HTTP` = `{apiservice.bindings.http.url}`), then the resource's own `env:`.
///
/// The names, the order and what each value is come from `Manifest.injection(of:)`, as for the
/// resolver (docs/environment.md); the round-trip test reads the written manifest back and
/// checks every resource receives the same values.
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
            for variable in manifest.injection(of: reference) { set(variable.name, expression(of: variable.source)) }
        }
        for endpoint in resource.run.endpoints {
            guard let variable = endpoint.env else { continue }
            set(variable, "{\(resource.name).bindings.\(endpoint.name).targetPort}")
        }
        for entry in resource.run.env { set(entry.name, text(entry.value)) }
        return env
    }

    /// An injected value as an Aspire expression: `{x.connectionString}`, a connection property
    /// over `{x.bindings.tcp.host}`/`.port` and the password parameter, `{x.bindings.E.url}`.
    private mutating func expression(of source: InjectedVariable.Source) -> String {
        switch source {
        case .connectionString(let name):
            return "{\(name).connectionString}"
        case .connectionProperty(let server, let database, let format):
            var values = ["{host}": "{\(server).bindings.tcp.host}", "{port}": "{\(server).bindings.tcp.port}"]
            if format.contains("{password}") { values["{password}"] = passwordText(of: server) }
            // Only a property that uses it registers the `annotated.string` of the encoded password.
            if format.contains("{passwordURI}") { values["{passwordURI}"] = encodedPasswordText(of: server) }
            if let database { values["{database}"] = database }
            return WellKnownType.fill(format, values)
        case .endpointURL(let id):
            return "{\(id.resource).bindings.\(id.endpoint).url}"
        case .externalURL(let template):
            return text(template)
        }
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
