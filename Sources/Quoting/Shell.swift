import Foundation

/// Quoting for `/bin/sh`: the one quoter of the publishers' command lines and
/// `aspire env --format shell`.
package enum Shell {
    /// `text` single-quoted for `/bin/sh` (a `'` inside becomes `'\''`); left bare when it
    /// needs no quotes (letters, digits, `-_./=:,+@%`), unless `always`.
    package static func quote(_ text: String, always: Bool = false) -> String {
        let safe = !text.isEmpty && text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./=:,+@%".unicodeScalars.contains($0)
        }
        return safe && !always ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
