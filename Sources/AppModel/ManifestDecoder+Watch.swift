import YAMLSource

extension ManifestDecoder {
    static let watchKeys = ["paths", "ignore", "action", "debounce", "restartDependents"]

    /// `watch: true` (the resource's folder), `watch: false`, or
    /// `{paths, ignore, action, debounce, restartDependents}`; whether each path exists is the
    /// validator's to say (it knows the manifest's folder).
    mutating func decodeWatch(_ node: YAMLNode) -> Watch? {
        if node.kind == .scalar {
            guard let flag = reader.bool(node, "watch") else { return nil }
            return flag ? Watch(location: node.location) : nil
        }
        let fields = MappingReader(node, what: "watch", allowed: Self.watchKeys, diagnostics: &reader.diagnostics)
        guard node.kind == .mapping else { return nil }
        var watch = Watch(location: node.location)
        watch.paths = reader.stringList(fields["paths"], "paths", NameRef.init(_:at:)) ?? []
        watch.ignore = reader.stringList(fields["ignore"], "ignore") { text, _ in text } ?? []
        if let actionNode = fields["action"], let text = reader.string(actionNode, "action") {
            if let action = Watch.Action(rawValue: text) {
                watch.action = action
            } else {
                reader.diagnostics.append(
                    .error(.invalidChoice(text, field: "action", choices: Watch.Action.allCases.map(\.rawValue)), at: actionNode.location))
            }
        }
        if let value = reader.duration(fields["debounce"], "debounce") { watch.debounce = value }
        watch.restartDependents = reader.bool(fields["restartDependents"], "restartDependents") ?? false
        return watch
    }
}
