package import AppStatus

extension StateFolder {
    /// `.aspire/status.json`: the running app's ``RunStatus``, rewritten by `up` on every change.
    package var statusFile: String { file("status.json") }

    /// The last snapshot written by a running `up`, or nil when none runs.
    package func runningStatus() -> RunStatus? {
        guard RunLock.runningPID(folder: self) != nil else { return nil }
        return readJSON(RunStatus.self, from: statusFile)
    }
}
