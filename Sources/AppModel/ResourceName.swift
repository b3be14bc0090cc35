/// The rules for names that end up in env variable names, DNS names and file names.
package enum ResourceName {
    /// Aspire's rule: ASCII letters, digits and hyphens; starts with a letter; no `--`; does not
    /// end with `-`; at most 64 characters. Such a name is a DNS label (compose service, Kubernetes
    /// object); `VariableName` says how it appears in variable names.
    package static func isValid(_ name: String) -> Bool {
        // Every allowed character is ASCII, so bytes are scalars here (and far cheaper).
        let utf8 = name.utf8
        guard let first = utf8.first, utf8.count <= 64, isLetter(first), utf8.last != hyphen else { return false }
        var previous = first
        for c in utf8.dropFirst() {
            guard isLetter(c) || isDigit(c) || c == hyphen else { return false }
            if c == hyphen, previous == hyphen { return false }
            previous = c
        }
        return true
    }

    /// Endpoint names follow the same rule (they appear in `services__x__<scheme>` and `X_<ENDPOINT>`).
    package static func isValidEndpointName(_ name: String) -> Bool { isValid(name) }

    /// A POSIX-portable variable name: `[A-Za-z_][A-Za-z0-9_]*`.
    package static func isValidEnvVariable(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isLetter(first) || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { isLetter($0) || isDigit($0) || $0 == "_" }
    }

    /// Every character outside `[A-Za-z0-9_]` becomes `_` (an identifier; variable names use
    /// `VariableName`, which keeps `-` in Aspire's own keys).
    package static func envSegment(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.map { isLetter($0) || isDigit($0) || $0 == "_" ? $0 : "_" }))
    }

    private static let hyphen = UInt8(ascii: "-")
    private static func isLetter(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
    private static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
}
