/// Messages the `aspire-manifest.json` reader emits, next to the reader (the `Finding.Message`
/// pattern). Ids shared with apphost.yaml rules (`unknown-resource`, `cycle`, `wrong-type`, …)
/// mean the same thing in both formats.
extension Diagnostic.Message {
    package static func unsupportedResourceType(_ name: String, type: String) -> Self {
        Self(id: "unsupported-resource-type", "resource '\(name)' has type '\(type)', which aspire cannot run or publish; it is skipped")
    }

    package static func resourceWithoutType(_ name: String, aspireError: String?) -> Self {
        let detail = aspireError.map { " (Aspire wrote: \"\($0)\")" } ?? ""
        return Self(id: "unsupported-resource-type", "resource '\(name)' has no 'type'\(detail); it is skipped")
    }

    package static func unknownManifestKey(_ key: String, in what: String, suggestion: String?) -> Self {
        let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
        return Self(id: "unknown-key", "unknown key '\(key)' in \(what)\(hint); it is ignored")
    }

    package static func ignoredManifestField(_ field: String, in what: String, reason: String) -> Self {
        Self(id: "ignored-field", "'\(field)' in \(what) is ignored: \(reason)")
    }

    /// An expression in a JSON manifest naming a resource the manifest does not have.
    package static func unknownResourceInExpression(_ name: String, expression: String, jsonPath: String, suggestion: String?) -> Self {
        let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
        return Self(id: "unknown-resource", "'{\(expression)}' at \(jsonPath) names unknown resource '\(name)'\(hint)")
    }

    package static func expressionCycle(_ names: [String]) -> Self {
        Self(id: "cycle", "values refer to each other in a cycle: \(names.joined(separator: " → "))")
    }

    package static func unsupportedFilter(_ filter: String) -> Self {
        Self(id: "ignored-field", "annotated.string filter '\(filter)' is not known; the value is used unfiltered")
    }

    /// An expression pointing into bindings of a resource that has none (issue 15, item 5).
    package static func bindingsOfBindingless(_ name: String, type: String, expression: String, jsonPath: String) -> Self {
        Self(
            id: "no-bindings",
            "'{\(expression)}' at \(jsonPath) points into bindings of '\(name)', a \(type) that has none; "
                + "a resource that needs this value fails to start", subject: name)
    }
}
