import AppModel
import ArgumentParser
import Foundation
import ManifestAuthoring
import YAMLSource

/// `aspire init [DIR]`: an apphost.yaml from a compose file or the project folders in DIR.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write an apphost.yaml from the folder's compose file or its project folders (docs/init.md).")

    @Argument(help: "The folder (default: the current one).") var directory: String = "."
    @Flag(help: "Overwrite an existing apphost.yaml.") var force = false

    func run() throws {
        let target = (directory as NSString).appendingPathComponent("apphost.yaml")
        if FileManager.default.fileExists(atPath: target), !force {
            throw CommandFailure.io("\(target) already exists; pass --force to overwrite it")
        }
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        let outcome = AppInitializer.draft(directory: absolute, environment: ProcessInfo.processInfo.environment)
        let shown = { (note: ComposeTranslator.Note) -> String in
            let file = directory == "." ? note.location.file : (directory as NSString).appendingPathComponent(note.location.file)
            return "\(file):\(note.location.line):\(note.location.column): \(note.message)"
        }
        if !outcome.errors.isEmpty {
            throw CommandFailure.invalid(lines: outcome.errors.map(shown) + ["nothing written"])
        }
        if !outcome.notes.isEmpty { Console.error(outcome.notes.map(shown).joined(separator: "\n")) }
        if !outcome.diagnostics.isEmpty {
            let lines = outcome.text.split(separator: "\n", omittingEmptySubsequences: false)
            Console.error(DiagnosticRenderer(color: Console.useColor(fileDescriptor: 2)).render(outcome.diagnostics, sourceLines: lines))
        }
        if outcome.diagnostics.hasErrors {
            throw CommandFailure.invalid("the translation does not validate; nothing written (the text is above the errors)\n" + outcome.text)
        }
        do {
            try outcome.text.write(toFile: target, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure.io("cannot write \(target): \(error.localizedDescription)")
        }
        let count = outcome.text.components(separatedBy: "\n    type: ").count - 1
        let source = outcome.composeFile.map { "from \($0)" } ?? "from the project folders"
        Console.out("wrote \(target) (\(count) resource\(count == 1 ? "" : "s") \(source))\n")
    }
}
