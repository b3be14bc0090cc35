import AppRunner
import AppState
import ArgumentParser

/// `aspire dashboard`: prints the running app's dashboard login URL (it holds the token, so it
/// is kept 0600 in `.aspire/dashboard.json` and printed only on request).
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard", abstract: "Print the running app's dashboard login URL.")

    @OptionGroup var manifest: ManifestOptions

    func run() throws {
        let folder = try RunningApp.folder(for: manifest)
        guard RunLock.runningPID(folder: folder) != nil else { throw RunningApp.notRunning(manifest, folder: folder) }
        guard let state = folder.readJSON(DashboardState.self, from: DashboardState.path(in: folder)),
            let url = state.loginURL
        else {
            throw CommandFailure.invalid(
                "the app running for \(manifest.file) serves no dashboard (started with --no-dashboard, or its port was taken; see its output)")
        }
        Console.out(url + "\n")
    }
}
