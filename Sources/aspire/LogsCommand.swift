import AppRunner
import AppState
import ArgumentParser
import Foundation
import Supervisor

/// `aspire logs [NAME…] [-f] [--tail N] [--since DURATION] [-t] [--raw]`: the resources' log
/// files, prefixed as in `up`, with the children's control sequences escaped as `up` shows them
/// (``TerminalSanitizer``) unless `--raw`.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print the logs of the app's resources (-f to follow).")

    // `-f` follows here, as in `docker compose logs -f`; the manifest is `--file FILE`.
    @Option(name: .customLong("file"), help: "The app manifest (default: $ASPIRE_FILE, else the nearest apphost.yaml here or above).")
    var file: String?
    @Argument(help: "Resources to show (default: all).") var names: [String] = []
    @Flag(name: [.customShort("f"), .customLong("follow")], help: "Keep printing new lines until Ctrl-C.") var follow = false
    @Option(help: "Only the last N lines of each resource.") var tail: Int?
    @Option(help: "Only lines written in the last DURATION (e.g. 30s, 10m, 1h30m) or since a UTC time (2026-11-26T09:00:00Z).")
    var since: LogSince?
    @Flag(name: [.customShort("t"), .long], help: "Show the UTC time each line was written.") var timestamps = false
    @Flag(help: "Print each line's bytes as written, terminal control sequences included (default: escaped).")
    var raw = false

    func run() async throws {
        var manifest = ManifestOptions()
        manifest.file = try ManifestOptions.locate(file)
        let folder = try RunningApp.folder(for: manifest)
        let available = LogFiles.names(in: folder)
        let selected = names.isEmpty ? available : names
        for name in selected where !available.contains(name) {
            let hint = available.isEmpty ? "" : " (logs exist for: \(available.joined(separator: ", ")))"
            throw CommandFailure.invalid("no log for '\(name)' in \(folder.logsDirectory)\(hint)")
        }
        let color = Console.useColor(fileDescriptor: 1)
        let width = (selected.map(\.count).max() ?? 0)
        var prefixes: [String: String] = [:]
        for (index, name) in selected.enumerated() {
            prefixes[name] = Self.prefix(name, width: width, index: index, color: color)
        }
        let filter = LogLineFilter(since: since?.start(now: Date().timeIntervalSince1970), timestamps: timestamps)
        let raw = self.raw
        func show(_ lines: [[UInt8]], of name: String) -> [UInt8] {
            let prefix = Array((prefixes[name] ?? "").utf8)
            var out: [UInt8] = []
            for line in lines {
                guard let text = filter.apply(line) else { continue }
                out += prefix
                out += raw ? Array(text) : TerminalSanitizer.sanitize(Array(text), color: color)
                out.append(UInt8(ascii: "\n"))
            }
            return out
        }

        // What is there now, then (-f) what comes, from exactly where each file was read to.
        var cursors: [String: LogFollower.Cursor] = [:]
        for name in selected {
            let (lines, end) = LogFiles.tailBytes(LogFiles.path(of: name, in: folder), lines: tail)
            cursors[name] = end
            Console.out(bytes: show(lines, of: name))
        }
        guard follow else { return }
        let follower = LogFollower(folder: folder, names: selected, from: cursors)
        while let lines = await follower.nextLines() {
            Console.out(bytes: lines.flatMap { show([$0.bytes], of: $0.resource) })
        }
    }

    static let palette = ["36", "33", "32", "35", "34", "96", "93", "92", "95", "94"]

    static func prefix(_ name: String, width: Int, index: Int, color: Bool) -> String {
        let padded = name.padding(toLength: width, withPad: " ", startingAt: 0)
        return color ? "\u{1B}[\(palette[index % palette.count])m\(padded) |\u{1B}[0m " : "\(padded) | "
    }
}

/// Drops lines older than `--since` and strips (or keeps, with `--timestamps`) each line's stamp.
struct LogLineFilter {
    /// Seconds since 1970; lines before it are dropped (lines without a stamp are kept).
    var since: Double?
    var timestamps: Bool

    /// The line to show, or nil to skip it.
    func apply(_ line: Substring) -> Substring? {
        let (time, text) = LogTimestamp.split(line)
        if let since, let time, time < since { return nil }
        return timestamps ? line : text
    }

    /// The bytes of a log-file line to show, or nil to skip it (the stamp is ASCII, so it is
    /// read from the line's first bytes; the rest is left as written).
    func apply(_ line: [UInt8]) -> ArraySlice<UInt8>? {
        let (time, _) = LogTimestamp.split(Substring(String(decoding: line.prefix(LogTimestamp.width), as: UTF8.self)))
        if let since, let time, time < since { return nil }
        return timestamps || time == nil ? line[...] : line.dropFirst(LogTimestamp.width)
    }
}

/// `--since`: a duration back from now (`90s`, `10m`, `1h30m`, `2d`) or a UTC time
/// (`2026-11-26T09:00:00Z`, as `--timestamps` prints it).
struct LogSince: ExpressibleByArgument {
    enum Value {
        case ago(Double)
        case at(Double)
    }

    var value: Value

    init?(argument: String) {
        if let seconds = Self.duration(argument) {
            value = .ago(seconds)
        } else if let time = Self.utcTime(argument) {
            value = .at(time)
        } else {
            return nil
        }
    }

    static var defaultValueDescription: String { "" }

    func start(now: Double) -> Double {
        switch value {
        case .ago(let seconds): now - seconds
        case .at(let time): time
        }
    }

    /// `1h30m`, `45s`, `2d`, `500ms`; a bare number is seconds.
    static func duration(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        if let plain = Double(rest), plain >= 0 { return plain }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard let amount = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            total += amount * scale
        }
        return total
    }

    /// `2026-11-26T09:00:00Z`, optionally with milliseconds.
    static func utcTime(_ text: String) -> Double? {
        var stamp = text
        if stamp.hasSuffix("Z"), !stamp.contains(".") { stamp = String(stamp.dropLast()) + ".000Z" }
        return LogTimestamp.split(Substring(stamp + " ")).time
    }
}
