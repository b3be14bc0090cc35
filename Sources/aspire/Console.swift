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

/// Errors the commands report themselves, each with its exit code.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32

    var description: String { message }

    static func invalid(_ message: String) -> CommandFailure { CommandFailure(message: message, exitCode: 1) }
    static func io(_ message: String) -> CommandFailure { CommandFailure(message: message, exitCode: 2) }
}
