import AppState
import AppStatus
import ArgumentParser
import ControlPlane
import Foundation

/// `aspire ps`: the resources of the running app — state, health, pids, URLs, restarts, uptime.
/// `--format json` prints the control API's status as it is (`RunStatus`, the same as
/// `.aspire/status.json`); the table splits a health-checked resource's `healthy`/`unhealthy`
/// into STATE `running` and HEALTH, as `docker compose ps` does.
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
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Console.out(String(decoding: try encoder.encode(status), as: UTF8.self) + "\n")
        case .table:
            let now = Date().timeIntervalSince1970
            // A container resource shows its container, not the engine client's pid.
            var rows = [["NAME", "TYPE", "STATE", "HEALTH", "PID/CONTAINER", "RESTARTS", "UPTIME", "URLS"]]
            for resource in status.resources {
                rows.append([
                    resource.name, resource.type + (resource.lifetime == .persistent ? " (persistent)" : ""), Self.tableState(resource), resource.health?.rawValue ?? "-",
                    resource.containers?.joined(separator: ",") ?? resource.pids.map(String.init).joined(separator: ","),
                    String(resource.restarts),
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
            Console.out(Self.restartLines(status.resources, now: now))
        }
    }

    /// Under the table, why each restarted resource last restarted:
    /// `last restart: api 12s ago (changed: app.py)`; nothing when none was restarted.
    static func restartLines(_ resources: [ResourceStatus], now: Double) -> String {
        resources.compactMap { resource in
            resource.lastRestart.map { "last restart: \(resource.name) \(duration(now - $0.at)) ago (\($0))\n" }
        }.joined()
    }

    /// The STATE column beside HEALTH: `running` for a running resource with a health verdict,
    /// else the state itself.
    static func tableState(_ resource: ResourceStatus) -> String {
        resource.health == nil ? resource.state.description : ResourceState.running.description
    }

    static func duration(_ seconds: Double) -> String {
        let total = max(0, Clamped.int(seconds))
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
            throw CommandFailure.io("cannot read \(manifest.file): no such file (pass the manifest with -f FILE)")
        }
        return StateFolder(manifestDirectory: path.deletingLastPathComponent().path)
    }

    /// The running app's status: from the control API, or from `.aspire/status.json` when the
    /// API does not answer (another user, an older `up`).
    static func status(for manifest: ManifestOptions) throws -> RunStatus {
        let folder = try folder(for: manifest)
        if RunLock.runningPID(folder: folder) != nil,
            let status = try? ControlClient(socketPath: folder.controlSocketFile, timeout: .seconds(5)).status()
        {
            return status
        }
        guard let status = folder.runningStatus() else { throw notRunning(manifest, folder: folder) }
        return status
    }

    /// "no app is running for FILE" (exit 1) to throw; when the state folder is another user's,
    /// whose app it is instead (exit 2: it cannot be read).
    static func notRunning(_ manifest: ManifestOptions, folder: StateFolder? = nil) -> CommandFailure {
        if let folder, let foreign = ForeignApp.find(in: folder) {
            return .io(foreign.explanation(manifest: manifest.file, folder: folder))
        }
        return .invalid("no app is running for \(manifest.file); start it with `aspire up -f \(manifest.file)`")
    }

    /// Stops, starts or restarts resources through the control API and prints their states;
    /// exits 1 when no app runs, a name is unknown, or a started resource failed.
    static func perform(
        _ action: ControlAction, on names: [String], manifest: ManifestOptions, format: ResourceActionFormat, timeout: Double
    ) throws {
        let folder = try folder(for: manifest)
        guard let pid = RunLock.runningPID(folder: folder) else { throw notRunning(manifest, folder: folder) }
        let client = ControlClient(socketPath: folder.controlSocketFile, timeout: Clamped.duration(seconds: max(1, timeout)))
        let resources: [ResourceStatus]
        do {
            resources = try client.perform(action, on: names)
        } catch {
            switch error.code {
            case .notListening:
                throw CommandFailure.invalid(
                    "the app running for \(manifest.file) (aspire up, pid \(pid)) has no control socket at \(folder.controlSocketFile)")
            case .refused(let status, let body):
                throw status >= 500 ? CommandFailure.io(body.error) : CommandFailure.invalid(body.error)
            case .io(let what):
                throw CommandFailure.io(what)
            }
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(ControlActionResponse(action: action, resources: resources))
            Console.out(String(decoding: data, as: UTF8.self) + "\n")
        case .text:
            for resource in resources {
                var details: [String] = []
                if resource.state.isUp, !resource.pids.isEmpty {
                    details.append((resource.pids.count == 1 ? "pid " : "pids ") + resource.pids.map(String.init).joined(separator: ","))
                }
                if resource.restarts > 0 { details.append("\(resource.restarts) restart\(resource.restarts == 1 ? "" : "s")") }
                Console.out("\(resource.name): \(resource.state)" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))") + "\n")
            }
        }
        let failed = action == .stop ? [] : resources.filter(\.hasFailed)
        if !failed.isEmpty { throw CommandFailure.invalid(lines: failed.map { "\($0.name): \($0.state)" }) }
    }
}

/// How `restart`, `stop` and `start` print the resources they changed.
enum ResourceActionFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
