package import AppModel
import AppState
package import AppStatus
import ControlPlane
import Foundation

// MARK: - up --detach

extension AppRunner {
    /// Marks the background `up` that `--detach` starts (removed before anything else sees it).
    package static let detachedChildVariable = "ASPIRE_UP_DETACHED_CHILD"

    /// What `--detach` runs in the background and how long it waits.
    package struct DetachOptions: Sendable {
        /// Start only these resources and what they wait for; empty: all.
        package var resources: [String] = []
        /// Seconds a child gets between SIGTERM and SIGKILL.
        package var gracePeriod: Double = 5
        /// Seconds to wait for every resource to be ready.
        package var waitTimeout: Double = 300
        /// `--watch`: every project restarts on change.
        package var watch = false
        /// The background `up`'s environment (the marker variable is added).
        package var environment: [String: String]
        /// More `up` options for the background `up` (e.g. `--otel-max-logs 500`), passed as they are.
        package var upArguments: [String] = []
        /// The `aspire` executable to run (this one for the CLI).
        package var executable: String = BackgroundProcess.currentExecutable

        package init(environment: [String: String]) {
            self.environment = environment
        }
    }

    /// How the wait for a background `up` ended; the app keeps running in every case but
    /// `finished` and `exited`.
    package enum Detached: Sendable {
        /// Every resource finished (the background `up` exited 0).
        case finished(pid: Int32)
        /// Every resource is ready; `dashboardURL` is the dashboard's login URL when it serves one.
        case ready(pid: Int32, status: RunStatus, dashboardURL: String?)
        /// These resources failed.
        case failed(pid: Int32, status: RunStatus, failed: [ResourceStatus])
        /// The background `up` exited with `code`; `outputTail` is the end of its output.
        case exited(pid: Int32, code: Int32, outputTail: String)
        /// Not ready in time: the resources still waited for (`name (state)`, comma-separated),
        /// or nil when the app never answered.
        case notReady(pid: Int32, waiting: String?)
    }

    /// Runs `up` again in the background (its own session, output in `.aspire/up.log`) and
    /// waits, through the control API, until every resource is ready or one failed; like
    /// `docker compose up --detach --wait`. The app keeps running either way.
    package static func detach(_ app: Manifest, options: DetachOptions) async throws(Failure) -> Detached {
        let folder = StateFolder(manifestDirectory: app.directory)
        if let pid = RunLock.runningPID(folder: folder) {
            throw .alreadyRunning(StateError(.alreadyRunning(pid: pid, lockFile: folder.lockFile)))
        }
        do {
            try folder.create()
        } catch {
            throw .state(error)
        }
        let manifestPath = URL(fileURLWithPath: app.file).standardizedFileURL.path
        var arguments = ["up", "--file", manifestPath, "--grace-period", String(options.gracePeriod)] + options.upArguments
        if options.watch { arguments.append("--watch") }
        if !options.resources.isEmpty { arguments += ["--"] + options.resources }
        var environment = options.environment
        environment[Self.detachedChildVariable] = "1"
        let pid: Int32
        do {
            pid = try BackgroundProcess.spawn(
                executable: options.executable, arguments: arguments, environment: environment,
                outputPath: folder.upLogFile)
        } catch {
            throw .cannotStartInBackground(error.description)
        }

        // Each status request waits (up to 20 s) until the app is ready or something failed: the
        // answer comes at the state change itself, not at the next poll.
        let client = ControlClient(socketPath: folder.controlSocketFile, timeout: .seconds(30))
        let deadline = ContinuousClock.now + Clamped.duration(seconds: options.waitTimeout)
        var last: RunStatus?
        while true {
            if let code = BackgroundProcess.exitStatus(of: pid) {
                if code == 0 { return .finished(pid: pid) }
                return .exited(pid: pid, code: code, outputTail: Self.tail(of: folder.upLogFile, lines: 20))
            }
            let wait = min(.seconds(20), max(.zero, deadline - ContinuousClock.now))
            var pause = Duration.milliseconds(10)  // until the background `up` has its socket
            if let status = try? client.status(waitingUntilReadyFor: wait), status.pid == pid {
                last = status
                pause = .zero
                switch status.readiness {
                case .ready:
                    // A resource that is ready because it runs (no health check, no port) must
                    // still be up `settle` after it started: one that dies at once has failed.
                    if let unsettled = status.settleWait() {
                        pause = unsettled
                        break
                    }
                    let url = folder.readJSON(DashboardState.self, from: DashboardState.path(in: folder))?.loginURL
                    return .ready(pid: pid, status: status, dashboardURL: url)
                case .failed(let failed):
                    return .failed(pid: pid, status: status, failed: failed)
                case .pending:
                    break
                }
            }
            if ContinuousClock.now >= deadline || Task.isCancelled {
                let waiting = last.map { status in
                    status.resources.filter { !$0.ready }.map { "\($0.name) (\($0.state))" }.joined(separator: ", ")
                }
                return .notReady(pid: pid, waiting: waiting)
            }
            if pause > .zero { try? await Task.sleep(for: pause) }
        }
    }

    /// The last `lines` lines of a file.
    static func tail(of path: String, lines: Int) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1).joined(separator: "\n")
    }
}
