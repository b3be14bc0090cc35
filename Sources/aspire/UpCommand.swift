import ArgumentParser

/// `aspire up`: run the app (wired to the supervisor once it lands).
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "up", abstract: "Run the app; Ctrl-C stops it.")
    @OptionGroup var manifest: ManifestOptions
    @Argument(help: "Start only these resources and what they wait for.") var resources: [String] = []

    func run() async throws {
        _ = try manifest.loadValidManifest()
    }
}
