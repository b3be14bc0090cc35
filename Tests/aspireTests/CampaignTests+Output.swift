import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The campaign's cases about what a child writes and how it exits: dashboard clients that never
/// read a flood, a line with no end, a crash loop.
extension CampaignTests {
    @Test("20 dashboard log streams that never read a flood: up's memory stays bounded and the dashboard answers")
    func sseClientsThatNeverRead() throws {
        let app = try Self.startDetached(
            """
            name: flood
            resources:
              chatty:
                type: executable
                command: sh
                args: ["-c", "while :; do yes 'flood line: the quick brown fox jumps over the lazy dog 0123456789' | head -n 2000; sleep 0.02; done"]
                endpoints: {}
            """)
        defer {
            _ = try? CLI.run(["down", "-f", app.path])
            try? FileManager.default.removeItem(atPath: app.directory)
        }
        let (port, cookie) = try Self.dashboardLogin(app.directory)
        var readers: [Campaign.Connection] = []
        for _ in 0..<20 {
            let connection = try Campaign.Connection(port: port, receiveBuffer: 4_096)
            connection.write(Campaign.request("GET", "/api/logs/stream?resource=chatty", headers: [cookie]))
            readers.append(connection)
        }
        // Let their buffers fill, then watch up's memory while the flood goes on.
        Thread.sleep(forTimeInterval: 1.5)
        let before = try #require(Campaign.memoryKB(app.pid, "VmRSS"))
        Thread.sleep(forTimeInterval: 4)
        let after = try #require(Campaign.memoryKB(app.pid, "VmRSS"))
        // Unbounded, 20 streams of ~7 MB/s would add hundreds of MB in 4 s.
        if !Campaign.underAddressSanitizer {
            #expect(after - before < 64 * 1_024, "VmRSS \(before) kB -> \(after) kB")
            #expect(after < 256 * 1_024, "VmRSS \(after) kB")
        }
        let other = try Campaign.Connection(port: port)
        other.write(Campaign.request("GET", "/api/resources", headers: [cookie]))
        let answer = other.readToEnd(timeout: 20, until: "chatty")
        #expect(Campaign.status(of: answer) == 200 && answer.contains("chatty"), "\(answer.prefix(300))")
        #expect(readers.count == 20)
    }

    /// Logs in to the app's dashboard; returns its port and the `Cookie:` header line.
    static func dashboardLogin(_ directory: String) throws -> (port: Int, cookie: String) {
        let state = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: directory + "/.aspire/dashboard.json"))) as? [String: Any]
        guard let port = state?["port"] as? Int, let url = state?["loginURL"] as? String,
            let path = url.range(of: "/login").map({ String(url[$0.lowerBound...]) })
        else { throw Campaign.Failure("no dashboard in \(String(describing: state))") }
        let login = try Campaign.Connection(port: port)
        login.write(Campaign.request("GET", path))
        let answer = login.readToEnd(timeout: 20)
        guard let line = answer.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("set-cookie:") }),
            let pair = line.dropFirst("set-cookie:".count).split(separator: ";").first
        else { throw Campaign.Failure("no cookie: \(answer)") }
        return (port, "Cookie: " + pair.trimmingCharacters(in: .whitespaces))
    }

    @Test("a 50 MB line without a newline: the supervisor cuts it into 1 MiB pieces, its memory does not follow, the next line arrives")
    func endlessLine() throws {
        // The campaign wrote 200 MB; 50 MB shows the same (a kept line would be 50 MB of memory) in a second.
        let app = try Self.startDetached(
            #"""
            name: endless
            resources:
              big:
                type: executable
                command: sh
                args: ["-c", "while [ ! -e go ]; do sleep 0.02; done; head -c 50000000 /dev/zero | tr '\\0' x; echo; echo after-the-line; exec sleep 300"]
                endpoints: {}
            """#)
        defer {
            _ = try? CLI.run(["down", "-f", app.path])
            try? FileManager.default.removeItem(atPath: app.directory)
        }
        let baseline = try #require(Campaign.memoryKB(app.pid, "VmHWM"))
        _ = FileManager.default.createFile(atPath: app.directory + "/go", contents: nil)
        let log = app.directory + "/.aspire/logs/big.log"
        #expect(UpTests.eventually(timeout: 60) {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("after-the-line")
        })
        let peak = try #require(Campaign.memoryKB(app.pid, "VmHWM"))
        if !Campaign.underAddressSanitizer {
            #expect(peak - baseline < 24 * 1_024, "VmHWM \(baseline) kB -> \(peak) kB")
        }
        let longest = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(\.utf8.count).max() ?? 0
        // Cut once 1 MiB is held, so a piece is 1 MiB plus what one read brought (more under load).
        #expect(longest <= 2 << 20, "a line of \(longest) bytes in the log")
        #expect(ControlTests.state(app.path, "big") == "running")
    }

    @Test("a crash loop backs off: up uses little CPU and the child runs a few times, not hundreds")
    func crashLoopCPU() throws {
        let path = try CLI.writeManifest(
            """
            name: crashloop
            resources:
              loop:
                type: executable
                command: sh
                args: ["-c", "echo run >> runs.txt; exit 1"]
                restart: always
                endpoints: {}
            """)
        let directory = (path as NSString).deletingLastPathComponent
        let up = try UpTests.Running(["-f", path])
        defer { kill(up.process.processIdentifier, SIGTERM) }
        func runs() -> Int {
            ((try? String(contentsOfFile: directory + "/runs.txt", encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        #expect(UpTests.eventually { runs() >= 2 }, "\(up.output)")
        let pid = up.process.processIdentifier
        let ticksBefore = try #require(Campaign.cpuTicks(pid))
        let runsBefore = runs()
        Thread.sleep(forTimeInterval: 3)
        let ticks = try #require(Campaign.cpuTicks(pid)) - ticksBefore
        let seconds = Double(ticks) / Double(sysconf(Int32(_SC_CLK_TCK)))
        // Backoff 0.5 s, 1 s, 2 s, …: two or three runs in 3 s; a spin would be hundreds at 100% CPU.
        #expect(runs() - runsBefore <= 6, "\(runs() - runsBefore) runs in 3 s")
        #expect(seconds < 0.6, "up used \(seconds) s of CPU in 3 s")
        kill(pid, SIGTERM)
        #expect(up.wait() != nil, "\(up.output)")
    }
}
