import AppModel
import AppState
import Foundation

/// The values a deployment needs that the app model does not hold: parameter values, server
/// passwords, connection strings read from the environment. Each gets a variable name
/// (`PGPASSWORD`, `CACHE_PASSWORD`, `LEGACYDB_CONNECTIONSTRING`); compose writes `${NAME}` and
/// Kubernetes `$(NAME)`, and the values go to a 0600 dotenv file, never inline.
///
/// Where a value comes from, first match wins: the file an earlier publish wrote (so secrets
/// stay stable and output is byte-identical), the host environment (`Parameters__x`,
/// `ConnectionStrings__x`, as `up` reads them), the parameter's `default`, a freshly generated
/// secret, else empty (a note says it must be filled in).
struct DeploymentVariables {
    /// What a variable stands for.
    enum Source: Hashable {
        case parameter(String)
        case password(server: String)
        case connectionString(String)
    }

    struct Variable {
        var name: String
        var source: Source
        var secret: Bool
        var value: String
        /// True when no value was found (the user must fill it in).
        var isMissing: Bool
    }

    private(set) var variables: [Variable] = []
    private var bySource: [Source: Int] = [:]
    private(set) var notes: [PublishNote] = []

    /// Registers every parameter, generated password and environment-read connection string of `manifest`.
    init(manifest: Manifest, environment: [String: String], kept allKept: [String: String]) {
        // An empty kept value is one the user has not filled in yet: still missing.
        let kept = allKept.filter { !$0.value.isEmpty }
        var taken = Set<String>()
        func uniqueName(_ base: String) -> String {
            var name = base
            var counter = 2
            while taken.contains(name) {
                name = "\(base)_\(counter)"
                counter += 1
            }
            taken.insert(name)
            return name
        }
        for resource in manifest.resources {
            let prefix = VariableName.upperCased(resource.name)
            switch resource.kind {
            case .parameter(let parameter):
                let name = uniqueName(prefix)
                var value = kept[name] ?? environment[VariableName.parameter(resource.name)] ?? parameter.defaultValue
                if value == nil, let generate = parameter.generate { value = SecretGenerator.generate(generate) }
                add(Variable(name: name, source: .parameter(resource.name), secret: parameter.secret, value: value ?? "", isMissing: value == nil))
                if value == nil {
                    notes.append(PublishNote(resource.name, "parameter has no value; set \(name) (or \(VariableName.parameter(resource.name)) before publishing)"))
                }
            case .redis(let wellKnown), .postgres(let wellKnown), .wellKnown(_, let wellKnown):
                guard wellKnown.password == nil, resource.needsPassword else { continue }
                let name = uniqueName("\(prefix)_PASSWORD")
                let value = kept[name] ?? SecretGenerator.generate(Parameter.Generate(length: 22, lower: true, upper: true, numeric: true, special: false))
                add(Variable(name: name, source: .password(server: resource.name), secret: true, value: value, isMissing: false))
            case .connectionString(let template) where template.parts.isEmpty:
                let name = uniqueName("\(prefix)_CONNECTIONSTRING")
                let value = kept[name] ?? environment[VariableName.connectionString(resource.name)]
                add(Variable(name: name, source: .connectionString(resource.name), secret: true, value: value ?? "", isMissing: value == nil))
                if value == nil {
                    notes.append(PublishNote(resource.name, "connection string has no value; set \(name) (or \(VariableName.connectionString(resource.name)) before publishing)"))
                }
            default:
                continue
            }
        }
    }

    private mutating func add(_ variable: Variable) {
        bySource[variable.source] = variables.count
        variables.append(variable)
    }

    subscript(source: Source) -> Variable? { bySource[source].map { variables[$0] } }

    subscript(name name: String) -> Variable? { variables.first { $0.name == name } }

    // MARK: - Placeholders inside resolved values

    /// Text that stands for variable `name` while the resolver runs; it cannot occur in a manifest
    /// (private-use characters), so finding it afterwards is unambiguous.
    static func placeholder(_ name: String) -> String { "\u{E000}\(name)\u{E001}" }

    /// Bindings where values are placeholders (`inlinePlain`: plain parameters get their value
    /// instead, as Kubernetes ConfigMaps hold them) and ports are the deployment's ports.
    func bindings(ports: DeploymentPorts, inlinePlain: Bool) -> Bindings {
        var bindings = Bindings()
        bindings.hostPorts = ports.ports
        for variable in variables {
            let text = inlinePlain && !variable.secret ? variable.value : Self.placeholder(variable.name)
            switch variable.source {
            case .parameter(let name): bindings.parameters[name] = text
            case .password(let server): bindings.passwords[server] = text
            case .connectionString(let name): bindings.hostEnvironment[VariableName.connectionString(name)] = text
            }
        }
        return bindings
    }

    /// The dotenv file holding `variables` (those `include` selects), mode 0600.
    func dotEnv(header: String, include: (Variable) -> Bool) -> String {
        var out = header
        for variable in variables where include(variable) {
            if variable.isMissing { out += "# \(variable.name): required, no value was found\n" }
            out += DotEnv.render([(name: variable.name, value: variable.value)])
        }
        return out
    }

}
