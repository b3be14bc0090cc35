import AppModel
import AppRunner
import AppState
import AppStatus
import ArgumentParser
import CMallocPolicy
import ControlPlane
import Foundation
import Supervisor

/// `aspire up`: run the app — resources in dependency order, injected environment, probes,
/// restarts, prefixed logs — until Ctrl-C/SIGTERM, or until every resource has finished.
/// It serves the control API on `.aspire/control.sock` meanwhile. With `--detach` it runs
/// itself in the background and returns once every resource is ready.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Run the app; Ctrl-C stops it cleanly (-d: in the background).")

    @OptionGroup var manifest: ManifestOptions
    @Argument(help: "Start only these resources and what they wait for.") var resources: [String] = []
    @Option(help: "Seconds a child gets between SIGTERM and SIGKILL.") var gracePeriod: Double = 5
    @Flag(
        name: [.customShort("d"), .long],
        help: "Run in the background (output in .aspire/up.log); return once every resource is ready, or exit 1 if one fails.")
    var detach = false
    @Option(help: "With --detach: seconds to wait for every resource to be ready.") var waitTimeout: Double = 300
    @Option(help: "The dashboard's loopback port (default: the last run's, else a free one).") var dashboardPort: Int?
    @Flag(help: "Do not serve the web dashboard.") var noDashboard = false
    @Flag(help: "Restart every project when its files change (as `watch: true` on each).") var watch = false
    @Flag(help: "No live status board at the bottom of the terminal (also ASPIRE_NO_BOARD=1).") var noBoard = false
    @OptionGroup var otel: OtelLimitOptions

    func run() async throws {
        let isDetachedChild = ProcessInfo.processInfo.environment[AppRunner.detachedChildVariable] != nil
        if isDetachedChild { unsetenv(AppRunner.detachedChildVariable) }
        UnixSignal.ignoreBrokenPipe()
        var (app, _) = try manifest.loadValidManifest()
        if watch { app.watchEveryProject() }
        aspire_malloc_release_freed()  // the supervisor runs for hours: its memory is what it uses
        for name in resources where app[name] == nil {
            let hint = DidYouMean.suggestion(for: name, in: app.resourceNames).map { "; did you mean '\($0)'?" } ?? ""
            throw CommandFailure.invalid("no resource named '\(name)' in \(manifest.file)\(hint)")
        }
        if detach && !isDetachedChild {
            try await runDetached(app)
            return
        }
        var hostEnvironment = ProcessInfo.processInfo.environment
        hostEnvironment[AppRunner.detachedChildVariable] = nil
        var options = AppRunner.Options(hostEnvironment: hostEnvironment)
        options.resources = resources
        options.gracePeriod = gracePeriod
        options.dashboard = !noDashboard
        options.dashboardPort = dashboardPort
        options.color = Console.useColor(fileDescriptor: 1)
        options.liveBoard = Console.useLiveBoard(color: options.color, disabled: noBoard)
        options.adoptOrphans = true
        options.stopOnSignals = true
        options.telemetryLimits = otel.limits
        let outcome: AppRunner.Outcome
        do {
            outcome = try await AppRunner.run(app, options: options)
        } catch {
            throw Self.failure(error)
        }
        guard outcome.isSuccess else {
            throw CommandFailure.invalid(lines: outcome.failures.map(\.description))
        }
    }

    /// The runner's failure as the CLI reports it: 1 for the app's problems, 2 for I/O; a
    /// supervisor error as it is.
    static func failure(_ failure: AppRunner.Failure) -> any Error {
        if case .supervisor(let error) = failure { return error }
        return failure.isAppProblem ? CommandFailure.invalid(lines: failure.lines) : CommandFailure.io(lines: failure.lines)
    }
}

// MARK: - up --detach

extension UpCommand {
    /// Starts `up` in the background and prints how the wait for it ended.
    func runDetached(_ app: Manifest) async throws {
        let folder = StateFolder(manifestDirectory: app.directory)
        var options = AppRunner.DetachOptions(environment: ProcessInfo.processInfo.environment)
        options.resources = resources
        options.gracePeriod = gracePeriod
        options.waitTimeout = waitTimeout
        options.watch = watch
        options.upArguments = otel.arguments
        let detached: AppRunner.Detached
        do {
            detached = try await AppRunner.detach(app, options: options)
        } catch {
            throw Self.failure(error)
        }
        let stopHint = "stop it with `aspire down -f \(manifest.file)`"
        switch detached {
        case .finished:
            Console.out("aspire up: every resource of \(app.name) has finished (output in \(folder.upLogFile))\n")
        case .exited(let pid, let code, let tail):
            Console.error(tail)
            throw CommandFailure.invalid("aspire up (pid \(pid)) exited with code \(code); its output is in \(folder.upLogFile)")
        case .ready(let pid, let status, let url):
            Console.out("aspire up: \(app.name) is running in the background (aspire up, pid \(pid))\n")
            Console.out(Self.table(status.resources))
            let parked = status.waitingForNotStarted
            for resource in status.resources {
                guard let names = parked[resource.name] else { continue }
                Console.out("\(resource.name): waiting for \(names.joined(separator: ", ")) (not started)\n")
            }
            if let url { Console.out("Dashboard: \(url)\n") }
            Console.out("logs: aspire logs -f --file \(manifest.file) (supervisor output: \(folder.upLogFile)); \(stopHint)\n")
        case .failed(let pid, let status, let failed):
            Console.out(Self.table(status.resources))
            throw CommandFailure.invalid(
                lines: failed.map { "\($0.name): \($0.state)" },
                then: "the app keeps running in the background (aspire up, pid \(pid)); \(stopHint)")
        case .notReady(let pid, let waiting):
            throw CommandFailure.invalid(
                lines: ["not ready after \(Clamped.int(waitTimeout)) s: \(waiting ?? "the app did not answer on \(folder.controlSocketFile)")"],
                then: "the app keeps running in the background (aspire up, pid \(pid)); \(stopHint)")
        }
    }

    /// NAME, STATE and URLS of each resource, aligned.
    static func table(_ resources: [ResourceStatus]) -> String {
        let nameWidth = resources.map(\.name.count).max() ?? 0
        let stateWidth = resources.map(\.state.description.count).max() ?? 0
        return resources.map { resource in
            let line =
                "  " + resource.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                + resource.state.description.padding(toLength: stateWidth, withPad: " ", startingAt: 0) + "  "
                + resource.urls.joined(separator: " ")
            return String(line.reversed().drop { $0 == " " }.reversed()) + "\n"
        }.joined()
    }
}
