import AppModel
import AppState
import Foundation
import Supervisor

/// Writes `.aspire/status.json` whenever the supervisor's view of the app changes, so `ps` can
/// answer without a control channel. Polls `statuses()` (a cheap actor call) a few times a second.
struct StatusRecorder: Sendable {
    var manifest: Manifest
    var folder: StateFolder
    var urls: [String: [String]]

    func run(_ supervisor: Supervisor) async {
        var last: RunStatus?
        var upSince: [String: Double] = [:]
        let startedAt = Date().timeIntervalSince1970
        while !Task.isCancelled {
            let statuses = await supervisor.statuses()
            let now = Date().timeIntervalSince1970
            var resources: [RunStatus.Resource] = []
            for status in statuses {
                if status.state.isUp {
                    if upSince[status.name] == nil { upSince[status.name] = now }
                } else {
                    upSince[status.name] = nil
                }
                resources.append(
                    RunStatus.Resource(
                        name: status.name, type: manifest[status.name]?.typeName ?? "job", state: status.state.description,
                        pids: status.replicas.compactMap(\.pid), restarts: status.replicas.map(\.restarts).reduce(0, +),
                        urls: urls[status.name] ?? [], upSince: upSince[status.name]))
            }
            let snapshot = RunStatus(app: manifest.name, manifest: manifest.file, pid: getpid(), startedAt: startedAt, resources: resources)
            if snapshot != last {
                try? folder.writeJSON(snapshot, to: folder.statusFile, mode: 0o644)
                last = snapshot
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }
}
