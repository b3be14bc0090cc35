import AppState
import ArgumentParser
import ControlPlane
import Foundation
import Telemetry

/// `aspire otel logs|traces|trace|metrics`: the running app's telemetry, through the control API
/// (docs/telemetry.md). The text comes from `TelemetryText`; `--format json` prints the API's JSON.
struct OtelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "otel", abstract: "Show the telemetry (structured logs, traces, metrics) the running app sent.",
        subcommands: [OtelLogsCommand.self, OtelTracesCommand.self, OtelTraceCommand.self, OtelMetricsCommand.self])
}

enum OtelFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// The running app's control client, or the "no app is running" failure every command gives.
enum OtelAccess {
    static func client(_ file: String) throws -> ControlClient {
        var manifest = ManifestOptions()
        manifest.file = file
        let folder = try RunningApp.folder(for: manifest)
        guard RunLock.runningPID(folder: folder) != nil else { throw RunningApp.notRunning(manifest, folder: folder) }
        return ControlClient(socketPath: folder.controlSocketFile, timeout: .seconds(30))
    }

    /// Runs one request, turning the client's errors into the CLI's failures (1: the app's answer, 2: I/O).
    static func call<T>(_ file: String, _ body: (ControlClient) throws(ControlClientError) -> T) throws -> T {
        let client = try client(file)
        do {
            return try body(client)
        } catch {
            switch error.code {
            case .notListening:
                throw CommandFailure.invalid(
                    "the app running for \(file) has no control socket at \(client.socketPath); is it an older aspire?")
            case .refused(let status, let reply):
                if reply.code == "unknownTrace" {
                    throw CommandFailure.invalid(lines: [reply.error], then: "hint: list the traces with `aspire otel traces -f \(file)`")
                }
                throw status >= 500 ? CommandFailure.io(reply.error) : CommandFailure.invalid(reply.error)
            case .io(let what):
                throw CommandFailure.io(what)
            }
        }
    }

    static func printJSON(_ value: some Encodable, pretty: Bool = true) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        Console.out(String(decoding: try encoder.encode(value), as: UTF8.self) + "\n")
    }
}

/// A `--severity` word, checked when the command line is parsed.
struct SeverityArgument: ExpressibleByArgument {
    var word: String

    init?(argument: String) {
        guard TelemetryArguments.severity(argument) != nil else { return nil }
        word = argument
    }

    static var defaultCompletionKind: CompletionKind { .list(TelemetryArguments.severities.map(\.name)) }
}

/// A `--min-duration` such as `50ms`, checked when the command line is parsed.
struct DurationArgument: ExpressibleByArgument {
    var text: String

    init?(argument: String) {
        guard TelemetryArguments.durationNano(argument) != nil else { return nil }
        text = argument
    }
}

/// `aspire otel logs [RESOURCE…] [--severity S] [--trace ID] [--text T] [-f]`.
struct OtelLogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print the structured log records the app's resources sent (-f to follow).")

    @Option(name: .customLong("file"), help: "The app manifest (default: $ASPIRE_FILE, else the nearest apphost.yaml here or above).")
    var file: String?
    @Argument(help: "Resources to show (default: all).") var resources: [String] = []
    @Option(help: "Only records at least this severe: trace, debug, info, warn, error, fatal.") var severity: SeverityArgument?
    @Option(help: "Only records of this trace (32 hex digits).") var trace: String?
    @Option(help: "Only records whose message or an attribute contains this text.") var text: String?
    @Option(help: "At most this many records (the newest).") var limit: Int = 500
    @Flag(name: [.customShort("f"), .customLong("follow")], help: "Keep printing new records until Ctrl-C.") var follow = false
    @Option(help: "Output format: text or json (with -f: one JSON record per line).") var format: OtelFormat = .text

    func validate() throws {
        if let trace, TraceID(hex: trace) == nil { throw ValidationError("--trace: '\(trace)' is not a trace id (32 hex digits)") }
        if limit < 1 { throw ValidationError("--limit must be a positive whole number") }
    }

    func run() async throws {
        let file = try ManifestOptions.locate(self.file)
        let query = { (after: UInt64) throws -> TelemetryLogsPage in
            try OtelAccess.call(file) { client throws(ControlClientError) in
                try client.telemetryLogs(
                    resources: resources, severity: severity?.word, trace: trace, text: text, after: after, limit: limit)
            }
        }
        var page = try query(0)
        if format == .json && !follow {
            try OtelAccess.printJSON(page)
            return
        }
        var width = page.logs.map(\.resource.count).max() ?? resources.map(\.count).max() ?? 0
        while true {
            if format == .json {
                for record in page.logs { try OtelAccess.printJSON(record, pretty: false) }
            } else {
                width = max(width, page.logs.map(\.resource.count).max() ?? 0)
                Console.out(TelemetryText.logs(page.logs, resourceWidth: width))
            }
            guard follow else { return }
            try await Task.sleep(for: .milliseconds(500))
            page = try query(page.last)
        }
    }
}

/// `aspire otel traces [RESOURCE…] [--min-duration 50ms]`.
struct OtelTracesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "traces", abstract: "List the traces the app's resources sent, newest first.")

    @OptionGroup var manifest: ManifestOptions
    @Argument(help: "Only traces touching these resources (default: all).") var resources: [String] = []
    @Option(help: "Only traces at least this long (e.g. 50ms, 1.5s, 2m).") var minDuration: DurationArgument?
    @Option(help: "At most this many traces.") var limit: Int = 200
    @Option(help: "Output format: text or json.") var format: OtelFormat = .text

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be a positive whole number") }
    }

    func run() async throws {
        let page = try OtelAccess.call(manifest.file) { client throws(ControlClientError) in
            try client.telemetryTraces(resources: resources, minDuration: minDuration?.text, limit: limit)
        }
        switch format {
        case .json: try OtelAccess.printJSON(page)
        case .text: Console.out(TelemetryText.traceTable(page.traces))
        }
    }
}

/// `aspire otel trace ID`: one trace as a text waterfall.
struct OtelTraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace", abstract: "Show one trace as a waterfall: its spans nested, timed, errors marked; then its logs.")

    @OptionGroup var manifest: ManifestOptions
    @Argument(help: "The trace id (32 hex digits, from `aspire otel traces`).") var id: String
    @Option(help: "Columns of the waterfall's bars.") var width: Int = 40
    @Option(help: "Output format: text or json.") var format: OtelFormat = .text

    func validate() throws {
        if TraceID(hex: id) == nil { throw ValidationError("'\(id)' is not a trace id (32 hex digits)") }
        if width < 10 || width > 1_000 { throw ValidationError("--width must be between 10 and 1000") }
    }

    func run() async throws {
        let detail = try OtelAccess.call(manifest.file) { client throws(ControlClientError) in try client.telemetryTrace(id.lowercased()) }
        switch format {
        case .json: try OtelAccess.printJSON(detail)
        case .text: Console.out(TelemetryText.waterfall(detail, barWidth: width))
        }
    }
}

/// `aspire otel metrics RESOURCE [INSTRUMENT]`: a resource's instruments, or one instrument's points.
struct OtelMetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "List a resource's instruments, or print one instrument's points.")

    @OptionGroup var manifest: ManifestOptions
    @Argument(help: "The resource.") var resource: String
    @Argument(help: "The instrument (default: list them).") var instrument: String?
    @Option(help: "Output format: text or json.") var format: OtelFormat = .text

    func run() async throws {
        if let instrument {
            let page = try OtelAccess.call(manifest.file) { client throws(ControlClientError) in
                try client.telemetryPoints(of: resource, instrument: instrument)
            }
            switch format {
            case .json: try OtelAccess.printJSON(page)
            case .text: Console.out(TelemetryText.pointTable(page))
            }
        } else {
            let page = try OtelAccess.call(manifest.file) { client throws(ControlClientError) in try client.telemetryInstruments(of: resource) }
            switch format {
            case .json: try OtelAccess.printJSON(page)
            case .text: Console.out(TelemetryText.instrumentTable(page))
            }
        }
    }
}
