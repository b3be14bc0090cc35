package import AppModel
package import AppState
import Foundation

/// Writes each resource's injected environment to `.aspire/env/<name>.env` (0600), the same
/// text `aspire env NAME --show-secrets` prints, so a user can `source` it to debug a child.
package enum EnvFileWriter {
    package static func write(_ environments: [String: [ResolvedEnvironment]], folder: StateFolder) throws(StateError) {
        for (name, replicas) in environments {
            for (index, environment) in replicas.enumerated() {
                let text = DotEnv.render(environment, showSecrets: true)
                let file = index == 0 ? folder.envFile(for: name) : folder.envFile(for: "\(name)-\(index)")
                try folder.writeIfChanged(text, to: file, mode: 0o600)
            }
        }
    }
}
