/// Severities and durations as people type them (`--severity warn`, `--min-duration 50ms`),
/// shared by the CLI's argument parsing and the control API's query parsing, so both accept
/// and refuse the same words. Parsing never traps: a bad word is nil.
package enum TelemetryArguments {
    /// The families, with the lowest OTLP severity number of each.
    package static let severities: [(name: String, number: Int)] = [
        ("trace", 1), ("debug", 5), ("info", 9), ("warn", 13), ("error", 17), ("fatal", 21),
    ]

    /// An OTLP severity number from a family name (`trace`…`fatal`, `warning` too, any case) or a number 0…24.
    package static func severity(_ text: some StringProtocol) -> Int? {
        let word = text.lowercased()
        if let number = Int(word) { return (0...24).contains(number) ? number : nil }
        if word == "warning" { return 13 }
        return severities.first { $0.name == word }?.number
    }

    /// Nanoseconds from a duration such as `50ms`, `1.5s`, `2m`, `1m30s`, `250us` or `0`; nil otherwise.
    ///
    /// Units: `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`. A number needs a unit, except 0.
    package static func durationNano(_ text: some StringProtocol) -> UInt64? {
        let input = String(text).trimmingCharacters(in: [" "])
        if input == "0" { return 0 }
        guard !input.isEmpty else { return nil }
        var total: Double = 0
        var rest = Substring(input)
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter || $0 == "µ" }
            rest = rest.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ns": scale = 1
            case "us", "µs": scale = 1e3
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3600e9
            default: return nil
            }
            total += value * scale
        }
        // A year is far past any trace; it also keeps the conversion below in range.
        guard total.isFinite, total >= 0, total < 365 * 24 * 3600e9 else { return nil }
        return UInt64(total.rounded())
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: [Character]) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
