package import AppModel
import Foundation

/// The lines `up` prints first: where each resource can be reached.
package enum EndpointSummary {
    package static func text(_ manifest: Manifest, resolver: EnvironmentResolver, only: Set<String>?) -> String {
        var rows: [(String, String)] = []
        for resource in manifest.resources where resource.isRunnable && (only?.contains(resource.name) ?? true) {
            for endpoint in resource.run.endpoints {
                guard let url = try? resolver.endpointValue(EndpointID(resource.name, endpoint.name), field: .url).value else { continue }
                rows.append((resource.name, url + (endpoint.external ? "  (external)" : "")))
            }
        }
        guard !rows.isEmpty else { return "" }
        let width = rows.map(\.0.count).max() ?? 0
        var out = "aspire up: \(manifest.name)\n"
        for (name, url) in rows {
            out += "  \(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(url)\n"
        }
        return out
    }
}
