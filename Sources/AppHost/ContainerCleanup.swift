package import AppModel
import AppState
import Foundation

/// Removes an app's containers by label: before `up` starts (what a killed `up` left), after it
/// stops (containers that outlived their engine client), and on `down`.
///
/// - Important: Call it only while holding the app's run lock (or after its `up` ended), so it
///   never removes the containers of a running `up` of the same app.
package enum ContainerCleanup {
    /// Removes every container labelled with `manifest`'s app id, and with `volumes` its named
    /// volumes; prints one line saying what went when `announce` and anything did.
    /// Nothing happens (and no engine is probed) for an app without containers, unless `always`.
    /// - Returns: The names of what was removed.
    @discardableResult
    /// `lifetime: persistent` containers are kept, unless `persistent` or `volumes`.
    package static func removeLeftovers(of manifest: Manifest, volumes: Bool = false, persistent: Bool = false, announce: Bool = true, always: Bool = false) -> [String] {
        let environment = ProcessInfo.processInfo.environment
        guard always || usesContainers(manifest) else { return [] }
        let appID = ContainerLabels.appID(name: manifest.name, directory: manifest.directory)
        var removed = ContainerRuntime.removeLeftovers(appID: appID, environment: environment, volumes: volumes, persistent: persistent)
        // The last `up` may have used another engine (ASPIRE_CONTAINER_RUNTIME then, not now).
        let cache = StateFolder(manifestDirectory: manifest.directory).engineCacheFile
        if let last = ContainerEngineCache.lastUpEngine(path: cache), last.executable != current(environment), last.answers() {
            removed += last.removeLeftovers(appID: appID, persistent: persistent || volumes) + (volumes ? last.removeVolumes(appID: appID) : [])
        }
        if announce, !removed.isEmpty {
            let what = volumes ? "containers and volumes" : "leftover containers"
            FileHandle.standardOutput.write(Data("removed \(what) of \(manifest.name): \(removed.joined(separator: ", "))\n".utf8))
        }
        return removed
    }

    /// The engine CLI `ContainerRuntime.detect` would pick first, without asking it (cheap).
    private static func current(_ environment: [String: String]) -> String? {
        let path = environment["PATH"]
        if let requested = environment["ASPIRE_CONTAINER_RUNTIME"], !requested.isEmpty { return ExecutableLookup.find(requested, path: path) }
        return ExecutableLookup.find("podman", path: path) ?? ExecutableLookup.find("docker", path: path)
    }

    /// True when something in the manifest may run in a container.
    static func usesContainers(_ manifest: Manifest) -> Bool {
        manifest.resources.contains {
            switch $0.kind {
            case .container: true
            case .redis(let settings), .postgres(let settings), .wellKnown(_, let settings): settings.runtime != .native
            default: false
            }
        }
    }
}
