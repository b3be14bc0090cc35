import AppState
import ArgumentParser
import Foundation

/// `aspire logs [NAME…] [-f] [--tail N]`: the resources' log files, prefixed as in `up`.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print the logs of the app's resources (-f to follow).")

    // `-f` follows here, as in `docker compose logs -f`; the manifest is `--file FILE`.
    @Option(name: .customLong("file"), help: "The app manifest (apphost.yaml).") var file: String = "apphost.yaml"
    @Argument(help: "Resources to show (default: all).") var names: [String] = []
    @Flag(name: [.customShort("f"), .customLong("follow")], help: "Keep printing new lines until Ctrl-C.") var follow = false
    @Option(help: "Only the last N lines of each resource.") var tail: Int?

    func run() async throws {
        var manifest = ManifestOptions()
        manifest.file = file
        let folder = try RunningApp.folder(for: manifest)
        let logs = folder.logsDirectory
        let available = ((try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? [])
            .filter { $0.hasSuffix(".log") }.map { String($0.dropLast(4)) }.sorted()
        let selected = names.isEmpty ? available : names
        for name in selected where !available.contains(name) {
            let hint = available.isEmpty ? "" : " (logs exist for: \(available.joined(separator: ", ")))"
            Console.error("error: no log for '\(name)' in \(logs)\(hint)")
            throw ExitCode(1)
        }
        let color = Console.useColor(fileDescriptor: 1)
        let width = (selected.map(\.count).max() ?? 0)
        var readers = selected.enumerated().map { index, name in
            LogReader(path: (logs as NSString).appendingPathComponent("\(name).log"), prefix: Self.prefix(name, width: width, index: index, color: color))
        }
        for index in readers.indices {
            Console.out(readers[index].initial(tail: tail))
        }
        guard follow else { return }
        while !Task.isCancelled {
            var wrote = false
            for index in readers.indices {
                let text = readers[index].new()
                if !text.isEmpty {
                    Console.out(text)
                    wrote = true
                }
            }
            if !wrote { try await Task.sleep(for: .milliseconds(200)) }
        }
    }

    static let palette = ["36", "33", "32", "35", "34", "96", "93", "92", "95", "94"]

    static func prefix(_ name: String, width: Int, index: Int, color: Bool) -> String {
        let padded = name.padding(toLength: width, withPad: " ", startingAt: 0)
        return color ? "\u{1B}[\(palette[index % palette.count])m\(padded) |\u{1B}[0m " : "\(padded) | "
    }
}

/// Reads one log file from an offset, prefixing whole lines only.
struct LogReader {
    var path: String
    var prefix: String
    var offset: UInt64 = 0
    var partial = ""

    init(path: String, prefix: String) {
        self.path = path
        self.prefix = prefix
    }

    mutating func initial(tail: Int?) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let data = (try? handle.readToEnd()) ?? Data()
        offset = UInt64(data.count)
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() } else if let last = lines.popLast() { partial = String(last) }
        if let tail { lines = Array(lines.suffix(max(0, tail))) }
        return lines.map { prefix + $0 + "\n" }.joined()
    }

    mutating func new() -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        if size < offset { offset = 0 }  // rotated
        guard size > offset else { return "" }
        try? handle.seek(toOffset: offset)
        let data = (try? handle.readToEnd()) ?? Data()
        offset += UInt64(data.count)
        let text = partial + String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        partial = String(lines.removeLast())
        return lines.map { prefix + $0 + "\n" }.joined()
    }
}
