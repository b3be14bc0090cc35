import Foundation

/// Runs the built `aspire` binary as a user would, capturing exit code and output.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CLI {
    /// The `aspire` binary beside the test bundle (SwiftPM builds it because the test target depends on it).
    static var binary: String {
        if let override = ProcessInfo.processInfo.environment["ASPIRE_BIN"] { return override }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("aspire").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return packageRoot + "/.build/debug/aspire"
    }

    /// The repository root (tests read `manifests/`).
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws -> CLIResult {
        try runProgram([binary] + arguments, environment: ["NO_COLOR": "1"].merging(environment) { $1 }, directory: directory)
    }

    /// Runs any program (argv[0] a path) to its end with `environment` over the test's own.
    static func runProgram(_ argv: [String], environment: [String: String] = [:], directory: String? = nil) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes fully before waiting, so a chatty child never blocks on a full pipe.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh folder with `apphost.yaml` holding `yaml`; returns the manifest path.
    static func writeManifest(_ yaml: String, files: [String: String] = [:]) throws -> String {
        let directory = NSTemporaryDirectory() + "aspire-cli-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, contents) in files {
            let path = directory + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let path = directory + "/apphost.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
