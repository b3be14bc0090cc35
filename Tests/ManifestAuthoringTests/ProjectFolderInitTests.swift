import AppModel
import Foundation
import ManifestAuthoring
import Testing
import YAMLSource

/// `aspire init` over a folder without a compose file: one project per folder it can run.
@Suite struct ProjectFolderInitTests {
    @Test("Python, Node, Go and Swift folders become four projects; dependencies and empty folders are skipped")
    func fourStacks() throws {
        let directory = try Fixtures.folder(with: [
            "py/app.py": "print('hi')\n",
            "node/package.json": #"{"scripts": {"start": "node index.js"}}"#,
            "go/go.mod": "module example.com/go\n",
            "swift/Package.swift": "// swift-tools-version: 6.0\n",
            "node_modules/left-pad/package.json": "{}",
            "docs/README.md": "nothing to run\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = AppInitializer.draft(directory: directory, environment: [:])
        #expect(outcome.composeFile == nil)
        #expect(!outcome.diagnostics.hasErrors, "\(outcome.diagnostics.map(\.message.text))")
        let resources = YAMLDocument(string: outcome.text)["resources"]
        #expect(resources?.pairView.map { $0.key.scalar } == ["go", "node", "py", "swift"])
        #expect(resources?["py"]?["path"]?.scalar == "./py")
        #expect(resources?.pairView.allSatisfy { $0.value["type"]?.scalar == "project" } == true)
        #expect(outcome.text.contains("    type: project  # detected: package.json with a start script\n"))
        #expect(outcome.text.contains("    type: project  # detected: Package.swift\n"))
    }

    @Test("a folder that is itself a project becomes one project at '.'")
    func folderItself() throws {
        let directory = try Fixtures.folder(with: ["main.py": "print('hi')\n"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = AppInitializer.draft(directory: directory, environment: [:])
        let resources = YAMLDocument(string: outcome.text)["resources"]
        #expect(resources?.count == 1)
        #expect(resources?.pairView.first?.value["path"]?.scalar == ".")
        #expect(!outcome.diagnostics.hasErrors)
    }

    @Test("an empty folder gives a valid manifest with no resources")
    func empty() throws {
        let directory = try Fixtures.folder(with: [:])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = AppInitializer.draft(directory: directory, environment: [:])
        #expect(outcome.text.hasSuffix("resources: {}\n"))
        #expect(!outcome.diagnostics.hasErrors)
    }
}
