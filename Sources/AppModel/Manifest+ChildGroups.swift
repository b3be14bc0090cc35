import Foundation

extension Manifest {
    /// The group (`buckets`, …) of a child of an aws server; nil for anything else (a database).
    package func childGroup(of child: Resource) -> ChildGroup? {
        guard case .postgresDatabase(let server, _) = child.kind, case .wellKnown(let type, let settings)? = self[server]?.kind,
            let key = settings.childGroups[child.name]
        else { return nil }
        return type.childGroups.first { $0.key == key }
    }

    /// The type `ps`, the control API, the dashboard and `graph` show: a server's child says
    /// whose it is (`postgres database`, `mysql database`, `aws bucket`, `aws queue`, `aws table`),
    /// anything else its `type:` word.
    package func typeName(of resource: Resource) -> String {
        guard case .postgresDatabase(let server, _) = resource.kind, let owner = self[server] else { return resource.typeName }
        if let group = childGroup(of: resource) { return "\(owner.typeName) \(group.what)" }
        return "\(owner.typeName) database"
    }

    /// The variables a reference to `server` (or one of its children) injects under their own
    /// names, with the server's region written in: what AWS SDKs read.
    func plainVariables(of server: String) -> [WellKnownType.Property] {
        guard case .wellKnown(let type, let settings)? = self[server]?.kind, !type.plainVariables.isEmpty else { return [] }
        let region = WellKnownType.region(of: settings)
        return type.plainVariables.map { .init($0.name, $0.format.replacingOccurrences(of: "{region}", with: region)) }
    }
}
