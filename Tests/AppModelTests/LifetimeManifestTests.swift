import AppModel
import AppState
import Foundation
import Testing

/// `lifetime:` in the manifest (docs/manifest.md#lifetime).
@Suite struct LifetimeManifestTests {
    @Test("lifetime: persistent decodes on containers and well-known servers; session is the default")
    func decodes() throws {
        let result = load(
            """
            resources:
              db: { type: postgres, lifetime: persistent }
              cache: { type: redis }
              q: { type: nats, lifetime: persistent }
              web: { type: container, image: nginx, lifetime: session }
            """)
        #expect(result.diagnostics.filter { $0.severity == .error }.isEmpty, "\(result.diagnostics.summaries)")
        #expect(result.manifest?["db"]?.run.lifetime == .persistent)
        #expect(result.manifest?["cache"]?.run.lifetime == .session)
        #expect(result.manifest?["q"]?.run.lifetime == .persistent)
        #expect(result.manifest?["web"]?.run.lifetime == .session)
    }

    @Test("an unknown lifetime names the choices at its line; lifetime on a project is an unknown key")
    func rejects() {
        let result = load(
            """
            resources:
              cache: { type: redis, lifetime: forever }
              api: { type: project, path: ., lifetime: persistent }
            """)
        let summaries = result.diagnostics.summaries
        #expect(summaries.contains("invalid-choice@2:35"), "\(summaries)")
        #expect(summaries.contains("unknown-key@3:34"), "\(summaries)")
        let choice = result.diagnostics.first { $0.message.id == "invalid-choice" }
        #expect(choice?.message.text.contains("one of session, persistent") == true)
    }
}
