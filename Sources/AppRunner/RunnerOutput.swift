import Foundation

/// Where the runner's own lines go (the endpoint summary, the dashboard's URL, warnings): the
/// terminal for the CLI, a buffer in tests. The supervisor writes the resources' lines itself.
package struct RunnerOutput: Sendable {
    /// Writes text to standard output (as given).
    package var out: @Sendable (String) -> Void
    /// Writes a line to standard error (a newline is added when missing).
    package var error: @Sendable (String) -> Void

    package init(out: @escaping @Sendable (String) -> Void, error: @escaping @Sendable (String) -> Void) {
        self.out = out
        self.error = error
    }

    /// Standard output and standard error, unbuffered.
    package static let standard = RunnerOutput(
        out: { FileHandle.standardOutput.write(Data($0.utf8)) },
        error: { text in
            let line = text.hasSuffix("\n") ? text : text + "\n"
            FileHandle.standardError.write(Data(line.utf8))
        })
}
