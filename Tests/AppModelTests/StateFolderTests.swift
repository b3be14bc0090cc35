import AppState
import Foundation
import Testing

@Suite struct StateFolderTests {
    private func inode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int)
    }

    private func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("writeIfChanged leaves a file that already holds the text alone, and rewrites it otherwise")
    func writeIfChanged() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let folder = StateFolder(manifestDirectory: directory)
        try folder.create()
        let path = folder.envFile(for: "api")

        try folder.writeIfChanged("PORT=1\n", to: path, mode: 0o600)
        let first = try inode(path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "PORT=1\n")
        #expect(try mode(path) == 0o600)

        try folder.writeIfChanged("PORT=1\n", to: path, mode: 0o600)
        #expect(try inode(path) == first, "the same text must not replace the file")

        try folder.writeIfChanged("PORT=2\n", to: path, mode: 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "PORT=2\n")
        #expect(try inode(path) != first)

        // A longer file that starts with the text, and the right text with a wider mode, are rewritten.
        try "PORT=2\nEXTRA=1\n".write(toFile: path, atomically: false, encoding: .utf8)
        try folder.writeIfChanged("PORT=2\n", to: path, mode: 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "PORT=2\n")
        chmod(path, 0o644)
        try folder.writeIfChanged("PORT=2\n", to: path, mode: 0o600)
        #expect(try mode(path) == 0o600)

        // A symbolic link in its place is replaced, never followed.
        let elsewhere = (directory as NSString).appendingPathComponent("elsewhere")
        try "PORT=2\n".write(toFile: elsewhere, atomically: false, encoding: .utf8)
        chmod(elsewhere, 0o600)
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: elsewhere)
        try folder.writeIfChanged("PORT=2\n", to: path, mode: 0o600)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: path)) == nil)
        #expect(try String(contentsOfFile: elsewhere, encoding: .utf8) == "PORT=2\n")
    }
}
