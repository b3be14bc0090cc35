import AppModel
import AppState
import Foundation
import YAMLSource

/// Loads manifest text through the real pipeline (C shim → decoder → validator).
func load(_ yaml: String, environment: [String: String] = [:], directory: String = "/tmp/app") -> ManifestLoader.Result {
    ManifestLoader(environment: environment).load(bytes: Array(yaml.utf8), file: "apphost.yaml", directory: directory)
}

/// A fresh temporary folder for state files.
func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "aspire-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Fixed bindings for env-resolution tests: every endpoint gets a predictable port.
func bindings(for manifest: Manifest, basePort: Int = 41000) -> Bindings {
    var bindings = Bindings()
    var next = basePort
    for resource in manifest.resources where resource.isRunnable {
        for endpoint in resource.run.endpoints {
            bindings.hostPorts[EndpointID(resource.name, endpoint.name)] = endpoint.port ?? next
            next += 1
            if resource.run.replicas > 1 {
                bindings.replicaPorts[EndpointID(resource.name, endpoint.name)] = (0..<resource.run.replicas).map { next + 100 + $0 }
            }
        }
        if case .redis = resource.kind { bindings.passwords[resource.name] = "redispw" }
        if case .postgres = resource.kind { bindings.passwords[resource.name] = "pgpw" }
    }
    return bindings
}

extension Array where Element == Diagnostic {
    /// `id@line:col` for each diagnostic, for compact table assertions.
    var summaries: [String] {
        map { "\($0.message.id)@\($0.location?.line ?? 0):\($0.location?.column ?? 0)" }
    }
}
