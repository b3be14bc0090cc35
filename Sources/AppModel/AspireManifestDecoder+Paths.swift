/// Path arithmetic on strings (no file system access), shared by the manifest reader and the
/// publishers: Aspire writes paths relative to the manifest, compose relative to the compose file,
/// apphost.yaml's `dockerfile` relative to the build context.
package enum PathArithmetic {
    /// `path` made absolute against `base` (itself absolute), with `.` and `..` removed.
    package static func absolute(_ path: String, base: String) -> String {
        normalize(path.hasPrefix("/") ? path : base + "/" + path)
    }

    /// Removes `.`, `..` and doubled slashes from an absolute path.
    package static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The relative path that leads from folder `from` to `to` (both absolute): `../Api`, `.`.
    package static func relative(from: String, to: String) -> String {
        let fromParts = normalize(from).split(separator: "/")
        let toParts = normalize(to).split(separator: "/")
        var common = 0
        while common < fromParts.count, common < toParts.count, fromParts[common] == toParts[common] {
            common += 1
        }
        let ups = Array(repeating: "..", count: fromParts.count - common)
        let downs = toParts[common...].map(String.init)
        let joined = (ups + downs).joined(separator: "/")
        return joined.isEmpty ? "." : joined
    }

    /// `a/b/c.csproj` → `a/b`; `c.csproj` → `.`; `/c` → `/`.
    package static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `./x` and `x` are the same folder; this gives the form without `./` (and `.` for itself).
    package static func tidy(_ path: String) -> String {
        var text = path
        while text.hasPrefix("./") { text.removeFirst(2) }
        while text.count > 1, text.hasSuffix("/") { text.removeLast() }
        return text.isEmpty ? "." : text
    }
}
