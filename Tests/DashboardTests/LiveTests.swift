import Dashboard
import Foundation
import Synchronization
import Testing

@Suite(.serialized, .timeLimit(.minutes(3))) struct LiveTests {
    @Test("a line written while the page watches arrives over server-sent events")
    func liveLine() async throws {
        let backend = TestBackend()
        backend.state.withLock { $0.finishStreams = false }
        let server = DashboardServer(backend: backend, port: 0)
        try await withLiveServer(server) { port in
            #expect(server.loginURL(port: port) == "http://127.0.0.1:\(port)/login?t=\(server.token)")
            let cookie = try await liveLogin(port: port, token: server.token)
            let connection = try RawConnection(port: port)
            connection.get("/api/logs/stream?resource=api", headers: [cookie])
            try await connection.read(until: "event: reset")
            #expect(connection.received.hasPrefix("HTTP/1.1 200 OK"))
            // Wait for the subscription, then write a line "from the child".
            for _ in 0..<200 where backend.state.withLock({ $0.liveContinuations.isEmpty }) {
                try await Task.sleep(for: .milliseconds(10))
            }
            backend.emit(DashboardLogLine(resource: "api", text: "\u{1B}[32mready\u{1B}[0m on <5100>"))
            try await connection.read(until: #"<span class=\"a-f2\">ready</span> on &lt;5100&gt;"#)
        }
        // Cancelling the server ended the open stream, so the backend stopped following.
        #expect(backend.state.withLock { $0.streamsEnded } == 1)
    }

    @Test("without the cookie a real connection gets 401, and the server listens on loopback only")
    func liveRefuses() async throws {
        let server = DashboardServer(backend: TestBackend(), port: 0)
        try await withLiveServer(server) { port in
            let connection = try RawConnection(port: port)
            connection.get("/api/resources")
            let answer = try await connection.read(until: "\r\n\r\n")
            #expect(answer.hasPrefix("HTTP/1.1 401"))
            #if os(Linux)
                // /proc/net/tcp lists listening sockets (state 0A) as hex "address:port"; 0100007F is 127.0.0.1.
                // Read to the end: a /proc file reports size 0 and one read stops at its first page.
                let handle = try #require(FileHandle(forReadingAtPath: "/proc/net/tcp"))
                defer { try? handle.close() }
                var bytes = Data()
                while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty { bytes.append(chunk) }
                let table = String(decoding: bytes, as: UTF8.self)
                let hex = String(port, radix: 16, uppercase: true)
                let suffix = ":" + String(repeating: "0", count: 4 - hex.count) + hex
                var listening: [String] = []
                for line in table.split(separator: "\n") {
                    let fields: [Substring] = line.split(separator: " ")
                    if fields.count > 3, fields[1].hasSuffix(suffix), fields[3] == "0A" {
                        listening.append(String(fields[1]))
                    }
                }
                #expect(listening == ["0100007F" + suffix])
            #endif
        }
    }

    @Test("headless Chromium logs in with the token and the rendered page lists the resources and their state")
    func chromium() async throws {
        let browser = try #require(
            Chromium.find(),
            "headless Chromium is needed for this test: install Debian's `chromium` package (apt-get install chromium), or set CHROMIUM=/path/to/chrome"
        )
        let server = DashboardServer(backend: TestBackend(), port: 0, title: "shop")
        let dom = try await withLiveServer(server) { port in
            try await Chromium.dumpDOM(browser, url: server.loginURL(port: port))
        }
        #expect(dom.contains("<title>Resources · shop</title>"), "the login redirected to the resource page")
        #expect(dom.contains("data-live=\"1\""), "app.js ran and refreshed the table from /api/resources")
        for (name, state) in [
            ("cache", "healthy"), ("api", "running"), ("worker", "exited with code 3"), ("migrate", "waiting"),
        ] {
            let row = try #require(dom.range(of: "<tr data-name=\"\(name)\""), "row for \(name)")
            let rest = dom[row.upperBound...]
            let end = rest.range(of: "</tr>")?.lowerBound ?? rest.endIndex
            #expect(rest[..<end].contains(">\(state)</span>"), "\(name) shows \(state)")
        }
        #expect(dom.contains("href=\"http://localhost:5100\""))
    }
}

/// Finds and runs headless Chromium.
enum Chromium {
    static func find() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["CHROMIUM"], FileManager.default.isExecutableFile(atPath: path) { return path }
        let folders = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") + ["/usr/bin", "/snap/bin"]
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for folder in folders {
                let path = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }

    /// Loads `url` (following the login redirect) and returns the DOM once scripts have run.
    static func dumpDOM(_ browser: String, url: String) async throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "aspire-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("dom.html")
        let errors = folder.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-extensions", "--disable-background-networking",
            "--user-data-dir=\(folder.appendingPathComponent("profile").path)",
            "--virtual-time-budget=3000", "--dump-dom", url,
        ]
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        let finished = AsyncStream<Void> { continuation in
            process.terminationHandler = { _ in continuation.finish() }
        }
        try process.run()
        let watchdog = Task {
            try await Task.sleep(for: .seconds(90))
            process.terminate()
        }
        for await _ in finished {}
        watchdog.cancel()
        let dom = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        if dom.isEmpty {
            let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            Issue.record("chromium printed no DOM (exit \(process.terminationStatus)): \(stderr.suffix(2000))")
        }
        return dom
    }
}
