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
}
