import AppState
import AppStatus
import ControlPlane

/// Writes `.aspire/status.json` whenever the app's status changes, so `ps` can answer without
/// the control socket (another user, a socket that could not be made). The file holds the
/// control API's own `RunStatus`, so the file, `ps`, and the dashboard never disagree.
struct StatusRecorder: Sendable {
    var folder: StateFolder
    var control: SupervisorControl

    /// Polls the control status (a cheap actor call) a few times a second until cancelled.
    func run() async {
        var last: RunStatus?
        while !Task.isCancelled {
            let snapshot = await control.status()
            if snapshot != last {
                try? folder.writeJSON(snapshot, to: folder.statusFile, mode: 0o644)
                last = snapshot
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }
}
