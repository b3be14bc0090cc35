import Foundation
import Logging
import Testing

@testable import Supervisor

extension ProcessTests {
    @Suite struct Logs {
        @Test("output is prefixed per line, partial lines are joined, a final partial line is flushed")
        func prefixing() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([
                shell("api", "printf 'abc'; sleep 0.1; printf 'def\\n'; printf 'to stderr\\n' >&2; printf 'tail'"),
                shell("worker-long-name", "echo hello"),
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            let result = try await supervisor.run()
            #expect(result.isSuccess)
            let lines = sink.lines
            #expect(lines.contains("api              | abcdef"))
            #expect(lines.contains("api              | to stderr"))
            #expect(lines.contains("api              | tail"))
            #expect(lines.contains("worker-long-name | hello"))
            #expect(!lines.contains { $0.hasSuffix("| abc") || $0.hasSuffix("| def") })
            #expect(lines.contains("aspire           | api: exited with code 0"))
            // The log file gets the raw lines, no prefix.
            let log = sandbox.logText("state/logs/api.log")
            #expect(log.split(separator: "\n").sorted() == ["abcdef", "tail", "to stderr"])
            // The exit status line comes after the child's last output.
            let tail = try #require(lines.firstIndex(of: "api              | tail"))
            let exit = try #require(lines.firstIndex(of: "aspire           | api: exited with code 0"))
            #expect(tail < exit)
        }

        @Test("a fast writer: every line arrives, in order, in the log file and the console")
        func fastWriter() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([shell("fast", "seq 1 200000")])
            let (supervisor, sink) = makeSupervisor(plan)
            let result = try await supervisor.run()
            #expect(result.isSuccess)
            let expected = (1...200_000).map(String.init)
            #expect(sandbox.logLines("state/logs/fast.log") == expected)
            let console = sink.lines.filter { $0.hasPrefix("fast   | ") }.map { String($0.dropFirst(9)) }
            #expect(console == expected)
        }

        @Test("every log-file line starts with the UTC time of its batch")
        func timestamps() async throws {
            let sandbox = try Sandbox()
            let gate = sandbox.path("gate")
            let before = Date().timeIntervalSince1970
            // The second line is written once the first is in the log file, and 0.2 s after that
            // (a gate, not a sleep in the child: on a slow machine both could be read in one batch).
            let plan = sandbox.plan([shell("stamped", "echo first; until [ -e \(gate) ]; do sleep 0.02; done; echo second")])
            let (supervisor, _) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { sandbox.logLines("state/logs/stamped.log") == ["first"] })
            try await Task.sleep(for: .milliseconds(200))
            _ = FileManager.default.createFile(atPath: gate, contents: nil)
            _ = try await outcome
            let after = Date().timeIntervalSince1970
            let split = sandbox.lines("state/logs/stamped.log").map { LogTimestamp.split(Substring($0)) }
            #expect(split.map(\.text) == ["first", "second"])
            let times = split.compactMap(\.time)
            try #require(times.count == 2)
            #expect(times.allSatisfy { $0 >= before - 0.01 && $0 <= after + 0.01 }, "\(times) not in \(before)...\(after)")
            #expect(times[1] - times[0] >= 0.15, "the second batch was stamped later")
            let stamp = String(decoding: LogTimestamp.stamp(seconds: 1_795_680_000, milliseconds: 7), as: UTF8.self)
            #expect(stamp == "2026-11-26T08:00:00.007Z ")
            #expect(LogTimestamp.split(Substring(stamp + "x")).time == 1_795_680_000.007)
            #expect(LogTimestamp.split("no stamp here, just a long enough line").time == nil)
        }

        @Test("colours the prefix per service when asked")
        func color() async throws {
            let sandbox = try Sandbox()
            let sink = InMemoryConsoleSink()
            let plan = sandbox.plan([shell("one", "echo 1"), shell("two", "echo 2")])
            let supervisor = Supervisor(
                plan: plan, options: SupervisorOptions(console: sink, color: true), logger: .init(label: "test"))
            _ = try await supervisor.run()
            #expect(sink.lines.contains("\u{1B}[36mone    |\u{1B}[0m 1"))
            #expect(sink.lines.contains("\u{1B}[33mtwo    |\u{1B}[0m 2"))
            #expect(!sandbox.read("state/logs/one.log").contains("\u{1B}"))
        }

        @Test("secrets are masked in the console, the log file and status lines")
        func secrets() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([
                shell(
                    "db", "echo \"password=$PW and again $PW\"; exit 4", env: ["PW": "hunter22"], secrets: ["hunter22"])
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            _ = try await supervisor.run()
            #expect(sink.lines.contains("db     | password=*** and again ***"))
            #expect(!sink.text.contains("hunter22"))
            #expect(sandbox.logText("state/logs/db.log") == "password=*** and again ***\n")
        }

        @Test("replicas are prefixed name, name-1, … and share the service's log file")
        func replicaPrefixes() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([
                shell(
                    "web", "echo from $REPLICA",
                    replicas: (0..<2).map { ReplicaSpec(environment: environment(["REPLICA": "\($0)"])) })
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            _ = try await supervisor.run()
            #expect(sink.lines.contains("web    | from 0"))
            #expect(sink.lines.contains("web-1  | from 1"))
            #expect(Set(sandbox.logLines("state/logs/web.log")) == ["web | from 0", "web-1 | from 1"])
        }

        @Test("a log file over the limit is rotated to .log.1")
        func rotation() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([shell("chatty", "for i in 1 2 3 4 5 6; do seq 1 200; sleep 0.02; done")])
            let (supervisor, _) = makeSupervisor(plan, logRotationBytes: 2000)
            _ = try await supervisor.run()
            let current = sandbox.read("state/logs/chatty.log")
            let rotated = sandbox.read("state/logs/chatty.log.1")
            #expect(!rotated.isEmpty)
            #expect(current.utf8.count <= 2000 || !current.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: sandbox.path("state/logs/chatty.log.2")))
        }

        @Test("the line splitter keeps partial lines and cuts runaway ones")
        func splitter() {
            var splitter = LineSplitter(maximumLineLength: 8)
            func feed(_ text: String) -> String? {
                let bytes = Array(text.utf8)
                return bytes.withUnsafeBytes { splitter.feed($0) }.map { String(decoding: $0, as: UTF8.self) }
            }
            #expect(feed("ab") == nil)
            #expect(feed("c\nde") == "abc\n")
            #expect(feed("f\ng\nh") == "def\ng\n")
            #expect(feed("123456789") == "h123456789\n")
            #expect(feed("xy") == nil)
            #expect(splitter.finish().map { String(decoding: $0, as: UTF8.self) } == "xy\n")
            #expect(splitter.finish() == nil)
        }
    }
}

@Suite struct LinePrefixing {
    @Test("prefixLines handles long lines, short lines (over the size estimate) and a missing final newline")
    func prefixLines() {
        func prefixed(_ text: String) -> String {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBytes {
                String(decoding: LogPump.prefixLines($0, with: Array("p| ".utf8)), as: UTF8.self)
            }
        }
        #expect(
            prefixed("a long enough line of text\nanother one\n") == "p| a long enough line of text\np| another one\n")
        let short = String(repeating: "1\n", count: 100)
        #expect(prefixed(short) == String(repeating: "p| 1\n", count: 100))
        #expect(prefixed("x\n\ny") == "p| x\np| \np| y")
        #expect(prefixed("") == "")
    }
}

extension Sandbox {
    /// A log file's lines without their timestamps.
    func logLines(_ path: String) -> [String] {
        lines(path).map { String(LogTimestamp.split(Substring($0)).text) }
    }

    /// A log file's text without its timestamps.
    func logText(_ path: String) -> String {
        logLines(path).map { $0 + "\n" }.joined()
    }
}
