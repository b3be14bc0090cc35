package import AppState

extension StateFolder {
    /// The control API's Unix socket (mode 0600): `.aspire/control.sock`.
    package var controlSocketFile: String { file("control.sock") }
    /// Where a detached `up` (`up --detach`) writes its own console output: `.aspire/up.log`.
    package var upLogFile: String { file("up.log") }
}
