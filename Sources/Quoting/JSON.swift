/// JSON string quoting without an encoder: the one quoter of every hand-written JSON here
/// (diagnostics, publishers' files, `aspire env --format json`, the dashboard's log stream).
package enum JSON {
    /// `text` as a JSON string literal, quotes included. U+2028 and U+2029 are escaped too, so
    /// the literal is also safe inside a `<script>` (they end a line in older JavaScript).
    package static func string(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
