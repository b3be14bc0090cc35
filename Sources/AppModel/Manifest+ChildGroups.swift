import Foundation

extension Manifest {
    /// The group (`buckets`, …) of a child of an aws server; nil for anything else (a database).
    package func childGroup(of child: Resource) -> ChildGroup? {
        guard case .postgresDatabase(let server, _) = child.kind, case .wellKnown(let type, let settings)? = self[server]?.kind,
            let key = settings.childGroups[child.name]
        else { return nil }
        return type.childGroups.first { $0.key == key }
    }

    /// The variables a reference to `server` (or one of its children) injects under their own
    /// names, with the server's region written in: what AWS SDKs read.
    func plainVariables(of server: String) -> [WellKnownType.Property] {
        guard case .wellKnown(let type, let settings)? = self[server]?.kind, !type.plainVariables.isEmpty else { return [] }
        let region = WellKnownType.region(of: settings)
        return type.plainVariables.map { .init($0.name, $0.format.replacingOccurrences(of: "{region}", with: region)) }
    }
}
