import AppState
import Foundation
import Testing

@Suite struct ManifestLocatorTests {
    @Test("-f wins over ASPIRE_FILE, which wins over the nearest apphost.yaml")
    func precedence() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "resources: {}\n".write(toFile: root + "/apphost.yaml", atomically: true, encoding: .utf8)
        let environment = ["ASPIRE_FILE": "/elsewhere/app.yaml"]
        #expect(try ManifestLocator.locate(explicit: "x.yaml", environment: environment, currentDirectory: root).get() == "x.yaml")
        #expect(try ManifestLocator.locate(explicit: nil, environment: environment, currentDirectory: root).get() == "/elsewhere/app.yaml")
        #expect(try ManifestLocator.locate(explicit: nil, environment: [:], currentDirectory: root).get() == "apphost.yaml")
        #expect(try ManifestLocator.locate(explicit: "", environment: ["ASPIRE_FILE": ""], currentDirectory: root).get() == "apphost.yaml")
    }

    @Test("the nearest apphost.yaml in a parent folder is found; a folder named apphost.yaml is not")
    func nearestParent() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/app/src/deep/apphost.yaml", withIntermediateDirectories: true)
        try "resources: {}\n".write(toFile: root + "/app/apphost.yaml", atomically: true, encoding: .utf8)
        let found = try ManifestLocator.locate(explicit: nil, environment: [:], currentDirectory: root + "/app/src/deep").get()
        #expect(URL(fileURLWithPath: found).standardizedFileURL.path == URL(fileURLWithPath: root + "/app/apphost.yaml").standardizedFileURL.path)
    }

    @Test("no manifest anywhere: the failure names the folder and every way to name one")
    func notFound() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = ManifestLocator.locate(explicit: nil, environment: [:], currentDirectory: root)
        guard case .failure(let failure) = result else {
            Issue.record("found \(result) in an empty folder")
            return
        }
        #expect(failure.directory == root)
        #expect(failure.description.contains("-f FILE") && failure.description.contains("ASPIRE_FILE"))
    }

    @Test(
        "a file named before the verb becomes the verb's --file; after the verb nothing moves",
        arguments: [
            (["-f", "app.yaml", "logs", "-f"], ["logs", "--file", "app.yaml", "-f"]),
            (["--file", "app.yaml", "ps", "--format", "json"], ["ps", "--file", "app.yaml", "--format", "json"]),
            (["--file=app.yaml", "env", "web"], ["env", "--file", "app.yaml", "web"]),
            (["logs", "web", "-f"], ["logs", "web", "-f"]),
            (["validate", "-f", "x.yaml"], ["validate", "-f", "x.yaml"]),
            (["-f"], ["-f"]),
            (["-f", "app.yaml"], ["-f", "app.yaml"]),
            (["-f", "app.yaml", "--version"], ["-f", "app.yaml", "--version"]),
        ]
    )
    func hoisting(arguments: [String], expected: [String]) {
        #expect(ManifestLocator.hoistingLeadingFile(arguments) == expected)
    }
}
