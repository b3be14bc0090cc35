import YAMLSource

/// `parameter.v0`, `value.v0` and `annotated.string`: resources that hold a value, not a process.
extension AspireManifestDecoder {
    /// `{"type": "parameter.v0", "value": "{p.inputs.value}", "inputs": {"value": {...}}}`.
    ///
    /// A parameter whose `connectionString` is `{p.value}` and that has no default is Aspire's
    /// `AddConnectionString`: it becomes a `connectionString` resource read from
    /// `ConnectionStrings__p`, exactly as Aspire reads it from configuration.
    mutating func readParameter(_ name: String, key: YAMLNode, fields: [String: YAMLNode], path: String) -> Bool {
        var parameter = Parameter(secret: false, defaultValue: nil, generate: nil)
        if let node = fields["inputs"], let inputs = object(node, what: "inputs", known: ["value"]) {
            if let input = inputs["value"], let value = object(input, what: "inputs.value", known: ["type", "secret", "default", "description"]) {
                if let typeNode = value["type"], let type = string(typeNode, "type"), type != "string" {
                    diagnostics.append(.error(.invalidChoice(type, field: "input type", choices: ["string"]), at: typeNode.location))
                }
                parameter.secret = bool(value["secret"], "secret") ?? false
                if let defaultNode = value["default"], let defaults = object(defaultNode, what: "default", known: ["value", "generate"]) {
                    parameter.defaultValue = string(defaults["value"], "default.value")
                    if let generateNode = defaults["generate"] {
                        parameter.generate = readGenerate(generateNode)
                        if defaults["value"] != nil {
                            diagnostics.append(.error(.defaultAndGenerate(name), at: generateNode.location))
                        }
                    }
                }
            }
        }
        var entry = Entry()
        let connectionString = fields["connectionString"].flatMap { rawString($0, path: "\(path).connectionString", what: "connectionString") }
        if let connectionString { entry.connectionString = .inline(connectionString) }
        let value = fields["value"].flatMap { rawString($0, path: "\(path).value", what: "value") }
        let readsInputs = value.map { $0.text == "{\(name).inputs.value}" } ?? true
        if !readsInputs, let value {
            // A value computed from others: used in place, it has no resource of its own.
            entry.value = .inline(value)
            entries[name] = entry
            return true
        }
        if connectionString?.text == "{\(name).value}", parameter.defaultValue == nil, parameter.generate == nil {
            entry.connectionString = .keep
            entry.value = .asConnectionString
            entries[name] = entry
            drafts.append(Draft(name: name, location: key.location, kind: .connectionString(nil)))
            return true
        }
        entries[name] = entry
        drafts.append(Draft(name: name, location: key.location, kind: .parameter(parameter)))
        return true
    }

    /// `{"minLength": 22, "lower": true, "upper": true, "numeric": true, "special": false}`; Aspire's
    /// classes default to on (`special` too). `minLower` and friends are met anyway: the generator
    /// puts at least one character of every enabled class in.
    private mutating func readGenerate(_ node: YAMLNode) -> Parameter.Generate? {
        let known = ["minLength", "lower", "upper", "numeric", "special", "minLower", "minUpper", "minNumeric", "minSpecial"]
        guard let fields = object(node, what: "generate", known: known) else { return nil }
        var generate = Parameter.Generate(length: 22, lower: true, upper: true, numeric: true, special: true)
        if let lengthNode = fields["minLength"], let length = int(lengthNode, "minLength") {
            if (1...1024).contains(length) {
                generate.length = length
            } else {
                diagnostics.append(.error(.outOfRange("minLength", value: length, range: 1...1024), at: lengthNode.location))
            }
        }
        generate.lower = bool(fields["lower"], "lower") ?? true
        generate.upper = bool(fields["upper"], "upper") ?? true
        generate.numeric = bool(fields["numeric"], "numeric") ?? true
        generate.special = bool(fields["special"], "special") ?? true
        if !(generate.lower || generate.upper || generate.numeric || generate.special) {
            diagnostics.append(.error(.emptyCharacterSet, at: node.location))
        }
        return generate
    }

    /// `{"type": "value.v0", "connectionString": "{pg.connectionString};Database=db"}`. An empty
    /// one (Aspire's TLS placeholders) is used in place as the empty string.
    mutating func readValue(_ name: String, key: YAMLNode, fields: [String: YAMLNode], path: String) -> Bool {
        let field = fields["connectionString"] != nil ? "connectionString" : "value"
        guard let node = fields[field] else {
            diagnostics.append(.error(.missingField("connectionString", in: "resource '\(name)'", hint: "the value"), at: key.location))
            return false
        }
        guard let raw = rawString(node, path: "\(path).\(field)", what: field) else { return false }
        var entry = Entry()
        if raw.text.isEmpty {
            entry.connectionString = .literal("")
            entry.value = .literal("")
        } else {
            entry.value = .asConnectionString
            drafts.append(Draft(name: name, location: key.location, kind: .connectionString(raw)))
        }
        entries[name] = entry
        return true
    }

    /// `{"type": "annotated.string", "value": "{pw.value}", "filter": "uri"}`: used in place as its
    /// value. The `uri` filter (percent-encoding) is not applied: generated secrets hold no
    /// character it would change.
    mutating func readAnnotated(_ name: String, key: YAMLNode, fields: [String: YAMLNode], path: String) -> Bool {
        guard let node = fields["value"] else {
            diagnostics.append(.error(.missingField("value", in: "resource '\(name)'", hint: "the value it annotates"), at: key.location))
            return false
        }
        if let filterNode = fields["filter"], let filter = string(filterNode, "filter"), filter != "uri" {
            diagnostics.append(.warning(.unsupportedFilter(filter), at: filterNode.location))
        }
        guard let raw = rawString(node, path: "\(path).value", what: "value") else { return false }
        var entry = Entry()
        entry.value = .inline(raw)
        entry.connectionString = .inline(raw)
        entries[name] = entry
        return true
    }
}
