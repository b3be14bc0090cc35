import ArgumentParser
import ControlPlane

/// `aspire restart NAME…`: stop resources of the running app (SIGTERM, grace period, SIGKILL)
/// and start them again; `ps` counts the restart.
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart", abstract: "Restart resources of the running app.")

    @OptionGroup var manifest: ManifestOptions
    @Argument(help: "The resources to restart.") var names: [String]
    @Option(help: "Output format: text or json.") var format: ResourceActionFormat = .text
    @Option(help: "Seconds to wait for the app to answer.") var timeout: Double = 120

    func run() async throws {
        try RunningApp.perform(.restart, on: names, manifest: manifest, format: format, timeout: timeout)
    }
}
