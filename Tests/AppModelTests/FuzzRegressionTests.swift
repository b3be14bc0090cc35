import AppModel
import AppState
import Foundation
import Testing
import YAMLSource

/// Inputs that crashed fuzz/full_fuzzer.swift (the whole load path under libFuzzer), replayed
/// through the normal SwiftPM-built path: each must load to a clean diagnostic, never trap.
/// The inputs live in Fixtures/fuzz/ (minimized, with a comment naming the bug each one hit).
@Suite struct FuzzRegressionTests {
    /// A fixture's bytes.
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/fuzz"))
        return Array(try Data(contentsOf: url))
    }

    /// What the fuzzer does with one input, minus the sanitizers: load it as apphost.yaml and as
    /// aspire-manifest.json, render the diagnostics, and when a manifest is error-free, build the
    /// graph and resolve every resource's environment.
    static func replay(_ bytes: [UInt8]) -> (yaml: ManifestLoader.Result, json: ManifestLoader.Result) {
        let loader = ManifestLoader(environment: ["HOME": "/root"])
        let yaml = loader.load(bytes: bytes, file: "apphost.yaml", directory: "/tmp/app")
        let json = loader.load(bytes: bytes, file: "aspire-manifest.json", directory: "/tmp/app")
        for result in [yaml, json] {
            _ = DiagnosticRenderer(color: false).render(result.diagnostics, sourceLines: result.sourceLines)
            _ = DiagnosticRenderer.json(result.diagnostics, file: "apphost.yaml")
            guard let manifest = result.manifest, !result.hasErrors else { continue }
            let graph = ResourceGraph(manifest)
            _ = graph.startOrder(in: manifest)
            let resolver = EnvironmentResolver(manifest: manifest, bindings: bindings(for: manifest))
            for resource in manifest.resources {
                _ = try? resolver.environment(of: resource.name)
                _ = try? resolver.arguments(of: resource.name)
            }
        }
        return (yaml, json)
    }

    @Test("a duration past Int64.max milliseconds is an invalid-duration error, not an Int64 trap", arguments: [
        "duration-overflow-ascii.yaml",  // 500ms8888…: the byte-level parser
        "duration-overflow-unicode.yaml",  // 400 nines of µs: the Character-level parser
        "duration-overflow-number.yaml",  // timeout: 1e300, a bare number of seconds
    ])
    func durationOverflow(file: String) throws {
        let (yaml, _) = Self.replay(try Self.fixture(file))
        let errors = yaml.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.message.id) == ["invalid-duration"], "\(yaml.diagnostics.summaries)")
        #expect(errors.first?.location?.line == 7)
    }

    @Test("durations up to the Int64 range still load")
    func largeButValidDuration() {
        let result = load("""
            resources:
              api:
                type: executable
                command: python3
                healthCheck: { http: /health, interval: 1000000h, timeout: 9000000000000000ms }
            """)
        #expect(!result.hasErrors, "\(result.diagnostics.summaries)")
    }

    @Test("every fuzz fixture loads without trapping")
    func everyFixture() throws {
        let folder = try #require(Bundle.module.url(forResource: "fuzz", withExtension: nil, subdirectory: "Fixtures"))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files.count >= 3)
        for file in files {
            // Reaching the end of replay is the assertion: a trap would kill the test process.
            _ = Self.replay(try Self.fixture(file))
        }
    }
}
