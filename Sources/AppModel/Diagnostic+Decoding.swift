import YAMLSource

/// Diagnostics that the decoder can only settle once the whole manifest is known: unterminated
/// expressions (an error only when they name a resource) and unset host variables (one warning
/// per variable, at its first use in the file).
extension Diagnostic.Message {
    /// `{cache.connectionString` with no closing brace (issue 15, item 4); `subject` is the name.
    package static func unterminatedExpression(_ name: String) -> Self {
        Self(
            id: "unterminated-expression",
            "unterminated expression: '{\(name).' has no closing '}' (write '{{' for a literal brace)", subject: name)
    }
}

extension Diagnostic {
    /// The parser's errors as diagnostics, one each, in the order found; a duplicate key notes
    /// where the key was first defined. Both decoders (apphost.yaml and aspire-manifest.json)
    /// report a file's parse errors this way.
    static func parseErrors(of document: YAMLDocument) -> [Diagnostic] {
        document.errors.map { error in
            .error(.yaml(error), at: error.location, notes: error.relatedLocation.map { [Note("first defined here", at: $0)] } ?? [])
        }
    }

    /// Whether a tree is left to decode: fatal YAML errors leave none; duplicate keys still let
    /// the rest be decoded.
    static func isDecodable(_ document: YAMLDocument) -> Bool {
        !document.errors.contains { $0.code != .duplicateKey }
    }

    /// The error for a database name the server would reject, with a name it takes as the fix-it
    /// note (the resource keeps its name: `databases: {RESOURCE: FIXED}`).
    static func invalidDatabaseName(_ name: String, resource: String, rule: String, fixed: String, at location: SourceLocation) -> Diagnostic {
        let fixIt = "write databases: {\(resource): \(fixed)} (the resource keeps its name; the server gets one it takes)"
        return .error(.invalidDatabaseName(name, rule: rule), at: location, notes: [Note(fixIt)])
    }

    /// The error for an unterminated expression, with the fixed text as its fix-it note.
    static func unterminatedExpression(_ name: String, fixed: String, at location: SourceLocation) -> Diagnostic {
        .error(.unterminatedExpression(name), at: location, notes: [Note("write \(fixed)")])
    }
}

extension Array where Element == Diagnostic {
    /// The decoder's diagnostics once `manifest` is known: unterminated `{name.…` kept only when
    /// `name` is a resource (other text with a brace stays text), and one unset-variable warning
    /// per variable.
    package func settledAfterDecoding(for manifest: Manifest?) -> [Diagnostic] {
        let settled = filter { diagnostic in
            guard diagnostic.message.id == "unterminated-expression", let name = diagnostic.message.subject else { return true }
            guard let manifest else { return false }
            return manifest.contains(name) || manifest.undecodedNames.contains(name)
        }
        return settled.keepingFirstUnsetVariableWarnings()
    }
}
