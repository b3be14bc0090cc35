import Foundation

extension Validator {
    /// A `watch: {paths: [...]}` entry that does not exist is an error at its line:col (a typo
    /// would otherwise watch nothing, silently). Paths are relative to the manifest's folder.
    static func checkWatchPaths(_ manifest: Manifest, _ diagnostics: inout [Diagnostic]) {
        for resource in manifest.resources {
            guard let watch = resource.run.watch else { continue }
            for path in watch.paths {
                let resolved = path.name.hasPrefix("/") ? path.name : (manifest.directory as NSString).appendingPathComponent(path.name)
                if !FileManager.default.fileExists(atPath: resolved) {
                    diagnostics.append(.error(.watchPathMissing(path.name, resolved: resolved), at: path.location))
                }
            }
        }
    }
}
