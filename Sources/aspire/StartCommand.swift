import ArgumentParser
import ControlPlane

/// `aspire start NAME…`: start stopped, exited or failed resources of the running app again (or
/// `explicitStart` ones for the first time);
/// each waits for its `waitFor` dependencies as at start-up.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start stopped, exited or failed resources of the running app again, or explicitStart ones for the first time.")

    @OptionGroup var manifest: ManifestOptions
    @Argument(help: "The resources to start.") var names: [String]
    @Option(help: "Output format: text or json.") var format: ResourceActionFormat = .text
    @Option(help: "Seconds to wait for the app to answer.") var timeout: Double = 120

    func run() async throws {
        try RunningApp.perform(.start, on: names, manifest: manifest, format: format, timeout: timeout)
    }
}
