import Foundation

/// Terminal output decisions made once: colour on a TTY (not `TERM=dumb`), or forced with
/// `FORCE_COLOR`; never with `NO_COLOR` (a non-empty `NO_COLOR` wins over `FORCE_COLOR`).
enum Console {
    static func useColor(fileDescriptor: Int32) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if let force = environment["FORCE_COLOR"], !force.isEmpty, force != "0" { return true }
        return isatty(fileDescriptor) == 1 && environment["TERM"] != "dumb"
    }

    /// `up`'s live board: standard output is a terminal with colour on (so not `NO_COLOR`, not
    /// `TERM=dumb`), and neither `--no-board` nor `ASPIRE_NO_BOARD=1` turned it off.
    static func useLiveBoard(color: Bool, disabled: Bool) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        if disabled || !color || isatty(STDOUT_FILENO) != 1 { return false }
        if let off = environment["ASPIRE_NO_BOARD"], !off.isEmpty, off != "0" { return false }
        return environment["TERM"] != "dumb"
    }

    /// Writes `text` (plus a newline if missing) to standard error.
    static func error(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Writes `text` to standard output unbuffered.
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes `bytes` to standard output unbuffered, as they are.
    static func out(bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        FileHandle.standardOutput.write(Data(bytes))
    }
}

/// A command's failure: what to print on standard error and the exit code (DESIGN §5: 1 for
/// the app — an invalid manifest, a failed resource, no app running —, 2 for usage and I/O).
/// `Aspire.main` prints it and exits, so a command throws instead of printing and exiting.
struct CommandFailure: Error, CustomStringConvertible {
    /// Printed to standard error as it is (nothing when empty).
    var message: String
    var exitCode: Int32

    var description: String { message }

    /// `error: reason`, exit 1.
    static func invalid(_ reason: String) -> CommandFailure { invalid(lines: [reason]) }
    /// `error: reason`, exit 2.
    static func io(_ reason: String) -> CommandFailure { io(lines: [reason]) }

    /// One `error: …` line per reason, then `note` as it is; exit 1.
    static func invalid(lines reasons: [String], then note: String? = nil) -> CommandFailure {
        CommandFailure(message: text(reasons, then: note), exitCode: 1)
    }

    /// One `error: …` line per reason, then `note` as it is; exit 2.
    static func io(lines reasons: [String], then note: String? = nil) -> CommandFailure {
        CommandFailure(message: text(reasons, then: note), exitCode: 2)
    }

    private static func text(_ reasons: [String], then note: String?) -> String {
        (reasons.map { "error: \($0)" } + (note.map { [$0] } ?? [])).joined(separator: "\n")
    }
}
