import AppState
import ArgumentParser
import Foundation

/// `aspire ps`: the resources of the running app — state, pids, URLs, restarts, uptime.
struct PsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "List the resources of the running app.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @OptionGroup var manifest: ManifestOptions
    @Option(help: "Output format: table or json.") var format: Format = .table

    func run() async throws {
        let status = try RunningApp.status(for: manifest)
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Console.out(String(decoding: try encoder.encode(status), as: UTF8.self) + "\n")
        case .table:
            let now = Date().timeIntervalSince1970
            var rows = [["NAME", "TYPE", "STATE", "PID", "RESTARTS", "UPTIME", "URLS"]]
            for resource in status.resources {
                rows.append([
                    resource.name, resource.type, resource.state,
                    resource.pids.map(String.init).joined(separator: ","), String(resource.restarts),
                    resource.upSince.map { Self.duration(now - $0) } ?? "-", resource.urls.joined(separator: " "),
                ])
            }
            let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                let cells = row.enumerated().map { index, cell in
                    index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                }
                Console.out(cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n")
            }
        }
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds)
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(total % 60)s" }
        return "\(total / 3600)h\(total / 60 % 60)m"
    }
}

/// Finds the `up` running for a manifest, or says clearly that none is.
enum RunningApp {
    static func folder(for manifest: ManifestOptions) throws -> StateFolder {
        let path = URL(fileURLWithPath: manifest.file).standardizedFileURL
        guard FileManager.default.fileExists(atPath: path.path) else {
            Console.error("error: cannot read \(manifest.file): no such file (pass the manifest with -f FILE)")
            throw ExitCode(2)
        }
        return StateFolder(manifestDirectory: path.deletingLastPathComponent().path)
    }

    static func status(for manifest: ManifestOptions) throws -> RunStatus {
        let folder = try folder(for: manifest)
        guard let status = folder.runningStatus() else {
            Console.error("error: no app is running for \(manifest.file); start it with `aspire up -f \(manifest.file)`")
            throw ExitCode(1)
        }
        return status
    }
}
