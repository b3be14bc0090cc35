import Foundation

/// Terminal output decisions made once: colour only on a TTY and without `NO_COLOR`.
enum Console {
    static func useColor(fileDescriptor: Int32) -> Bool {
        isatty(fileDescriptor) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
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
}

/// Errors the commands report themselves, each with its exit code.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32

    var description: String { message }

    static func invalid(_ message: String) -> CommandFailure { CommandFailure(message: message, exitCode: 1) }
    static func io(_ message: String) -> CommandFailure { CommandFailure(message: message, exitCode: 2) }
}
