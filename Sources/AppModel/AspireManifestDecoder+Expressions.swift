import YAMLSource

/// The second pass: raw strings become templates of the expressions apphost.yaml uses.
///
/// `{r.bindings.E.url|host|port|targetPort|scheme}`, `{r.connectionString}`, `{p.value}` and
/// `{p.inputs.value}` are parsed by `Template.parseExpression`. What each becomes depends on the
/// resource it names (`Entry`): kept as an expression, replaced by another string's text
/// (resolved in turn, cycles reported), or by fixed text. Braces whose content does not look like
/// `name.property` (`{**catch-all}`) stay as written; so do expressions naming a skipped
/// resource (they are listed on its warning). Naming a resource the manifest lacks is an error
/// with the JSON path.
extension AspireManifestDecoder {
    /// A draft with its strings resolved.
    mutating func resolve(_ draft: Draft) -> Resource {
        var run = RunOptions()
        for (name, raw, location) in draft.env {
            run.env.append(EnvEntry(name: name, value: template(raw, chain: []), location: location))
        }
        run.args = draft.args.map { template($0, chain: []) }
        run.endpoints = draft.endpoints
        run.workingDir = draft.workingDir
        let kind: Resource.Kind
        switch draft.kind {
        case .project(let project): kind = .project(project)
        case .executable(let executable): kind = .executable(executable)
        case .container(let container): kind = .container(container)
        case .parameter(let parameter): kind = .parameter(parameter)
        case .connectionString(let raw): kind = .connectionString(raw.map { template($0, chain: [draft.name]) } ?? Template(parts: []))
        }
        return Resource(name: draft.name, location: draft.location, kind: kind, run: run)
    }

    /// `raw` as a template; `chain` holds the names being inlined (to catch cycles).
    mutating func template(_ raw: RawString, chain: [String]) -> Template {
        guard raw.text.contains("{") else { return Template(literal: raw.text) }
        var builder = TemplateBuilder()
        let scalars = Array(raw.text.unicodeScalars)
        // Columns are exact when the string is on one line and has no escapes (source width =
        // text + 2 quotes); otherwise expressions are located at the string's start.
        let exact =
            raw.node.location.line == raw.node.endLocation.line
            && raw.node.endLocation.column - raw.node.location.column == scalars.count + (raw.node.style == .plain ? 0 : 2)
        var i = 0
        while i < scalars.count {
            if scalars[i] == "{", let close = scalars[(i + 1)...].firstIndex(of: "}") {
                let body = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
                if Template.looksLikeExpression(body) {
                    var here = raw.node.location
                    if exact { here.column += (raw.node.style == .plain ? 0 : 1) + i }
                    expression(body, at: here, raw: raw, chain: chain, into: &builder)
                    i = close + 1
                    continue
                }
            }
            builder.append(String(scalars[i]))
            i += 1
        }
        return builder.template
    }

    /// Resolves one `{body}` into `builder`.
    private mutating func expression(_ body: String, at location: SourceLocation, raw: RawString, chain: [String], into builder: inout TemplateBuilder) {
        let name = String(body.prefix { $0 != "." })
        guard let entry = entries[name] else {
            if skipped[name] != nil {
                skipped[name]?.users.append(Diagnostic.Note("used at \(raw.path)", at: location))
            } else {
                let names = Array(entries.keys) + Array(skipped.keys)
                diagnostics.append(
                    .error(.unknownResourceInExpression(name, expression: body, jsonPath: raw.path, suggestion: DidYouMean.suggestion(for: name, in: names)), at: location))
            }
            builder.append("{\(body)}")
            return
        }
        var problems: [Diagnostic] = []
        guard let parsed = Template.parseExpression(body, at: location, diagnostics: &problems) else {
            diagnostics += problems
            builder.append("{\(body)}")
            return
        }
        switch parsed.property {
        case .connectionString:
            use(entry.connectionString, of: name, property: "connectionString", expression: parsed, chain: chain, into: &builder)
        case .value:
            use(entry.value, of: name, property: "value", expression: parsed, chain: chain, into: &builder)
        case .endpoint(let endpoint, let field):
            if let type = bindingless[name] {
                // Aspire writes these (`{sql.bindings.tcp.url}` of a parameter.v0 in its playground):
                // a warning here, a failure only where the value is needed.
                diagnostics.append(.warning(.bindingsOfBindingless(name, type: type, expression: body, jsonPath: raw.path), at: location))
                unboundTargets.insert(name)
                builder.append(parsed)
                return
            }
            guard let scheme = entry.schemes[endpoint] else {
                builder.append(parsed)
                return
            }
            // A scheme our endpoints cannot hold (`redis`): written out where it is used.
            func part(_ field: Expression.EndpointField) -> Expression {
                Expression(resource: name, property: .endpoint(name: endpoint, field: field), location: location)
            }
            switch field {
            case .scheme: builder.append(scheme)
            case .url:
                builder.append("\(scheme)://")
                builder.append(part(.host))
                builder.append(":")
                builder.append(part(.port))
            case .host, .port, .targetPort: builder.append(parsed)
            }
        }
    }

    private mutating func use(
        _ source: Entry.Source, of name: String, property: String, expression: Expression, chain: [String], into builder: inout TemplateBuilder
    ) {
        switch source {
        case .keep:
            builder.append(expression)
        case .literal(let text):
            builder.append(text)
        case .asConnectionString:
            builder.append(Expression(resource: name, property: .connectionString, location: expression.location))
        case .inline(let raw):
            if chain.contains(name) {
                diagnostics.append(.error(.expressionCycle(chain + [name]), at: expression.location))
                builder.append("{\(expression)}")
                return
            }
            for part in inline(raw, key: "\(name).\(property)", chain: chain + [name]).parts {
                switch part {
                case .literal(let text): builder.append(text)
                case .expression(let inner): builder.append(inner)
                }
            }
        }
    }

    /// Another string's template, computed once.
    mutating func inline(_ raw: RawString, key: String, chain: [String]) -> Template {
        if let done = inlined[key] { return done }
        let result = template(raw, chain: chain)
        inlined[key] = result
        return result
    }
}

/// Collects template parts, merging adjacent literal text.
struct TemplateBuilder {
    private var parts: [Template.Part] = []
    private var literal = ""

    mutating func append(_ text: String) { literal += text }

    mutating func append(_ expression: Expression) {
        if !literal.isEmpty { parts.append(.literal(literal)) }
        literal = ""
        parts.append(.expression(expression))
    }

    var template: Template {
        var result = parts
        if !literal.isEmpty { result.append(.literal(literal)) }
        return Template(parts: result)
    }
}
