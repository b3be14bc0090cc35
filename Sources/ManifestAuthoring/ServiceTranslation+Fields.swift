import YAMLSource

extension ServiceTranslation {
    // MARK: - command, environment

    mutating func command(key: String, _ value: YAMLNode) {
        guard let words = Self.words(value), !words.isEmpty else { return }
        switch target {
        case .container:
            if key == "entrypoint" {
                resource.set("entrypoint", .string(words[0]))
                let rest = words.dropFirst().map { Value.string(Self.literal($0)) }
                if !rest.isEmpty {
                    let after: [Value] = if case .list(let existing)? = resource.value("args") { existing } else { [] }
                    resource.set("args", .list(rest + after), comment: "the entrypoint's own arguments, then compose's command")
                }
            } else {
                let before: [Value] = if case .list(let existing)? = resource.value("args") { existing } else { [] }
                let comment = value.kind == .scalar && words.count > 1 ? "guess: compose's command split on spaces" : nil
                resource.set("args", .list(before + words.map { .string(Self.literal($0)) }), comment: comment)
            }
        case .project:
            note(value, "'\(key)' is the image's command; a project runs as detected (set 'command:' to change it); left out")
        case .wellKnown(let type):
            note(value, "'\(key)' replaces the server's command; aspire starts \(type) itself (server flags go in 'args'); left out")
        }
    }

    mutating func environment(_ value: YAMLNode) {
        var fields: [DraftManifest.Field] = []
        if value.kind == .mapping {
            for (key, item) in value.pairView {
                guard let name = key.scalar else { continue }
                fields.append(DraftManifest.Field(name, item.isNull ? .string("${\(name)}") : .string(Self.literal(item.scalar ?? ""))))
            }
        } else {
            for item in value.itemView {
                guard let text = item.scalar else { continue }
                let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0])
                fields.append(DraftManifest.Field(name, parts.count == 2 ? .string(Self.literal(String(parts[1]))) : .string("${\(name)}")))
            }
        }
        if case .wellKnown(let type) = target { fields = wellKnownEnvironment(type, fields, at: value) }
        fields = fields.map(addressing)
        if !fields.isEmpty { resource.set("env", .map(fields)) }
    }

    /// A value that is a well-known dependency's compose host name (`REDIS_HOST: redis`) becomes
    /// its host here; left as it was, it would win over the address aspire injects.
    private func addressing(_ field: DraftManifest.Field) -> DraftManifest.Field {
        guard case .string(let text) = field.value, case .wellKnown? = kinds[text], dependsOn(text) else { return field }
        return DraftManifest.Field(field.key, .string("{\(names[text]).endpoints.tcp.host}"), comment: "guess: compose's host name '\(text)'")
    }

    private func dependsOn(_ service: String) -> Bool {
        guard let dependencies = node["depends_on"] else { return false }
        return dependencies.kind == .sequence ? dependencies.itemView.contains { $0.scalarEquals(service) } : dependencies[service] != nil
    }

    /// The image's own settings (`POSTGRES_PASSWORD`, `POSTGRES_DB`) become the type's keys.
    private mutating func wellKnownEnvironment(_ type: String, _ fields: [DraftManifest.Field], at node: YAMLNode) -> [DraftManifest.Field] {
        var rest: [DraftManifest.Field] = []
        for field in fields {
            guard case .string(let text) = field.value else { continue }
            switch (type, field.key) {
            case ("postgres", "POSTGRES_PASSWORD"), ("redis", "REDIS_PASSWORD"), ("valkey", "VALKEY_PASSWORD"):
                resource.set("password", .string(text), comment: "from \(field.key)")
            case ("postgres", "POSTGRES_DB"):
                let database = ServiceNames.sanitize(text)
                if !database.isEmpty, database != resource.name { resource.set("databases", .list([.string(database)]), comment: "from POSTGRES_DB") }
            case ("postgres", "POSTGRES_USER"):
                note(node, "'POSTGRES_USER' (\(text)): aspire's postgres user is 'postgres'; left out")
            default:
                rest.append(field)
            }
        }
        return rest
    }

    mutating func envFile(_ value: YAMLNode) {
        let paths: [(String, YAMLNode)] =
            value.kind == .sequence
            ? value.itemView.compactMap { item in (item.scalar ?? item["path"]?.scalar).map { ($0, item) } }
            : [value.scalar].compactMap { $0 }.map { ($0, value) }
        guard let first = paths.first else { return }
        resource.set("envFile", .string(first.0))
        for (path, item) in paths.dropFirst() { note(item, "a second env file (\(path)): aspire reads one 'envFile'; merge it into \(first.0); left out") }
    }

    // MARK: - ports

    mutating func ports(_ value: YAMLNode, published: Bool) {
        var endpoints: [DraftManifest.Field] = if case .map(let existing)? = resource.value("endpoints") { existing } else { [] }
        for item in value.itemView {
            guard let port = ComposePort(item) else {
                note(item, "port '\(item.scalar ?? "…")' cannot be read (a range or an unknown form); left out")
                continue
            }
            switch target {
            case .wellKnown:
                if published, let host = port.published, !endpoints.contains(where: { $0.key == "port" }) {
                    resource.set("port", .number(host), comment: "from ports \(port.published.map(String.init) ?? ""):\(port.target)")
                    endpoints.append(DraftManifest.Field("port", .number(host)))
                } else {
                    note(item, "a server has one port; this mapping is left out")
                }
                continue
            case .project where !published:
                note(item, "'expose' on a project: it listens on the port it is given; left out")
                continue
            case .project, .container:
                break
            }
            let scheme = port.scheme
            let used = endpoints.filter { $0.key == scheme || $0.key.hasPrefix(scheme) }.count
            let name = used == 0 ? scheme : "\(scheme)\(used + 1)"
            var fields: [DraftManifest.Field] = []
            if scheme != name { fields.append(DraftManifest.Field("scheme", .string(scheme))) }
            if target == .project {
                fields.append(DraftManifest.Field("port", .number(port.published ?? port.target)))
                if let host = port.published, host != port.target { fields.append(DraftManifest.Field("targetPort", .number(port.target))) }
            } else {
                fields.append(DraftManifest.Field("targetPort", .number(port.target)))
                if let host = port.published { fields.append(DraftManifest.Field("port", .number(host))) }
            }
            endpoints.append(DraftManifest.Field(name, .map(fields)))
        }
        if case .wellKnown = target { return }
        if !endpoints.isEmpty { resource.set("endpoints", .map(endpoints), comment: "guess: schemes from the port numbers") }
    }

    // MARK: - depends_on

    mutating func dependsOn(_ value: YAMLNode) {
        var waitFor: [Value] = []
        var completion: [Value] = []
        var references: [Value] = []
        var listForm = false
        func add(_ original: String, completed: Bool, into waitFor: inout [Value], _ completion: inout [Value], _ references: inout [Value]) {
            let name = names[original]
            if completed { completion.append(.string(name)) } else { waitFor.append(.string(name)) }
            if case .wellKnown? = kinds[original] { references.append(.string(name)) }
        }
        if value.kind == .sequence {
            listForm = true
            for item in value.itemView { if let name = item.scalar { add(name, completed: false, into: &waitFor, &completion, &references) } }
        } else {
            for (key, condition) in value.pairView {
                guard let name = key.scalar else { continue }
                let text = condition["condition"]?.scalar ?? "service_started"
                add(name, completed: text == "service_completed_successfully", into: &waitFor, &completion, &references)
                for (extra, _) in condition.pairView where extra.scalar != "condition" {
                    note(extra, "'depends_on.\(name).\(extra.scalar ?? "")' has no equivalent; left out")
                }
            }
        }
        if !references.isEmpty { resource.set("references", .list(references), comment: "guess: its connection string, for what compose reached by host name") }
        if !waitFor.isEmpty {
            resource.set("waitFor", .list(waitFor), comment: listForm ? "guess: compose only orders start-up; aspire waits until healthy" : nil)
        }
        if !completion.isEmpty { resource.set("waitForCompletion", .list(completion)) }
    }
}

/// One entry of compose `ports`/`expose`: `"8080:80"`, `"127.0.0.1:8080:80/tcp"`, `80`, or the long form.
struct ComposePort {
    var target: Int
    var published: Int?
    var proto = "tcp"

    init?(_ node: YAMLNode) {
        if node.kind == .mapping {
            guard let target = node["target"]?.int ?? node["target"]?.scalar.flatMap({ Int($0) }) else { return nil }
            self.target = target
            published = node["published"]?.int ?? node["published"]?.scalar.flatMap { Int($0) }
            proto = node["protocol"]?.scalar ?? "tcp"
            return
        }
        guard var text = node.scalar else { return nil }
        if let slash = text.firstIndex(of: "/") {
            proto = String(text[text.index(after: slash)...])
            text = String(text[..<slash])
        }
        let parts = text.split(separator: ":").map(String.init)
        guard let last = parts.last, let target = Int(last), (1...65535).contains(target) else { return nil }
        self.target = target
        if parts.count >= 2 {
            guard let host = Int(parts[parts.count - 2]), (1...65535).contains(host) else { return nil }
            published = host
        }
    }

    /// `udp` as written; `https` for 443 and 8443; `http` for the ports web servers use; else `tcp`.
    var scheme: String {
        if proto == "udp" { return "udp" }
        if [443, 8443].contains(target) { return "https" }
        let web: Set<Int> = [80, 3000, 4000, 4200, 5000, 5173, 8000, 8080, 8081, 8888, 9000, 9090]
        return web.contains(target) ? "http" : "tcp"
    }
}
