/// Connection strings and passwords, in the formats Aspire 13 writes (the connection properties
/// are listed by `Manifest.injection(of:)` and filled in by `value(of:)`).
extension EnvironmentResolver {
    /// `localhost:PORT,password=…` (Redis) or `Host=…;Port=…;Username=postgres;Password=…[;Database=…]`.
    package func connectionString(of name: String) throws(Failure) -> ResolvedValue {
        guard let resource = manifest[name] else { throw Failure(message: "unknown resource '\(name)'") }
        switch resource.kind {
        case .redis:
            let port = try hostPort(of: EndpointID(name, "tcp"))
            return "\(host):\(port),password=" + (try password(of: name))
        case .postgres:
            let port = try hostPort(of: EndpointID(name, "tcp"))
            return "Host=\(host);Port=\(port);Username=postgres;Password=" + (try password(of: name))
        case .postgresDatabase(let server, let databaseName):
            if let group = manifest.childGroup(of: resource) {
                let port = try hostPort(of: EndpointID(server, "tcp"))
                return WellKnownType.renderFormat(group.connectionFormat, host: host, port: port, password: nil, database: databaseName)
            }
            if case .wellKnown(let type, _)? = manifest[server]?.kind, let children = type.databases {
                let port = try hostPort(of: EndpointID(server, "tcp"))
                let password = type.hasPassword ? try password(of: server) : nil
                let format = children.connectionFormat ?? type.connectionString + children.connectionSuffix
                return WellKnownType.renderFormat(format, host: host, port: port, password: password, database: databaseName)
            }
            return try connectionString(of: server) + ";Database=\(databaseName)"
        case .wellKnown(let type, _):
            let port = try hostPort(of: EndpointID(name, "tcp"))
            return WellKnownType.renderFormat(type.connectionString, host: host, port: port, password: type.hasPassword ? try password(of: name) : nil)
        case .connectionString(let template):
            if template.parts.isEmpty {
                let key = VariableName.connectionString(name)
                guard let value = bindings.hostEnvironment[key] else {
                    throw Failure(message: "connection string '\(name)' has no value; set \(key) in the environment or give it 'value:'")
                }
                return ResolvedValue(secret: value)
            }
            return try resolve(template)
        default:
            throw Failure(message: "resource '\(name)' (\(resource.typeName)) has no connection string")
        }
    }

    /// The password of a redis/postgres server: its `password:` template, or the generated one.
    package func password(of server: String) throws(Failure) -> ResolvedValue {
        guard let resource = manifest[server] else { throw Failure(message: "unknown resource '\(server)'") }
        switch resource.kind {
        case .redis(let wellKnown), .postgres(let wellKnown), .wellKnown(_, let wellKnown):
            if let template = wellKnown.password {
                let value = try resolve(template)
                return ResolvedValue(secret: value.value)
            }
        default:
            break
        }
        guard let generated = bindings.passwords[server] else {
            throw Failure(message: "no password is stored for '\(server)'")
        }
        return ResolvedValue(secret: generated)
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if c.isASCII, c.isLetter || c.isNumber || "-._~".contains(c) {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
