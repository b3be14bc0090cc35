import AppModel
import AppState
import Foundation
import ManifestAuthoring

/// `-f compose.yaml`: the compose file translated in memory as `aspire init` would write it.
enum ComposeLoading {
    /// The translation loaded as a manifest. Diagnostics point at the translated text (named
    /// `FILE (as apphost.yaml)`); the manifest keeps the compose file's path, so `up -d` and
    /// `down -f compose.yaml` find the same app. What has no equivalent is printed to stderr.
    static func load(_ file: String) throws -> ManifestLoader.Result {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure.io("cannot read \(file): no such file (pass the manifest with -f FILE)")
        }
        let directory = URL(fileURLWithPath: file).standardizedFileURL.deletingLastPathComponent().path
        let environment = ProcessInfo.processInfo.environment
        let outcome = AppInitializer.translate(bytes: [UInt8](data), file: file, directory: directory, environment: environment)
        if !outcome.errors.isEmpty {
            Console.error(outcome.errors.map { "\($0.location): error: \($0.message)" }.joined(separator: "\n") + "\n")
            throw CommandFailure(message: "", exitCode: 1)
        }
        if !outcome.notes.isEmpty { Console.error(outcome.notes.map(\.description).joined(separator: "\n") + "\n") }
        let loader = ManifestLoader(environment: environment)
        var result = loader.load(bytes: Array(outcome.text.utf8), file: "\(file) (as apphost.yaml)", directory: directory)
        result.manifest?.file = file
        return result
    }
}
