import ArgumentParser
import ControlPlane

/// `aspire stop NAME…`: stop resources of the running app; they stay stopped (no restart
/// policy applies) until `aspire start`. Resources that wait for them keep running.
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop resources of the running app (they stay stopped until `aspire start`).")

    @OptionGroup var manifest: ManifestOptions
    @Argument(help: "The resources to stop.") var names: [String]
    @Option(help: "Output format: text or json.") var format: ResourceActionFormat = .text
    @Option(help: "Seconds to wait for the app to answer.") var timeout: Double = 120

    func run() async throws {
        try RunningApp.perform(.stop, on: names, manifest: manifest, format: format, timeout: timeout)
    }
}
