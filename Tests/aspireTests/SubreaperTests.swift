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

    @Test("kill -9 of up takes its setsid'd daemon and plain grandchild along (the sentinel)")
    func daemonGoneAfterKillNine() throws {
        let path = try CLI.writeManifest(
            """
            name: daemons
            resources:
              launcher:
                type: executable
                command: sh
                args: ["-c", "(setsid sh -c 'trap \\"\\" TERM; echo $$$$ > daemon.pid; exec sleep 1000' &); sleep 1000 & echo $$! > plain.pid; exec sleep 300"]
            """)
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path]) }
        let up = try CLI.run(["up", "-d", "-f", path, "--no-dashboard"])
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        var pids: [Int32] = []
        #expect(
            UpTests.eventually {
                pids = ["daemon.pid", "plain.pid"].compactMap { name in
                    (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8))
                        .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                }
                return pids.count == 2
            })
        try #require(pids.count == 2)
        let supervisor = try #require(
            (try? String(contentsOfFile: directory + "/.aspire/run.lock", encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        // The cookie is a spawn-time internal: the daemon has it, `aspire env` does not show it.
        let environ = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pids[0])/environ"))) ?? Data()
        #expect(String(decoding: environ, as: UTF8.self).contains("ASPIRE_RUN_COOKIE="))
        let env = try CLI.run(["env", "-f", path])
        #expect(!env.stdout.contains("ASPIRE_RUN_COOKIE"), "\(env.stdout)")
        #expect(kill(supervisor, SIGKILL) == 0)
        #expect(UpTests.eventually(timeout: 5) { pids.allSatisfy { !UpTests.alive($0) } }, "survivors among \(pids)")
    }

    static func parent(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }
}
