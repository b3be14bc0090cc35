import AppModel
import AppState
import Foundation
import ParallelLoad
import Testing
import YAMLSource

/// `ParallelLoad.decodeAndValidate`, handed to `ManifestLoader` as the CLI hands it, gives what the
/// plain loader gives: the same manifest and the same diagnostics, in the same order.
@Suite struct EntryPointTests {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Loads `path` from disk with the plain loader and with `parallel`.
    private func compare(_ path: String, parallel: ParallelLoad, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let plain = try ManifestLoader(environment: ["HOME": "/root"]).load(path)
        let fast = try ManifestLoader(environment: ["HOME": "/root"], decodeAndValidate: parallel.decodeAndValidate).load(path)
        #expect(fast.manifest == plain.manifest, "\(path)", sourceLocation: sourceLocation)
        #expect(fast.diagnostics == plain.diagnostics, "\(path): \(fast.diagnostics.summaries) vs \(plain.diagnostics.summaries)", sourceLocation: sourceLocation)
    }

    @Test("the example manifests and fixtures load the same with and without ParallelLoad")
    func fixtures() throws {
        let files = ["manifests/starter/apphost.yaml", "manifests/postgres/apphost.yaml", "manifests/containers/apphost.yaml",
                     "Tests/AppModelTests/Fixtures/valid/everything.yaml", "Tests/AppModelTests/Fixtures/fuzz/duration-overflow-unicode.yaml",
                     "Tests/AppModelTests/Fixtures/aspire-manifest/shop.json"]
        for file in files {
            let path = Self.root.appendingPathComponent(file).path
            #expect(FileManager.default.fileExists(atPath: path), "\(file)")
            for parallel in [ParallelLoad.automatic, ParallelLoad(maxParts: 3, minPartBytes: 1), ParallelLoad(maxParts: 1, minPartBytes: 1)] {
                try compare(path, parallel: parallel)
            }
        }
    }

    @Test("a large manifest, valid or not, is cut with the CLI's settings and loads the same", arguments: [false, true])
    func large(mistakes: Bool) throws {
        let text = SplitLoadTests.generated(groups: 240, mistakes: mistakes)  // about 2,000 resources, 340 KB
        let folder = NSTemporaryDirectory() + "aspire-parallel-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/apphost.yaml"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        // Cut on a machine of any size, and as this one cuts it.
        let fourParts = ParallelLoad(maxParts: 4, minPartBytes: 64 << 10)
        let split = try #require(YAMLSplit(bytes: Array(text.utf8), file: path, maxParts: fourParts.maxParts, minPartBytes: fourParts.minPartBytes))
        #expect(ParallelLoad.decode(split, directory: folder, defaultName: "app", environment: [:], runner: ParallelLoad.dispatch) != nil)
        try compare(path, parallel: fourParts)
        try compare(path, parallel: .automatic)
        // Validation's slices (1,024 resources each) are taken too.
        let plain = try ManifestLoader(environment: [:]).load(path)
        #expect(try #require(plain.manifest).resources.count >= 2 * 1024)
        #expect(plain.hasErrors == mistakes)
    }

    @Test("the first use of an unset variable is the first in the file, also when the manifest is decoded in parts")
    func unsetVariableAcrossParts() throws {
        var text = "resources:\n"
        for index in 0..<40 {
            text += "  r\(index):\n    type: executable\n    command: x\n    env: { A: $UNSET_ONE, B: \"${UNSET_TWO}\" }\n"
        }
        for result in [load(text), load(bytes: Array(text.utf8), parallel: cutInto(4))] {
            #expect(result.diagnostics.filter { $0.message.id == "unset-variable" }.summaries == ["unset-variable@5:15", "unset-variable@5:31"])
        }
    }

    @Test("a name from another part of a split manifest counts as known")
    func unterminatedExpressionAcrossParts() throws {
        var text = "resources:\n  first:\n    type: executable\n    command: x\n    env: { R: \"{last.endpoints.http.url\" }\n"
        for index in 0..<30 { text += "  r\(index):\n    type: executable\n    command: x\n" }
        text += "  last:\n    type: executable\n    command: x\n"
        let split = load(bytes: Array(text.utf8), parallel: cutInto(4))
        #expect(split.diagnostics.filter { $0.severity == .error }.summaries == ["unterminated-expression@5:16"])
    }
}
