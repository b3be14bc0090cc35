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
    @Option(
        name: .customLong("base-image"),
        help: ArgumentHelp(
            "KIND=IMAGE: the image generated Dockerfiles or well-known services of KIND start from (repeatable).",
            discussion: "Kinds: \(BaseImages.kinds.joined(separator: ", ")). Default: the official images."))
    var baseImage: [String] = []
    @Flag(help: "Also build every image the output names from source, with the engine `up` uses (compose, kubernetes).")
    var build = false
    @Option(
        name: .customLong("compose-compat"),
        help: ArgumentHelp(
            "compose: the file's form: spec (default, the Compose Spec) or v1 (what docker-compose 1.29 accepts).",
            discussion: "v1: no top-level name (COMPOSE_PROJECT_NAME in .env) and generated Dockerfiles as files beside the compose file."))
    var composeCompat: ComposeFormat = .spec
    @Flag(name: .customLong("kube-play"), help: "kubernetes: also write kube-play.yaml (0600), the form `podman kube play` runs.")
    var kubePlay = false

    func run() async throws {
        let (app, _) = try manifest.loadValidManifest()
        let directory = URL(fileURLWithPath: output).standardizedFileURL.path
        let environment = ProcessInfo.processInfo.environment
        let images: BaseImages
        do {
            images = try BaseImages(arguments: baseImage)
        } catch {
            throw CommandFailure.invalid(error.description)
        }
        if build, target == .manifest { throw CommandFailure.invalid("--build: --target manifest names no images to build") }
        if composeCompat != .spec, target != .compose { throw CommandFailure.invalid("--compose-compat: only for --target compose") }
        if kubePlay, target != .kubernetes { throw CommandFailure.invalid("--kube-play: only for --target kubernetes") }
        let options = PublishOptions(
            target: target, outputDirectory: directory, environment: environment, baseImages: images, composeFormat: composeCompat, kubePlay: kubePlay)
        let report: PublishReport
        var builds: [ImageBuild] = []
        do {
            report = try Publisher.publish(app, options: options)
            // Kubernetes names the same images compose does: the compose render says how to build them.
            if build { builds = target == .compose ? report.images : try Publisher.render(app, options: compose(options)).images }
        } catch {
            throw CommandFailure.io(error.description)
        }
        for note in report.notes { Console.error("note: \(note)") }
        for file in report.files {
            Console.out("wrote \((output as NSString).appendingPathComponent(file.path))\(file.mode == 0o600 ? " (0600)" : "")\n")
        }
        try PublishBuild.run(builds, environment: environment)
    }

    private func compose(_ options: PublishOptions) -> PublishOptions {
        var options = options
        options.target = .compose
        return options
    }
}

extension PublishTarget: ExpressibleByArgument {}
extension ComposeFormat: ExpressibleByArgument {}
