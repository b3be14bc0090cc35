import AppModel
import ArgumentParser

/// `aspire graph`: the resource graph with reference and wait edges.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "graph", abstract: "Print the resource graph (dot, mermaid or json).")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case dot, mermaid, json
    }

    @OptionGroup var manifest: ManifestOptions
    @Option(help: "Output format: dot, mermaid or json.") var format: Format = .dot

    func run() throws {
        let (app, _) = try manifest.loadValidManifest(printWarnings: false)
        Console.out(GraphFormatter.format(app, ResourceGraph(app), as: format))
    }
}
