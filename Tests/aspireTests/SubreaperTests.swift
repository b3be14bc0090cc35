import Foundation
import Testing

/// `up` as a child subreaper, end to end: a daemonized grandchild is adopted by `up` and
/// stopped by `down`.
@Suite(.serialized) struct SubreaperTests {
    @Test("a setsid'd grandchild is adopted by up (not PID 1) and gone after down")
    func daemonStoppedByDown() throws {
        let path = try CLI.writeManifest(
            """
            name: daemons
            resources:
              launcher:
                type: executable
                command: sh
                args: ["-c", "(setsid sh -c 'echo $$$$ > daemon.pid; exec sleep 1000' &); exec sleep 300"]
            """)
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path]) }
        let up = try CLI.run(["up", "-d", "-f", path, "--no-dashboard"])
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        var daemon: Int32?
        #expect(
            UpTests.eventually {
                daemon = (try? String(contentsOfFile: directory + "/daemon.pid", encoding: .utf8))
                    .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                return daemon != nil
            })
        let pid = try #require(daemon)
        let supervisor = try #require(
            (try? String(contentsOfFile: directory + "/.aspire/run.lock", encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(UpTests.eventually { Self.parent(of: pid) == supervisor }, "the daemon's parent is not up")
        #expect(try CLI.run(["down", "-f", path]).status == 0)
        #expect(!UpTests.alive(pid), "the daemon (pid \(pid)) survived down")
        let log = (try? String(contentsOfFile: directory + "/.aspire/up.log", encoding: .utf8)) ?? ""
        #expect(log.contains("left behind by resources (pid \(pid))"), "\(log)")
    }

    static func parent(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }
}
