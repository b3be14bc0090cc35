import Foundation
import Testing

/// `python3 script args…` with output in files (reading pipes would block threads the receivers need).
final class PythonProcess {
    let process: Process
    let directory: URL
    private let exited: AsyncStream<Int32>

    init(_ script: String, _ arguments: [String], environment: [String: String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("otel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["out", "err"] { _ = FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: nil) }
        process.standardOutput = try FileHandle(forWritingTo: directory.appendingPathComponent("out"))
        process.standardError = try FileHandle(forWritingTo: directory.appendingPathComponent("err"))
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { continuation.yield($0.terminationStatus) }
        exited = stream
        self.process = process
        try process.run()
    }

    func output() -> String { (try? String(contentsOf: directory.appendingPathComponent("out"), encoding: .utf8)) ?? "" }
    func errors() -> String { (try? String(contentsOf: directory.appendingPathComponent("err"), encoding: .utf8)) ?? "" }

    /// The rest of the first output line starting with `prefix`, polled until it appears or the process ends.
    func firstLine(prefix: String) async -> String? {
        for _ in 0..<600 {
            if let line = output().split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                return String(line.dropFirst(prefix.count))
            }
            if !process.isRunning { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// The exit status; a process still running after `limit` is sent SIGTERM first (a test
    /// waiting on a server whose client failed must not hang the run).
    func exitStatus(within limit: Duration = .seconds(120)) async -> Int32 {
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        stop()
        var iterator = exited.makeAsyncIterator()
        return await iterator.next() ?? -1
    }

    /// SIGTERM, keeping the output files.
    func stop() {
        if process.isRunning { process.terminate() }
    }

    func terminate() {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: directory)
    }
}
