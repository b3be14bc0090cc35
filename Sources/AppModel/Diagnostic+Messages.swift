package import YAMLSource

/// Every message the manifest decoder and validator can emit, with a stable id each.
extension Diagnostic.Message {
    // MARK: - YAML and shape

    package static func yaml(_ error: YAMLParseError) -> Self {
        let id: String =
            switch error.code {
            case .duplicateKey: "duplicate-key"
            case .aliasBudget: "alias-budget"
            case .depth: "nesting-too-deep"
            case .reader: "invalid-encoding"
            case .multipleDocuments: "multiple-documents"
            case .unknownAnchor: "unknown-anchor"
            default: "yaml-syntax"
            }
        var text = error.message
        if error.code == .syntax, text.contains("tab") || text.contains("cannot start any token") {
            text += " (indent with spaces; YAML does not allow tabs for indentation)"
        }
        return Self(id: id, text)
    }

    package static let emptyManifest = Self(id: "empty-manifest", "the manifest is empty; it needs at least 'resources:'")
    package static let missingResources = Self(id: "missing-resources", "the manifest has no 'resources:' mapping")

    package static func wrongType(_ what: String, expected: String, found node: YAMLNode) -> Self {
        let found: String =
            switch node.kind {
            case .mapping: "a mapping"
            case .sequence: "a list"
            case .scalar: node.isNull ? "nothing (null)" : "the scalar '\(node.scalar ?? "")'"
            }
        return Self(id: "wrong-type", "'\(what)' must be \(expected), not \(found)")
    }

    package static func nonScalarKey(in what: String) -> Self {
        Self(id: "non-scalar-key", "keys in \(what) must be plain names, not lists or mappings")
    }

    package static func unknownKey(_ key: String, in what: String, suggestion: String?) -> Self {
        let hint = suggestion.map { "; did you mean '\($0)'?" } ?? " (extension keys must start with 'x-')"
        return Self(id: "unknown-key", "unknown key '\(key)' in \(what)\(hint)")
    }

    package static func missingField(_ field: String, in what: String, hint: String) -> Self {
        Self(id: "missing-field", "\(what) is missing '\(field)': \(hint)")
    }

    package static func unknownType(_ type: String, suggestion: String?) -> Self {
        let hint = suggestion.map { "; did you mean '\($0)'?" } ?? "; use one of \(ManifestDecoder.resourceTypes.joined(separator: ", "))"
        return Self(id: "unknown-type", "unknown resource type '\(type)'\(hint)")
    }

    package static func invalidChoice(_ value: String, field: String, choices: [String]) -> Self {
        let hint = DidYouMean.suggestion(for: value, in: choices).map { "; did you mean '\($0)'?" } ?? ""
        return Self(id: "invalid-choice", "'\(value)' is not a valid \(field)\(hint) (one of \(choices.joined(separator: ", ")))")
    }

    package static func outOfRange(_ field: String, value: Int, range: ClosedRange<Int>) -> Self {
        Self(id: "out-of-range", "\(field) \(value) is out of range; use \(range.lowerBound)…\(range.upperBound)")
    }

    package static func watchNeedsBuild(_ name: String) -> Self {
        Self(id: "watch-needs-build", "'watch' on container '\(name)' needs 'build:' (an image pulled from a registry has no files here to watch)")
    }

    package static func watchPathMissing(_ path: String, resolved: String) -> Self {
        Self(id: "watch-path-missing", "watch path '\(path)' does not exist (\(resolved)); create it or fix 'paths:'")
    }

    package static func invalidDuration(_ text: String, field: String) -> Self {
        Self(id: "invalid-duration", "'\(text)' is not a duration for '\(field)'; write e.g. 500ms, 5s, 1m30s")
    }

    package static func invalidEnvName(_ name: String) -> Self {
        Self(id: "invalid-env-name", "'\(name)' is not a valid environment variable name")
    }

    package static func invalidEnvItem(_ text: String) -> Self {
        Self(id: "invalid-env-name", "env item '\(text)' must be written KEY=value")
    }

    package static func requiredVariable(_ variable: String, message: String) -> Self {
        let detail = message.isEmpty ? "" : ": \(message)"
        return Self(id: "required-variable", "required variable \(variable) is missing a value\(detail); set it in the environment")
    }

    package static func invalidInterpolation(_ text: String) -> Self {
        Self(id: "invalid-interpolation", "invalid interpolation format in '\(text)'; use ${VAR}, ${VAR:-default} or $$ for a literal $")
    }

    package static func invalidAppName(_ name: String) -> Self {
        Self(id: "invalid-name", "app name '\(name)' must be letters, digits and hyphens, starting with a letter")
    }

    package static func invalidURL(_ url: String) -> Self {
        Self(id: "invalid-url", "'\(url)' is not a URL; write it with a scheme, e.g. https://\(url)")
    }

    package static func invalidDatabaseName(_ name: String, rule: String) -> Self {
        Self(id: "invalid-database-name", "database name '\(name)' is not one the server takes: \(rule)")
    }

    package static func defaultAndGenerate(_ name: String) -> Self {
        Self(id: "default-and-generate", "parameter '\(name)' has both 'default' and 'generate'; keep one")
    }

    package static let emptyCommand = Self(id: "empty-command", "'command' is an empty list; write the program first, e.g. command: [python3, app.py]")

    package static func commandWithSpace(_ command: String) -> Self {
        Self(id: "command-with-space", "'command' is one program name and is never split on spaces, so this runs a program named '\(command)'; to pass arguments, write a list")
    }

    package static let emptyCharacterSet = Self(id: "empty-character-set", "generate allows no characters; enable at least one of lower, upper, numeric, special")
    package static let imageAndBuild = Self(id: "image-and-build", "a container has either 'image' or 'build', not both")
    package static let healthCheckKindMissing = Self(id: "health-check-kind", "healthCheck needs one of 'http: /path', 'tcp: ENDPOINT' or 'exec: [argv]'")
    package static func healthCheckKindsConflict(_ kinds: [String]) -> Self {
        Self(id: "health-check-kind", "healthCheck has \(kinds.joined(separator: " and ")); keep exactly one")
    }

    package static func healthPathNotAbsolute(_ path: String) -> Self {
        Self(id: "health-check-path", "health check path '\(path)' must start with '/'")
    }

    package static let emptyExec = Self(id: "health-check-exec", "healthCheck exec needs a command, e.g. exec: [pg_isready]")

    // MARK: - Expressions

    package static func malformedEndpointExpression(_ body: String) -> Self {
        Self(id: "malformed-expression", "'{\(body)}' must be {resource.endpoints.NAME.url|host|port|scheme|targetPort}")
    }

    package static func unknownEndpointField(_ field: String, in body: String) -> Self {
        let fields = Expression.EndpointField.allCases.map(\.rawValue)
        let hint = DidYouMean.suggestion(for: field, in: fields).map { "; did you mean '\($0)'?" } ?? " (use \(fields.joined(separator: ", ")))"
        return Self(id: "unknown-property", "unknown endpoint property '\(field)' in '{\(body)}'\(hint)")
    }

    package static func unknownExpressionProperty(_ property: String, in body: String) -> Self {
        let known = ["connectionString", "value", "endpoints"]
        let first = String(property.split(separator: ".").first ?? "")
        let hint = DidYouMean.suggestion(for: first, in: known).map { "; did you mean '\($0)'?" } ?? " (use connectionString, value, or endpoints.NAME.url)"
        return Self(id: "unknown-property", "unknown property '\(property)' in '{\(body)}'\(hint)")
    }

    // MARK: - Validation

    package static func invalidResourceName(_ name: String) -> Self {
        Self(
            id: "invalid-name",
            "resource name '\(name)' is not valid: use letters, digits and single hyphens, starting with a letter, at most 64 characters"
        )
    }

    package static func invalidEndpointName(_ name: String) -> Self {
        Self(id: "invalid-name", "endpoint name '\(name)' is not valid: use letters, digits and single hyphens, starting with a letter")
    }

    package static func duplicateResource(_ name: String) -> Self {
        Self(id: "duplicate-resource", "resource '\(name)' is defined twice")
    }

    package static func unknownResource(_ name: String, from resource: String, field: String, suggestion: String?) -> Self {
        let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
        return Self(id: "unknown-resource", "'\(resource)' \(field) unknown resource '\(name)'\(hint)")
    }

    package static func selfReference(_ name: String, field: String) -> Self {
        Self(id: "self-reference", "'\(name)' cannot \(field) itself")
    }

    package static func cycle(_ path: [String]) -> Self {
        Self(id: "cycle", "dependency cycle: \(path.joined(separator: " → ")); remove one waitFor to break it")
    }

    package static func notWaitable(_ name: String, type: String, from resource: String) -> Self {
        Self(id: "not-waitable", "'\(resource)' waits for '\(name)', but a \(type) never runs; remove it from waitFor")
    }

    package static func parameterReference(_ name: String, from resource: String) -> Self {
        Self(id: "parameter-reference", "'\(resource)' references parameter '\(name)'; use it in env instead, e.g. MY_VAR: \"{\(name).value}\"")
    }

    package static func unknownEndpoint(_ endpoint: String, of resource: String, known: [String]) -> Self {
        let hint = DidYouMean.suggestion(for: endpoint, in: known).map { "; did you mean '\($0)'?" } ?? ""
        let list = known.isEmpty ? "it has none" : "it has \(known.joined(separator: ", "))"
        return Self(id: "unknown-endpoint", "resource '\(resource)' has no endpoint '\(endpoint)'\(hint) (\(list))")
    }

    package static func noConnectionString(_ resource: String, type: String) -> Self {
        Self(id: "no-connection-string", "resource '\(resource)' (\(type)) has no connection string; use {\(resource).endpoints.NAME.url} for a service")
    }

    package static func noValue(_ resource: String, type: String) -> Self {
        Self(id: "no-value", "resource '\(resource)' (\(type)) has no value; only parameters have {NAME.value}")
    }

    package static func noEndpoints(_ resource: String, type: String) -> Self {
        Self(id: "unknown-endpoint", "resource '\(resource)' (\(type)) has no endpoints")
    }

    package static func duplicateHostPort(_ port: Int, first: String) -> Self {
        Self(id: "duplicate-port", "host port \(port) is already used by \(first); pick another port or omit it to have one allocated")
    }

    package static func duplicateEnvPort(_ variable: String) -> Self {
        Self(id: "duplicate-port-env", "two endpoints set the port variable \(variable); give one of them another 'env'")
    }

    package static func replicasTooFew(_ value: Int) -> Self {
        Self(id: "invalid-replicas", "replicas must be at least 1, not \(value)")
    }

    package static func replicasTooMany(_ value: Int) -> Self {
        Self(id: "invalid-replicas", "replicas must be at most \(RunOptions.maximumReplicas), not \(value)")
    }

    package static func replicasWithFixedTargetPort(_ endpoint: String) -> Self {
        Self(id: "invalid-replicas", "endpoint '\(endpoint)' has a fixed targetPort, so replicas cannot each have their own port; remove targetPort")
    }

    package static func healthCheckNeedsEndpoint(_ kind: String) -> Self {
        Self(id: "unknown-endpoint", "a \(kind) health check needs an endpoint; add one under 'endpoints:'")
    }

    package static func containerNeedsTargetPort(_ endpoint: String) -> Self {
        Self(id: "missing-field", "container endpoint '\(endpoint)' is missing 'targetPort': the port the container listens on")
    }

    package static func unusedParameter(_ name: String) -> Self {
        Self(id: "unused-parameter", "parameter '\(name)' is never used; reference it as {\(name).value} or remove it")
    }
}
