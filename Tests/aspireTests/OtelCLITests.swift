import Foundation
import Testing

/// `aspire otel …` and `up --otel-max-…` end to end: a real `up` of a tiny app, real OTLP/HTTP
/// posted to its receiver with the key and endpoint `up` wrote to `.aspire/env/`, then the CLI.
@Suite(.serialized) struct OtelCLITests {
    static let manifest = """
        name: otelapp
        resources:
          svc:
            type: executable
            command: sleep
            args: ["300"]
        """
    static let trace = "5b8efff798038103d269b633813fc60c"

    /// The receiver's endpoint and key, from what `up` injects into `svc`.
    struct Receiver {
        var endpoint: String
        var key: String

        init?(directory: String) {
            guard let text = try? String(contentsOfFile: directory + "/.aspire/env/svc.env", encoding: .utf8) else { return nil }
            var values: [String: String] = [:]
            for line in text.split(separator: "\n") {
                let pair = line.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { continue }
                var value = pair[1]
                if value.hasPrefix("'") || value.hasPrefix("\"") { value = String(value.dropFirst().dropLast()) }
                values[pair[0]] = value
            }
            guard let endpoint = values["OTEL_EXPORTER_OTLP_ENDPOINT"], let headers = values["OTEL_EXPORTER_OTLP_HEADERS"],
                headers.hasPrefix("x-otlp-api-key=")
            else { return nil }
            self.endpoint = endpoint
            key = String(headers.dropFirst("x-otlp-api-key=".count))
        }

        /// POSTs an OTLP/JSON body with curl; returns the HTTP status.
        func post(_ signal: String, _ body: String) throws -> Int {
            let file = NSTemporaryDirectory() + "otel-\(UUID().uuidString.prefix(8)).json"
            try body.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/json", "-H",
                "x-otlp-api-key: \(key)", "--data-binary", "@\(file)", "\(endpoint)/v1/\(signal)",
            ]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Int(String(decoding: data, as: UTF8.self)) ?? 0
        }
    }

    static func resource(_ name: String) -> String {
        #"{"attributes": [{"key": "service.name", "value": {"stringValue": "\#(name)"}}]}"#
    }

    static func spans(trace: String = trace) -> String {
        """
        {"resourceSpans": [{"resource": \(resource("svc")), "scopeSpans": [{"spans": [
          {"traceId": "\(trace)", "spanId": "0000000000000001", "name": "GET /orders", "kind": 2,
           "startTimeUnixNano": "1000000000", "endTimeUnixNano": "1120000000"},
          {"traceId": "\(trace)", "spanId": "0000000000000002", "parentSpanId": "0000000000000001", "name": "SELECT orders",
           "kind": 3, "startTimeUnixNano": "1010000000", "endTimeUnixNano": "1100000000", "status": {"code": 2, "message": "timeout"}}]}]}]}
        """
    }

    static func logs(_ messages: [String], severity: Int = 9) -> String {
        let records = messages.enumerated().map { index, message in
            #"{"timeUnixNano": "\#(2_000_000_000 + index)", "severityNumber": \#(severity), "body": {"stringValue": "\#(message)"}, "traceId": "\#(trace)", "spanId": "0000000000000002"}"#
        }
        return #"{"resourceLogs": [{"resource": \#(resource("svc")), "scopeLogs": [{"logRecords": [\#(records.joined(separator: ","))]}]}]}"#
    }

    static let metrics = """
        {"resourceMetrics": [{"resource": \(resource("svc")), "scopeMetrics": [{"metrics": [{"name": "orders.placed", "unit": "1",
          "sum": {"isMonotonic": true, "aggregationTemporality": 2, "dataPoints": [{"timeUnixNano": "3000000000", "asInt": "7"}]}}]}]}]}
        """

    /// Starts `up` and waits for its receiver to answer.
    static func start(_ extra: [String] = []) throws -> (UpTests.Running, String, Receiver) {
        let path = try CLI.writeManifest(manifest)
        let directory = (path as NSString).deletingLastPathComponent
        let up = try UpTests.Running(["-f", path, "--no-dashboard"] + extra)
        var receiver: Receiver?
        _ = UpTests.eventually {
            receiver = Receiver(directory: directory)
            return (try? receiver?.post("logs", #"{"resourceLogs": []}"#)) == 200
        }
        guard let receiver else { throw CampaignFailure("no OTLP receiver: \(up.output)") }
        return (up, path, receiver)
    }

    struct CampaignFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    @Test("otel logs, traces, trace and metrics print what was posted, as text and JSON; errors are clear")
    func verbs() throws {
        let (up, path, receiver) = try Self.start()
        defer { kill(up.process.processIdentifier, SIGTERM) }
        #expect(try receiver.post("traces", Self.spans()) == 200)
        #expect(try receiver.post("logs", Self.logs(["loading orders", "slow query"])) == 200)
        #expect(try receiver.post("logs", Self.logs(["query failed"], severity: 17)) == 200)
        #expect(try receiver.post("metrics", Self.metrics) == 200)

        let logs = try CLI.run(["otel", "logs", "--file", path])
        #expect(logs.status == 0, "\(logs.stderr)")
        #expect(logs.stdout.contains("svc  INFO   loading orders  [trace \(Self.trace)]"), "\(logs.stdout)")
        #expect(logs.stdout.split(separator: "\n").count == 3)
        let severe = try CLI.run(["otel", "logs", "--file", path, "--severity", "error", "--format", "json"])
        let records = Self.json(severe.stdout)["logs"] as? [[String: Any]] ?? []
        #expect(records.map { $0["message"] as? String } == ["query failed"], "\(severe.stdout)")
        let badSeverity = try CLI.run(["otel", "logs", "--file", path, "--severity", "loud"])
        #expect(badSeverity.status == 2 && badSeverity.stderr.contains("severity"), "\(badSeverity.stderr)")

        let traces = try CLI.run(["otel", "traces", "-f", path, "--min-duration", "100ms"])
        #expect(traces.status == 0 && traces.stdout.contains(Self.trace) && traces.stdout.contains("svc: GET /orders"), "\(traces.stdout)")
        let none = try CLI.run(["otel", "traces", "-f", path, "--min-duration", "1s", "--format", "json"])
        #expect((Self.json(none.stdout)["traces"] as? [Any])?.isEmpty == true, "\(none.stdout)")
        let badDuration = try CLI.run(["otel", "traces", "-f", path, "--min-duration", "fast"])
        #expect(badDuration.status == 2, "\(badDuration.stderr)")

        let waterfall = try CLI.run(["otel", "trace", Self.trace, "-f", path])
        #expect(waterfall.status == 0, "\(waterfall.stderr)")
        #expect(waterfall.stdout.contains("  GET /orders") && waterfall.stdout.contains("!   SELECT orders"), "\(waterfall.stdout)")
        #expect(waterfall.stdout.contains("error: timeout") && waterfall.stdout.contains("query failed"), "\(waterfall.stdout)")
        let detail = try CLI.run(["otel", "trace", Self.trace, "-f", path, "--format", "json"])
        #expect((Self.json(detail.stdout)["spans"] as? [Any])?.count == 2, "\(detail.stdout)")
        let unknown = try CLI.run(["otel", "trace", "00000000000000000000000000000001", "-f", path])
        #expect(unknown.status == 1 && unknown.stderr.contains("aspire otel traces"), "\(unknown.stderr)")
        let malformed = try CLI.run(["otel", "trace", "xyz", "-f", path])
        #expect(malformed.status == 2, "\(malformed.stderr)")

        let instruments = try CLI.run(["otel", "metrics", "svc", "-f", path])
        #expect(instruments.status == 0 && instruments.stdout.contains("orders.placed  counter"), "\(instruments.stdout)")
        let points = try CLI.run(["otel", "metrics", "svc", "orders.placed", "-f", path, "--format", "json"])
        #expect((Self.json(points.stdout)["points"] as? [[String: Any]])?.first?["value"] as? Double == 7, "\(points.stdout)")
        let typo = try CLI.run(["otel", "metrics", "svc", "orders.placd", "-f", path])
        #expect(typo.status == 1 && typo.stderr.contains("did you mean 'orders.placed'"), "\(typo.stderr)")
    }

    @Test("otel logs -f prints each new record once")
    func follow() throws {
        let (up, path, receiver) = try Self.start()
        defer { kill(up.process.processIdentifier, SIGTERM) }
        #expect(try receiver.post("logs", Self.logs(["first"])) == 200)
        let outputPath = NSTemporaryDirectory() + "otel-follow-\(UUID().uuidString.prefix(8)).log"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let follower = Process()
        follower.executableURL = URL(fileURLWithPath: CLI.binary)
        follower.arguments = ["otel", "logs", "-f", "--file", path]
        follower.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        try follower.run()
        defer { kill(follower.processIdentifier, SIGKILL) }
        let output = { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
        #expect(UpTests.eventually { output().contains("first") }, "\(output())")
        #expect(try receiver.post("logs", Self.logs(["second", "third"])) == 200)
        #expect(UpTests.eventually { output().contains("third") }, "\(output())")
        #expect(try receiver.post("logs", Self.logs(["fourth"])) == 200)
        #expect(UpTests.eventually { output().contains("fourth") }, "\(output())")
        let lines = output().split(separator: "\n")
        #expect(lines.count == 4 && ["first", "second", "third", "fourth"].allSatisfy { word in lines.filter { $0.contains(word) }.count == 1 })
    }

    @Test("--otel-max-logs and --otel-max-traces change eviction; bad caps are usage errors")
    func caps() throws {
        let (up, path, receiver) = try Self.start(["--otel-max-logs", "2", "--otel-max-traces", "1"])
        defer { kill(up.process.processIdentifier, SIGTERM) }
        #expect(try receiver.post("logs", Self.logs(["one", "two", "three"])) == 200)
        #expect(try receiver.post("traces", Self.spans()) == 200)
        #expect(try receiver.post("traces", Self.spans(trace: "0000000000000000000000000000abcd")) == 200)
        let logs = try CLI.run(["otel", "logs", "--file", path, "--format", "json"])
        let messages = (Self.json(logs.stdout)["logs"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(messages == ["two", "three"], "\(logs.stdout)")
        let traces = try CLI.run(["otel", "traces", "-f", path, "--format", "json"])
        let ids = (Self.json(traces.stdout)["traces"] as? [[String: Any]] ?? []).compactMap { $0["traceId"] as? String }
        #expect(ids == ["0000000000000000000000000000abcd"], "\(traces.stdout)")

        for bad in [["--otel-max-logs", "0"], ["--otel-max-traces", "-3"], ["--otel-max-attributes", "many"]] {
            let result = try CLI.run(["up", "-f", path] + bad)
            #expect(result.status == 2, "\(bad): \(result.stderr)")
        }
    }

    @Test("with no app running, otel verbs say so as ps does (exit 1)")
    func notRunning() throws {
        let path = try CLI.writeManifest(Self.manifest)
        for arguments in [["otel", "logs", "--file", path], ["otel", "traces", "-f", path], ["otel", "metrics", "svc", "-f", path]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 1 && result.stderr.contains("no app is running for"), "\(arguments): \(result.stderr)")
        }
    }
}
