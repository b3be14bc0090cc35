import Foundation
import Testing

/// `aspire logs --since` and `--timestamps`, on log files with known stamps (the supervisor's
/// stamping itself is tested in SupervisorTests).
struct LogsSinceTests {
    static func stamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func app() throws -> String {
        let path = try CLI.writeManifest(
            """
            resources:
              api:
                type: executable
                command: "true"
            """)
        let logs = (path as NSString).deletingLastPathComponent + "/.aspire/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let now = Date()
        let text = [
            "2026-01-01T00:00:00.000Z old line",
            "\(stamp(now.addingTimeInterval(-7200))) two hours ago",
            "\(stamp(now.addingTimeInterval(-5))) five seconds ago",
            "a line without a stamp",
        ].map { $0 + "\n" }.joined()
        try text.write(toFile: logs + "/api.log", atomically: true, encoding: .utf8)
        return path
    }

    @Test("--since keeps the lines written after it; stamps are hidden unless -t")
    func since() throws {
        let path = try Self.app()
        let all = try CLI.run(["logs", "--file", path])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(
            all.stdout
                == "api | old line\napi | two hours ago\napi | five seconds ago\napi | a line without a stamp\n")

        let recent = try CLI.run(["logs", "--file", path, "--since", "1m"])
        #expect(recent.stdout == "api | five seconds ago\napi | a line without a stamp\n")
        let hours = try CLI.run(["logs", "--file", path, "--since", "2h30m"])
        #expect(hours.stdout.contains("two hours ago") && !hours.stdout.contains("old line"))
        let absolute = try CLI.run(["logs", "--file", path, "--since", "2026-01-01T00:00:01Z"])
        #expect(!absolute.stdout.contains("old line") && absolute.stdout.contains("two hours ago"))

        let stamped = try CLI.run(["logs", "--file", path, "-t", "--tail", "3"])
        #expect(stamped.stdout.hasPrefix("api | 20"), "\(stamped.stdout)")
        #expect(stamped.stdout.contains("Z two hours ago"))
    }

    @Test("a --since that is neither a duration nor a UTC time is a usage error")
    func badSince() throws {
        let path = try Self.app()
        let bad = try CLI.run(["logs", "--file", path, "--since", "yesterday"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--since"), "\(bad.stderr)")
    }

    @Test("logs -f prints the tail, then new lines, across a rotation, each once and in order")
    func follow() async throws {
        let path = try Self.app()
        let log = (path as NSString).deletingLastPathComponent + "/.aspire/logs/api.log"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["logs", "-f", "--tail", "1", "--file", path]
        process.environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1"]) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let collected = OutputCollector(out.fileHandleForReading)

        func append(_ text: String, to file: String) throws {
            let handle = try #require(FileHandle(forWritingAtPath: file))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        }
        #expect(await collected.waitFor("api | a line without a stamp\n"))
        try append("first new\nsecond ", to: log)  // a line still being written
        #expect(await collected.waitFor("api | first new\n"))
        try append("half\nlast before rotation\n", to: log)
        // The supervisor's rotation: the file becomes .log.1 and a new one starts.
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        try "after rotation\n".write(toFile: log, atomically: false, encoding: .utf8)
        #expect(await collected.waitFor("api | after rotation\n"))
        #expect(
            collected.text
                == "api | a line without a stamp\napi | first new\napi | second half\napi | last before rotation\napi | after rotation\n")
    }
}

/// Gathers what a child writes to a pipe, on a thread of its own.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                lock.withLock { data.append(chunk) }
            }
        }
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

    /// Waits up to 10 s for `expected` to appear.
    func waitFor(_ expected: String) async -> Bool {
        for _ in 0..<200 {
            if text.contains(expected) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
