import AppModel
import AppState
import Foundation
import ParallelLoad
import Testing
import YAMLSource

/// A large manifest is cut into parts that are parsed, decoded and validated on several cores
/// (`YAMLSplit`, `ParallelLoad.decode(_:…runner:)`, `ParallelLoad.validate(_:runner:)`). Whatever
/// the cut, the result must be exactly what loading the file whole gives: the same manifest, the
/// same diagnostics in the same order, with the same lines and columns.
@Suite struct SplitLoadTests {
    private static let runner = ParallelLoad.dispatch

    /// Loads `text` whole on one thread, and cut into 2…5 parts (parts as small as they come).
    private func compareLoads(_ text: String, environment: [String: String] = [:], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        compareLoads(bytes: Array(text.utf8), environment: environment, sourceLocation: sourceLocation)
    }

    private func compareLoads(bytes: [UInt8], environment: [String: String] = [:], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let whole = load(bytes: bytes, environment: environment)
        for parts in 2...5 {
            let split = load(bytes: bytes, environment: environment, parallel: cutInto(parts))
            #expect(split.manifest == whole.manifest, "\(parts) parts", sourceLocation: sourceLocation)
            #expect(split.diagnostics == whole.diagnostics, "\(parts) parts: \(split.diagnostics.summaries) vs \(whole.diagnostics.summaries)", sourceLocation: sourceLocation)
        }
    }

    /// Decodes `text` through the split path only; nil when that path declines.
    private func splitDecode(_ text: String, parts: Int) -> (Manifest?, [Diagnostic])? {
        guard let split = YAMLSplit(bytes: Array(text.utf8), file: "apphost.yaml", maxParts: parts, minPartBytes: 1) else { return nil }
        return ParallelLoad.decode(split, directory: "/tmp/app", defaultName: "app", environment: [:], runner: Self.runner)
    }

    /// `groups` groups of nine resources (as bench/genmanifest.py writes them), optionally with a
    /// mistake of a different kind in every third group, so that errors land in every part.
    static func generated(groups: Int, mistakes: Bool) -> String {
        var text = "# generated\nname: split\nresources:\n"
        for g in 0..<groups {
            let bad = mistakes && g % 3 == 2
            text += """
                  pw-\(g):
                    type: parameter
                    secret: true
                    generate: { length: 22 }
                  cfg-\(g):
                    type: parameter
                    default: "level-\(g % 5)"
                  cache-\(g):
                    type: redis
                    password: "{pw-\(g).value}"
                    waitFor: [\(bad ? "worker-\(g)" : "")]
                  pg-\(g):
                    type: postgres
                    databases: [db-\(g)]
                  api-\(g):
                    type: executable
                    command: sleep
                    args: ["3600"]
                    references: [cache-\(g), db-\(g)\(bad ? ", missing-\(g)" : "")]
                    waitFor: [cache-\(g)\(bad && g > 2 ? ", web-\(g - 3)" : "")]
                    endpoints:
                      http: { port: \(bad ? 20000 : 20000 + g) }
                      metrics: { scheme: tcp, env: METRICS_PORT }
                    healthCheck: { http: /health, interval: 2s }
                    env:
                      CACHE_URL: "{cache-\(g).connectionString}"
                      SELF: "{api-\(g).endpoints.\(bad ? "htp" : "http").url}"
                  web-\(g):
                    type: \(bad ? "executabel" : "executable")
                    command: sleep
                    args: ["--api={api-\(g).endpoints.http.url}"]
                    references: [api-\(g)]
                    waitFor: [api-\(g)\(g > 0 ? ", web-\(g - 1)" : "")]
                    external: true
                  worker-\(g):
                    type: executable
                    command: sleep
                    replicas: \(bad ? -1 : 2)
                    waitFor: [cache-\(g)]
                    \(bad ? "restrat: always" : "restart: on-failure")
                    references: [cache-\(g), { resource: api-\(g / 2), connectionName: upstream }]
                  ext-\(g):
                    type: external
                    url: https://example.com/\(g)
                  conn-\(g):
                    type: connectionString
                    value: "Host=x;Password={pw-\(g).value}"

                """
        }
        return text
    }

    @Test("a generated manifest loads the same whole and in parts, valid or not", arguments: [false, true])
    func generatedManifests(mistakes: Bool) throws {
        let text = Self.generated(groups: 40, mistakes: mistakes)
        let parted = try #require(splitDecode(text, parts: 4), "the split path must take this file")
        let whole = ManifestDecoder.decode(YAMLDocument(string: text, file: "apphost.yaml"), directory: "/tmp/app", defaultName: "app", environment: [:])
        #expect(parted.0 == whole.0)
        #expect(parted.1 == whole.1)
        #expect(whole.0?.resources.count ?? 0 >= (mistakes ? 380 : 400))
        if mistakes {
            let manifest = try #require(whole.0)
            let found = Set((whole.1 + Validator.validate(manifest)).map(\.message.id))
            #expect(found.isSuperset(of: ["unknown-key", "unknown-type", "cycle", "duplicate-port", "unknown-resource", "invalid-replicas"]), "\(found)")
        }
        compareLoads(text)
        // Windows line ends are cut too, and count as one line break, as libyaml counts them.
        let crlf = text.replacingOccurrences(of: "\n", with: "\r\n")
        let crlfParted = try #require(splitDecode(crlf, parts: 3), "the split path must take CRLF text")
        #expect(crlfParted.1.map(\.location) == whole.1.map(\.location))
        compareLoads(crlf)
        // The validator's slices (1,024 resources each by default) taken small, to have many.
        let manifest = try #require(whole.0)
        for sliceSize in [1, 7, 64] {
            #expect(ParallelLoad.validate(manifest, runner: Self.runner, sliceSize: sliceSize) == Validator.validate(manifest))
        }
    }

    @Test("every example and fixture manifest loads the same whole and in parts")
    func examples() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var files: [URL] = []
        for folder in ["manifests", "Tests/AppModelTests/Fixtures", "Tests/YAMLSourceTests/Fixtures"] {
            let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let url = enumerator?.nextObject() as? URL {
                if url.pathExtension == "yaml" { files.append(url) }
            }
        }
        #expect(files.count >= 10)
        for file in files {
            compareLoads(bytes: Array(try Data(contentsOf: file)))
        }
    }

    /// Texts the cut would get wrong if it trusted the lines alone; each must still load exactly
    /// as the whole file does (the split path declines, and the file is parsed whole).
    @Test("cuts that cannot stand on their own fall back to the whole file", arguments: [
        // An alias into an anchor of another part.
        "x-base: &base\n  command: sleep\nresources:\n  a:\n    type: executable\n    <<: *base\n  b:\n    type: executable\n    <<: *base\n  c:\n    type: executable\n    <<: *base\n",
        // A merge key among the entries merges into the whole mapping, not into its part.
        "resources:\n  a:\n    type: executable\n    command: x\n  b:\n    type: executable\n    command: y\n  <<: {a: {type: parameter}, c: {type: parameter, default: v}}\n  d:\n    type: executable\n    command: z\n",
        // A quoted scalar running over lines that look like entries.
        "resources:\n  a:\n    type: executable\n    command: \"sleep\n  b: 1\n  c: 2\"\n  d:\n    type: executable\n    command: x\n",
        // A flow mapping over such lines.
        "resources:\n  a: {type: executable,\n  b: 1,\n  command: x}\n  d:\n    type: executable\n    command: x\n",
        // The same resource in two parts.
        "resources:\n  a:\n    type: executable\n    command: x\n  b:\n    type: executable\n    command: y\n  a:\n    type: executable\n    command: z\n",
        // The last top-level key is not `resources`.
        "resources:\n  a:\n    type: executable\n    command: x\nx-extra:\n  b: 1\n  c: 2\n  d: 3\n",
        // A top-level key after the resources.
        "resources:\n  a:\n    type: executable\n    command: x\n  b:\n    type: executable\n    command: y\nname: late\n",
        // Line breaks libyaml counts and a \n-only walk would not (a bare CR, NEL, LS).
        "resources:\n  a:\n    type: executable\n    command: x\r  b:\n    type: executable\n    command: y\n",
        "resources:\n  a:\n    type: executable\n    command: \"x\u{85}y\"\n  b:\n    type: executable\n    command: y\n  c:\n    type: parameter\n",
        "resources:\n  a:\n    type: executable\n    command: \"x\u{2028}y\"\n  b:\n    type: executable\n    command: y\n  c:\n    type: parameter\n",
        // A dedented line between entries, and comments at any indent (with a comment after `resources:`).
        "resources:\n    a:\n      type: executable\n      command: x\n  junk\n    b:\n      type: executable\n      command: y\n    c:\n      type: parameter\n",
        "name: app # the app\nresources:   # all of them\n# a comment\n  a:\n    type: executable\n    command: x\n# another\n  b:\n    type: executable\n    command: y\n    # more\n  c:\n    type: parameter\n",
        // A block sequence at the entries' indent, and a syntax error in a later part.
        "resources:\n  a:\n  - 1\n  b:\n    type: executable\n    command: y\n  c:\n    type: parameter\n",
        "resources:\n  a:\n    type: executable\n    command: x\n  b:\n    type: executable\n    command: [y\n  c:\n    type: parameter\n",
    ])
    func fallbacks(text: String) {
        compareLoads(text)
    }

    @Test("parts are charged the depth and alias budget of the whole file")
    func budgets() {
        // 253 nested flow sequences inside an entry: 256 collections deep in the whole file (the
        // limit), so one more must fail, in a later part as in the whole file.
        for extra in [0, 1] {
            let nest = String(repeating: "[", count: 253 + extra) + String(repeating: "]", count: 253 + extra)
            let text = "resources:\n  a:\n    type: executable\n    command: x\n  b:\n    type: executable\n    command: y\n    x-deep: \(nest)\n"
            compareLoads(text)
            #expect(load(text).diagnostics.contains { $0.message.text.contains("nested deeper") } == (extra == 1))
        }
        // Two parts, each under the alias budget, together over it (a file with aliases is not
        // cut at all, and the join would refuse it too).
        var text = "resources:\n"
        for part in 0..<2 {
            text += "  r\(part):\n    type: executable\n    command: x\n    x-base: &b\(part) [" + Array(repeating: "1", count: 1000).joined(separator: ",") + "]\n"
            text += "    x-uses: [" + Array(repeating: "*b\(part)", count: 600).joined(separator: ",") + "]\n"
        }
        compareLoads(text)
        #expect(load(text).diagnostics.contains { $0.message.text.contains("aliases expand") })
    }

    @Test("the plan cuts only at entries of the last top-level key, on their own lines")
    func plan() throws {
        let text = Self.generated(groups: 10, mistakes: false)
        let split = try #require(YAMLSplit(bytes: Array(text.utf8), file: "f", maxParts: 3, minPartBytes: 1))
        #expect(split.count == 3)
        for index in 0..<split.count {
            let document = split.parse(index)
            #expect(document.errors.isEmpty)
            let entries = try #require(split.entries(of: document, part: index))
            #expect(entries.mapping.location.column == 3)
            // Lines count from the whole file: the first entry of each part sits where it does there.
            let first = try #require(entries.mapping.pairView.first?.key)
            let name = try #require(first.scalar)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines[first.location.line - 1] == "  \(name):")
        }
        #expect(YAMLSplit(bytes: Array(text.utf8), file: "f", maxParts: 1, minPartBytes: 1) == nil)
        // Aliases are not cut (one into another part would cost a second parse); a `*` in text is.
        #expect(YAMLSplit(bytes: Array((text + "  x-more: [*b]\n").utf8), file: "f", maxParts: 3, minPartBytes: 1) == nil)
        #expect(YAMLSplit(bytes: Array((text + "  x-glob: \"src/*.c\"\n").utf8), file: "f", maxParts: 3, minPartBytes: 1) != nil)
        #expect(YAMLSplit(bytes: Array(text.utf8), file: "f", maxParts: 2, minPartBytes: text.utf8.count) == nil)
        #expect(YAMLSplit(bytes: Array(("\u{FEFF}" + text).utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), file: "f", maxParts: 2, minPartBytes: 1) == nil)
    }
}
