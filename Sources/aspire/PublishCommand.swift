import AppModel
import ArgumentParser
import Foundation
import Publishing

/// `aspire publish`: write the app for another engine — an Aspire manifest, docker compose, or
/// Kubernetes manifests (docs/publishing.md).
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Write the app as an aspire-manifest.json, a docker compose project, or Kubernetes manifests.")

    @OptionGroup var manifest: ManifestOptions
    @Option(help: "What to write: manifest, compose or kubernetes.") var target: PublishTarget
    @Option(name: [.customShort("o"), .customLong("output")], help: "The folder to write into (created when missing).")
    var output: String

    func run() async throws {
        let (app, _) = try manifest.loadValidManifest()
        let directory = URL(fileURLWithPath: output).standardizedFileURL.path
        let options = PublishOptions(target: target, outputDirectory: directory, environment: ProcessInfo.processInfo.environment)
        let report: PublishReport
        do {
            report = try Publisher.publish(app, options: options)
        } catch {
            throw CommandFailure.io(error.description)
        }
        for note in report.notes { Console.error("note: \(note)") }
        for file in report.files {
            Console.out("wrote \((output as NSString).appendingPathComponent(file.path))\(file.mode == 0o600 ? " (0600)" : "")\n")
        }
    }
}

extension PublishTarget: ExpressibleByArgument {}
