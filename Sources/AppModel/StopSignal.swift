/// `stopSignal:` — the signal a resource's process group gets first when it is stopped (compose's
/// `stop_signal`); SIGTERM when the manifest says nothing.
///
/// Written as a name with or without `SIG` (`SIGINT`, `INT`, any case) or as a number (`2`).
/// The numbers are Linux's (the only platform `up` runs on); a published compose file gets the
/// name.
package struct StopSignal: Sendable, Hashable {
    /// The signal number (Linux).
    package var number: Int32

    package init(number: Int32) {
        self.number = number
    }

    /// The signal's conventional name (`SIGINT`), or the number when it has none here.
    package var name: String {
        Self.names.first { $0.number == number }.map { "SIG" + $0.name } ?? String(number)
    }

    /// Linux's standard signals (x86-64, arm64 and the generic numbering agree on these).
    static let names: [(name: String, number: Int32)] = [
        ("HUP", 1), ("INT", 2), ("QUIT", 3), ("ILL", 4), ("TRAP", 5), ("ABRT", 6), ("BUS", 7), ("FPE", 8),
        ("KILL", 9), ("USR1", 10), ("SEGV", 11), ("USR2", 12), ("PIPE", 13), ("ALRM", 14), ("TERM", 15),
        ("STKFLT", 16), ("CHLD", 17), ("CONT", 18), ("STOP", 19), ("TSTP", 20), ("TTIN", 21), ("TTOU", 22),
        ("URG", 23), ("XCPU", 24), ("XFSZ", 25), ("VTALRM", 26), ("PROF", 27), ("WINCH", 28), ("IO", 29),
        ("PWR", 30), ("SYS", 31),
    ]

    /// The names a manifest may write, for messages and did-you-mean (`SIGINT`, …).
    package static var knownNames: [String] { names.map { "SIG" + $0.name } }

    /// Parses `SIGINT`, `INT`, `sigint` or `2` (1…64); nil for anything else.
    package static func parse(_ text: String) -> StopSignal? {
        if let number = Int32(text) {
            return (1...64).contains(number) ? StopSignal(number: number) : nil
        }
        var upper = text.uppercased()
        if upper.hasPrefix("SIG") { upper.removeFirst(3) }
        if upper == "POLL" { upper = "IO" }
        return names.first { $0.name == upper }.map { StopSignal(number: $0.number) }
    }
}

extension Diagnostic.Message {
    /// `stopSignal: SIGITN` — not a signal name or number.
    package static func unknownSignal(_ text: String) -> Self {
        var candidate = text.uppercased()
        if !candidate.hasPrefix("SIG") { candidate = "SIG" + candidate }
        let hint = DidYouMean.suggestion(for: candidate, in: StopSignal.knownNames).map { "; did you mean '\($0)'?" } ?? ""
        return Self(
            id: "unknown-signal",
            "'\(text)' is not a signal\(hint) (write a name such as SIGINT, SIGQUIT or SIGTERM, or a number 1…64)")
    }
}
