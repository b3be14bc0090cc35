/// Which database names a server takes, as aspire writes them (quoted in SQL, unescaped in
/// connection strings and URIs): letters and digits, a few more characters, a byte limit.
/// A name that breaks it is a validation error at its line, naming the rule, with a fix-it.
package struct DatabaseNameRule: Sendable, Hashable {
    /// The server's rule and aspire's narrowing of it, for the error.
    package var rule: String
    /// The characters a name may hold besides letters and digits.
    package var extraCharacters: String
    /// The longest name, in UTF-8 bytes.
    package var maxBytes: Int
    /// True when letters and digits beyond ASCII are taken too.
    package var allowsNonASCII = false

    /// PostgreSQL: identifiers are at most 63 bytes (NAMEDATALEN - 1; longer ones are cut short,
    /// so the database would not be the one the connection string names). Quoted with `"` in the
    /// SQL aspire runs, any character would do; the name also goes unescaped into
    /// `Database=…` and `postgresql://…/NAME`, so only characters neither needs escaped.
    package static let postgres = DatabaseNameRule(
        rule: "PostgreSQL database names are at most 63 bytes (longer ones are cut short); quoted with \"…\" here, "
            + "they are letters, digits, '_', '$' and '-' (nothing the connection string or URI would need escaped)",
        extraCharacters: "_$-", maxBytes: 63, allowsNonASCII: true)

    /// nil when the server takes `name`, else the rule.
    package func problem(with name: String) -> String? {
        let allowed = name.allSatisfy(takes)
        return allowed && !name.isEmpty && name.utf8.count <= maxBytes ? nil : rule
    }

    /// A name the server takes, made from `name`: other characters become `_`, cut to the limit.
    package func suggestion(for name: String) -> String {
        var result = ""
        for character in name {
            let next = takes(character) ? character : "_"
            if result.utf8.count + String(next).utf8.count > maxBytes { break }
            result.append(next)
        }
        return result.isEmpty ? "db" : result
    }

    private func takes(_ character: Character) -> Bool {
        (allowsNonASCII || character.isASCII) && (character.isLetter || character.isNumber || extraCharacters.contains(character))
    }
}
