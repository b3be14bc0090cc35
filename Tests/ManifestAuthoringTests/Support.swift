import Foundation

/// The fixtures folder and temporary folders for the authoring tests.
enum Fixtures {
    static var folder: String {
        Bundle.module.resourceURL?.appendingPathComponent("Fixtures").path ?? (URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures")
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
    }

    /// A fresh folder holding `files` (path → contents).
    static func folder(with files: [String: String]) throws -> String {
        let directory = NSTemporaryDirectory() + "aspire-authoring-\(UUID().uuidString.prefix(8))"
        for (name, contents) in files {
            let path = directory + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }
}
