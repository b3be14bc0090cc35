import AppModel
import AppState
import Foundation
import Testing

/// `watch:` and `explicitStart:` in the manifest (docs/manifest.md#watch).
@Suite struct WatchManifestTests {
    @Test("watch: true, the long form, and explicitStart decode")
    func decodes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/shared", withIntermediateDirectories: true)
        let yaml = """
            resources:
              a:
                type: executable
                command: x
                watch: true
                explicitStart: true
              b:
                type: project
                path: .
                watch:
                  paths: [./shared]
                  ignore: ["*.log"]
                  action: rebuild
                  debounce: 50ms
                  restartDependents: true
              c:
                type: redis
                runtime: native
                explicitStart: true
            """
        let result = load(yaml, directory: directory)
        #expect(result.diagnostics.filter { $0.severity == .error }.isEmpty, "\(result.diagnostics.summaries)")
        let a = try #require(result.manifest?["a"])
        #expect(a.run.watch != nil && a.run.watch?.paths.isEmpty == true)
        #expect(a.run.explicitStart)
        let watch = try #require(result.manifest?["b"]?.run.watch)
        #expect(watch.paths.map(\.name) == ["./shared"])
        #expect(watch.ignore == ["*.log"])
        #expect(watch.action == .rebuild)
        #expect(watch.debounce == .milliseconds(50))
        #expect(watch.restartDependents)
        #expect(result.manifest?["c"]?.run.explicitStart == true)
    }

    @Test("a watch path that does not exist is an error at its line:col")
    func missingPath() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let yaml = "resources:\n  a:\n    type: executable\n    command: x\n    watch:\n      paths: [./nope]\n"
        let result = load(yaml, directory: directory)
        #expect(result.diagnostics.summaries.contains("watch-path-missing@6:15"), "\(result.diagnostics.summaries)")
    }

    @Test("watch on a container without build, and a bad action, are errors")
    func rejected() {
        let container = load("resources:\n  c:\n    type: container\n    image: redis\n    watch: true\n")
        #expect(container.diagnostics.summaries.contains("watch-needs-build@5:12"), "\(container.diagnostics.summaries)")
        let action = load("resources:\n  a:\n    type: executable\n    command: x\n    watch:\n      action: rebiuld\n")
        #expect(action.diagnostics.summaries.contains("invalid-choice@6:15"), "\(action.diagnostics.summaries)")
    }

    @Test("up --watch turns watch on for every project, not for executables")
    func everyProject() throws {
        let result = load("resources:\n  p:\n    type: project\n    path: .\n  e:\n    type: executable\n    command: x\n")
        var manifest = try #require(result.manifest)
        manifest.watchEveryProject()
        #expect(manifest["p"]?.run.watch != nil)
        #expect(manifest["e"]?.run.watch == nil)
    }
}
