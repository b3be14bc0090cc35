import AppStatus
import Foundation

/// The `watch:` loop of one service: waits for changes under its folders, lets a burst settle
/// (`WatchSpec.debounce` with no new change), then restarts it, saying why
/// (`api: restarting (changed: app.py)`). Changes made while the restart runs stay queued in
/// the kernel and cause the next restart, so none is lost. Runs until the run's I/O loop stops
/// or its task is cancelled (after the services are finished).
struct ServiceWatch: Sendable {
    let handle: ServiceHandle
    let context: RunContext

    func run() async {
        guard let spec = handle.spec.watch else { return }
        let name = handle.spec.name
        let supervisor = context.supervisor
        var watcher: FileWatcher
        do {
            watcher = try FileWatcher(roots: spec.roots, ignore: spec.ignore, loop: context.loop)
        } catch {
            await supervisor.announce("\(name): cannot watch for changes: \(error)", service: name)
            return
        }
        defer { watcher.close() }
        if let warning = watcher.takeWarning() { await supervisor.announce("\(name): \(warning)", service: name) }
        do {
            while !Task.isCancelled {
                var changed = try await watcher.changes()
                // A burst is one restart: wait until `debounce` passes with no new change.
                while true {
                    try await Task.sleep(for: spec.debounce)
                    let more = try watcher.drain()
                    if more.isEmpty { break }
                    for path in more where !changed.contains(path) { changed.append(path) }
                }
                if let warning = watcher.takeWarning() { await supervisor.announce("\(name): \(warning)", service: name) }
                await supervisor.restartForChange(name, changed: changed, dependents: spec.restartDependents)
            }
        } catch {
            // Cancelled (the run is over) or the descriptor failed: stop watching.
        }
    }
}

extension Supervisor {
    /// Restarts a watched service (and, with `restartDependents`, the services that wait for
    /// it) because files changed. A service stopped by `stop`, or not started yet
    /// (`explicitStart`), is left alone; nothing restarts once a shutdown has begun.
    func restartForChange(_ name: String, changed: [String], dependents: Bool) async {
        guard !shutdown.isFulfilled, let record = records[name], !controlBook.parked.contains(name),
            !record.replicas.contains(where: { $0.state == .notStarted })
        else { return }
        let shown = changed.prefix(3).joined(separator: ", ") + (changed.count > 3 ? " and \(changed.count - 3) more" : "")
        announce("\(name): restarting (changed: \(shown))", service: name)
        var names = [name]
        if dependents {
            names += order.filter { other in
                guard let spec = records[other]?.spec else { return false }
                return spec.waitFor.contains(name) || spec.waitForCompletion.contains(name)
            }
        }
        // A service that had finished (crashed, exited) is started again by the same call.
        let now = Date().timeIntervalSince1970
        let first = changed.first
        try? await restart(names.filter { !controlBook.parked.contains($0) }) { restarted in
            RestartReason(kind: .watch, path: first, dependency: restarted == name ? nil : name, at: now)
        }
    }

    /// Whether some service is watched: such a run lasts until it is shut down, so an edit can
    /// bring back a service that exited.
    var hasWatchedService: Bool {
        handles.values.contains { $0.spec.watch != nil }
    }
}
