/// How console lines look: `name | text`, names padded to the longest, optionally coloured.
struct ConsoleLayout: Sendable {
    /// The name the supervisor's own status lines use.
    static let supervisorName = "aspire"
    private static let palette = ["36", "33", "32", "35", "34", "96", "93", "92", "95", "94"]

    /// Width of the name column.
    let width: Int
    let color: Bool

    init(names: [String], color: Bool) {
        width = (names + [Self.supervisorName]).map(\.count).max() ?? Self.supervisorName.count
        self.color = color
    }

    /// `"name   | "`, coloured with the service's palette colour when colour is on.
    func prefix(for name: String, colorIndex: Int) -> [UInt8] {
        prefix(for: name, code: Self.palette[colorIndex % Self.palette.count])
    }

    /// One status line of the supervisor: `"aspire | text\n"`.
    func statusLine(_ text: String) -> [UInt8] {
        prefix(for: Self.supervisorName, code: "1") + Array(text.utf8) + [0x0A]
    }

    private func prefix(for name: String, code: String) -> [UInt8] {
        let padded = name + String(repeating: " ", count: max(0, width - name.count))
        let text = color ? "\u{1B}[\(code)m\(padded) |\u{1B}[0m " : "\(padded) | "
        return Array(text.utf8)
    }
}
