import Foundation
import Testing

@testable import Supervisor

/// The gitignore subset `watch:` understands (docs/manifest.md#watch).
@Suite struct IgnoreRulesTests {
    @Test(
        "defaults and extra patterns",
        arguments: [
            ("app.py", false, false), (".git/HEAD", false, true), ("node_modules/x/y.js", false, true),
            ("a/node_modules", true, true), ("pkg/__pycache__/m.cpython.pyc", false, true), ("m.pyc", false, true),
            ("target", true, true), ("src/target.rs", false, false), ("x.log", false, true), ("logs/x.log", false, true),
            ("build", true, true), ("build", false, false), ("src/build/o.o", false, true), ("docs/gen/a.md", false, true),
            ("gen/a.md", false, false), ("a/b/c.tmp", false, true), ("c.tmp", false, true), ("a.tmp.txt", false, false),
        ] as [(String, Bool, Bool)])
    func matches(path: String, isDirectory: Bool, ignored: Bool) {
        let rules = IgnoreRules(root: nil, extra: ["*.log", "build/", "/docs/gen", "**/*.tmp", "# comment", "", "!keep.log"])
        #expect(rules.ignores(path, isDirectory: isDirectory) == ignored, "\(path)")
    }

    @Test("the folder's .gitignore and .dockerignore are read")
    func ignoreFiles() throws {
        let directory = NSTemporaryDirectory() + "aspire-ignore-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "dist/\n*.swp\n".write(toFile: directory + "/.gitignore", atomically: true, encoding: .utf8)
        try "secrets.env\n".write(toFile: directory + "/.dockerignore", atomically: true, encoding: .utf8)
        let rules = IgnoreRules(root: directory, extra: [])
        #expect(rules.ignores("dist/app.js", isDirectory: false))
        #expect(rules.ignores(".main.swift.swp", isDirectory: false))
        #expect(rules.ignores("secrets.env", isDirectory: false))
        #expect(!rules.ignores("main.swift", isDirectory: false))
    }
}
