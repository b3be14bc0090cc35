import AppModel
import AppState
import ParallelLoad
import YAMLSource

/// Loads manifest text on one thread (the plain path).
func load(_ yaml: String, environment: [String: String] = [:]) -> ManifestLoader.Result {
    load(bytes: Array(yaml.utf8), environment: environment)
}

/// Loads manifest bytes on one thread, or with `parallel` as the CLI loads them with `.automatic`.
func load(bytes: [UInt8], environment: [String: String] = [:], parallel: ParallelLoad? = nil) -> ManifestLoader.Result {
    let loader =
        parallel.map { ManifestLoader(environment: environment, decodeAndValidate: $0.decodeAndValidate) }
        ?? ManifestLoader(environment: environment)
    return loader.load(bytes: bytes, file: "apphost.yaml", directory: "/tmp/app")
}

/// Every part as small as it comes, so that small texts are cut too.
func cutInto(_ parts: Int) -> ParallelLoad { ParallelLoad(maxParts: parts, minPartBytes: 1) }

extension Array where Element == Diagnostic {
    /// `id@line:col` for each diagnostic, for compact assertions.
    var summaries: [String] {
        map { "\($0.message.id)@\($0.location?.line ?? 0):\($0.location?.column ?? 0)" }
    }
}
