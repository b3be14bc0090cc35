import YAMLSource

extension ManifestDecoder {
    /// An aws server's `region:` and its `buckets:`, `queues:` and `tables:`: each child is a
    /// resource of its own (as a database is), its name checked against AWS's rule at its line.
    mutating func decodeChildGroups(
        _ server: String, _ template: WellKnownType, fields: MappingReader, into wellKnown: inout WellKnown, children: inout [Resource]
    ) {
        if let node = fields["region"], let region = reader.string(node, "region") {
            if region.isEmpty || !region.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
                reader.diagnostics.append(.error(.invalidChoice(region, field: "region", choices: ["us-east-1", "eu-west-1", "…"]), at: node.location))
            }
            wellKnown.region = region
        }
        for group in template.childGroups {
            guard let node = fields[group.key] else { continue }
            for (childName, location, actualName, _) in decodeDatabases(node) {
                if group.rule.problem(with: actualName) != nil {
                    reader.diagnostics.append(.error(.invalidChildName(actualName, child: childName, group: group), at: location))
                }
                wellKnown.databases.append(childName)
                wellKnown.childGroups[childName] = group.key
                children.append(Resource(name: childName, location: location, kind: .postgresDatabase(server: server, databaseName: actualName)))
            }
        }
    }
}
