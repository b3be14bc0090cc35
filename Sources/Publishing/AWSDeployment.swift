import AppModel
import Foundation

/// What `publish` does with `type: aws`: a deployment talks to real AWS, so the emulator is not
/// deployed and no endpoint or emulator key is injected. A reference to the server or one of its
/// buckets, queues or tables becomes plain values (the region, the names), a queue's URL a
/// parameter `<queue>-url` the user fills in (it holds the account), and `AWS-RESOURCES.md`
/// lists the real resources the output expects. Credentials come from the platform (an IAM role,
/// a profile), as with any AWS SDK program.
enum AWSDeployment {
    static let fileName = "AWS-RESOURCES.md"

    /// `manifest` without its aws servers and their children, the file listing them, and notes.
    static func prepare(_ manifest: Manifest) -> (Manifest, [OutputFile], [PublishNote]) {
        var removed: [String: String] = [:]  // child or server → its server
        var servers: [Resource] = []
        for resource in manifest.resources {
            guard case .wellKnown(let type, let settings) = resource.kind, !type.childGroups.isEmpty else { continue }
            servers.append(resource)
            removed[resource.name] = resource.name
            for child in settings.databases { removed[child] = resource.name }
        }
        guard !servers.isEmpty else { return (manifest, [], []) }
        var taken = Set(manifest.resourceNames)
        var queueParameters: [String: String] = [:]
        var added: [Resource] = []
        for (child, _) in removed.sorted(by: { $0.key < $1.key }) {
            guard let resource = manifest[child], manifest.childGroup(of: resource)?.key == "queues" else { continue }
            var name = "\(child)-url"
            while taken.contains(name) { name += "-url" }
            taken.insert(name)
            queueParameters[child] = name
            added.append(Resource(name: name, location: resource.location, kind: .parameter(Parameter())))
        }
        var resources: [Resource] = []
        for var resource in manifest.resources where removed[resource.name] == nil {
            var injected: [EnvEntry] = []
            resource.run.references.removeAll { reference in
                guard removed[reference.target.name] != nil else { return false }
                injected += values(for: reference, in: manifest, queueParameters: queueParameters)
                return true
            }
            resource.run.env = injected + resource.run.env
            resource.run.waitFor.removeAll { removed[$0.name] != nil }
            resource.run.waitForCompletion.removeAll { removed[$0.name] != nil }
            resources.append(resource)
        }
        var result = Manifest(name: manifest.name, file: manifest.file, directory: manifest.directory, resources: resources + added)
        result.undecodedNames = manifest.undecodedNames
        let notes = servers.map {
            PublishNote($0.name, "not deployed: the app uses real AWS; create what \(fileName) lists and give the services credentials")
        }
        return (result, [OutputFile(path: fileName, contents: listing(servers, manifest, queueParameters: queueParameters))], notes)
    }

    /// The values a reference to an aws server or child gives a deployed service.
    private static func values(for reference: Reference, in manifest: Manifest, queueParameters: [String: String]) -> [EnvEntry] {
        guard let target = manifest[reference.target.name] else { return [] }
        let location = reference.target.location
        func entry(_ name: String, _ value: Template) -> EnvEntry { EnvEntry(name: name, value: value, location: location) }
        var server = target
        if case .postgresDatabase(let owner, _) = target.kind, let owning = manifest[owner] { server = owning }
        guard case .wellKnown(_, let settings) = server.kind else { return [] }
        let region = Template(literal: WellKnownType.region(of: settings))
        var entries = [entry("AWS_REGION", region), entry("AWS_DEFAULT_REGION", region)]
        guard case .postgresDatabase(_, let actualName) = target.kind, let group = manifest.childGroup(of: target) else { return entries }
        let connectionName = reference.connectionName ?? target.name
        var value = Template(literal: actualName)
        if let parameter = queueParameters[target.name] {
            value = Template(parts: [.expression(Expression(resource: parameter, property: .value, location: location))])
        }
        entries.append(entry(VariableName.connectionString(connectionName), value))
        for property in group.properties {
            entries.append(entry(VariableName.polyglot(connectionName, property.name), property.format.contains("{host}") ? value : Template(literal: actualName)))
        }
        return entries
    }

    /// `AWS-RESOURCES.md`: per server, its region and the buckets, queues and tables to create.
    private static func listing(_ servers: [Resource], _ manifest: Manifest, queueParameters: [String: String]) -> String {
        var lines = [
            "# AWS resources this app expects",
            "",
            "`aspire up` emulates these with moto; a deployment uses real AWS. Create them (console, CLI,",
            "CloudFormation, Terraform) before starting the services, and give the services credentials",
            "the platform's way (an IAM role, a profile); no key is written here.",
            "",
        ]
        for server in servers {
            guard case .wellKnown(let type, let settings) = server.kind else { continue }
            lines += ["## \(server.name) (region \(WellKnownType.region(of: settings)))", ""]
            for group in type.childGroups {
                for child in settings.databases {
                    guard let resource = manifest[child], manifest.childGroup(of: resource)?.key == group.key,
                        case .postgresDatabase(_, let actualName) = resource.kind
                    else { continue }
                    var line = "- \(group.what) `\(actualName)`"
                    if group.key == "tables" { line += " (partition key `id`, string; on-demand)" }
                    if let parameter = queueParameters[child] { line += ": set parameter `\(parameter)` to its URL" }
                    lines.append(line)
                }
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
