/// HTML (and XML) escaping: everything that comes from the app goes through here before a page
/// or an SVG holds it.
enum HTML {
    /// Escapes `&`, `<`, `>`, `"` and `'`, so the result is safe in text and in quoted attributes.
    ///
    /// - Parameter text: Any text.
    /// - Returns: The text with those five characters as entities.
    static func escape(_ text: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A link's `href` for a URL when it is http or https, else nil (no `javascript:` links).
    ///
    /// - Parameter url: An endpoint URL from the app.
    /// - Returns: The escaped URL, ready for a quoted attribute, or nil.
    static func safeHref(_ url: String) -> String? {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return nil }
        return escape(url)
    }

    /// Percent-encodes a path segment or query value (everything but unreserved characters).
    ///
    /// - Parameter text: A resource name or any value.
    /// - Returns: Text safe inside a URL (and, being ASCII without quotes, inside an attribute).
    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += byte < 16 ? "%0\(hex)" : "%\(hex)"
            }
        }
        return out
    }
}
