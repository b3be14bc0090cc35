import AppModel
import ArgumentParser
import Foundation
import ManifestAuthoring

/// `aspire add TYPE [NAME] [--to RESOURCE…]`: a resource added to the manifest's text in place.
struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a resource (and references to it) to the manifest, keeping the rest of the file as it is.")

    @Option(name: [.customShort("f"), .customLong("file")], help: "The app manifest (default: as for every command).")
    var file: String?
    @Argument(help: "The type (aspire add --list names them).") var type: String?
    @Argument(help: "The resource's name (default: from the type or --path).") var name: String?
    @Option(parsing: .upToNextOption, help: "Resources that reference the new one.") var to: [String] = []
    @Option(help: "A project's folder.") var path: String?
    @Option(help: "A container's image.") var image: String?
    @Option(help: "An executable's command.") var command: String?
    @Option(help: "An external service's URL.") var url: String?
    @Flag(help: "List the types.") var list = false

    func run() throws {
        if list {
            let width = ResourceAdder.types.map(\.name.count).max() ?? 0
            Console.out(ResourceAdder.types.map { $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.about + "\n" }.joined())
            return
        }
        guard let type else { throw CommandFailure.io("give a type (aspire add --list names them)") }
        let file = try ManifestOptions.locate(self.file)
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure.io("cannot read \(file)") }
        let text = String(decoding: data, as: UTF8.self)
        var request = ResourceAdder.Request(type: type, name: name, to: to)
        (request.path, request.image, request.command, request.url) = (path, image, command, url)
        let edited: String
        do {
            edited = try ResourceAdder.add(request, to: text, file: file)
        } catch {
            throw CommandFailure.invalid(error.description)
        }
        let directory = URL(fileURLWithPath: file).standardizedFileURL.deletingLastPathComponent().path
        let diagnostics = AppInitializer.validate(text: edited, file: file, directory: directory, environment: ProcessInfo.processInfo.environment)
        if diagnostics.hasErrors {
            let lines = edited.split(separator: "\n", omittingEmptySubsequences: false)
            Console.error(DiagnosticRenderer(color: Console.useColor(fileDescriptor: 2)).render(diagnostics, sourceLines: lines))
            throw CommandFailure.invalid("the manifest would not validate; nothing written")
        }
        do {
            try edited.write(toFile: file, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure.io("cannot write \(file): \(error.localizedDescription)")
        }
        Console.out("added \(request.name ?? ResourceAdder.defaultName(request)) to \(file)\(to.isEmpty ? "" : ", referenced from \(to.joined(separator: ", "))")\n")
    }
}
