package import AppModel
import Foundation

/// `aspire publish`: turns one validated app model into files an existing engine runs — an
/// Aspire manifest, a docker compose project, or Kubernetes manifests (docs/publishing.md).
///
/// Writers turn the model into `OutputFile`s and write nothing (they look into project folders,
/// for a Dockerfile or a `.csproj`); `publish` reads the values kept from an earlier publish (so
/// secrets stay stable and output is byte-identical), then writes every file atomically.
package enum Publisher {
    /// Publishes `manifest` into `options.outputDirectory`.
    /// - Returns: The files written and the notes to show (e.g. a project that needs a Dockerfile).
    /// - Throws: `PublishError` when the output folder cannot be written.
    package static func publish(_ manifest: Manifest, options: PublishOptions) throws(PublishError) -> PublishReport {
        let output = try render(manifest, options: options)
        try OutputFile.write(output.files, to: options.outputDirectory)
        return output
    }

    /// What `publish` would write, without writing it.
    package static func render(_ original: Manifest, options: PublishOptions) throws(PublishError) -> PublishReport {
        // A deployment uses real AWS: the emulator is left out and the resources it expects listed.
        let (manifest, awsFiles, awsNotes) = AWSDeployment.prepare(original)
        var report = try renderTarget(manifest, options: options)
        report.files += awsFiles
        report.notes = awsNotes + report.notes
        return report
    }

    private static func renderTarget(_ manifest: Manifest, options: PublishOptions) throws(PublishError) -> PublishReport {
        switch options.target {
        case .manifest:
            return try AspireManifestWriter(manifest: manifest, options: options).render()
        case .compose:
            let kept = OutputFile.readDotEnv(in: options.outputDirectory, name: ComposeWriter.envFileName)
            return try ComposeWriter(manifest: manifest, options: options, keptValues: kept).render()
        case .kubernetes:
            let kept = OutputFile.readDotEnv(in: options.outputDirectory, name: KubernetesWriter.secretsFileName)
            return try KubernetesWriter(manifest: manifest, options: options, keptValues: kept).render()
        }
    }
}

/// The three things `aspire publish` can write.
package enum PublishTarget: String, Sendable, Hashable, CaseIterable {
    case manifest, compose, kubernetes
}

/// Where and how to publish.
package struct PublishOptions: Sendable {
    package var target: PublishTarget
    /// The folder to write into (absolute); created when missing.
    package var outputDirectory: String
    /// The host environment: `Parameters__NAME` and `ConnectionStrings__NAME` give values, as for `up`.
    package var environment: [String: String]
    /// `--base-image`: the images generated Dockerfiles and well-known services start from.
    package var baseImages: BaseImages
    /// `--compose-compat`: the compose file form (the Compose Spec unless `v1`).
    package var composeFormat: ComposeFormat
    /// `--kube-play`: also write `kube-play.yaml`, the form `podman kube play` runs.
    package var kubePlay: Bool

    package init(
        target: PublishTarget, outputDirectory: String, environment: [String: String] = [:], baseImages: BaseImages = BaseImages(),
        composeFormat: ComposeFormat = .spec, kubePlay: Bool = false
    ) {
        self.target = target
        self.outputDirectory = outputDirectory
        self.environment = environment
        self.baseImages = baseImages
        self.composeFormat = composeFormat
        self.kubePlay = kubePlay
    }
}

/// The form of `docker-compose.yaml`: the Compose Spec (compose v2, podman-compose), or `v1`,
/// what docker-compose 1.29 accepts — no top-level `name` (`COMPOSE_PROJECT_NAME` in `.env`
/// instead) and generated Dockerfiles as files beside the compose file, not `dockerfile_inline`.
package enum ComposeFormat: String, Sendable, Hashable, CaseIterable {
    case spec, v1
}

/// What a publish produced.
package struct PublishReport: Sendable {
    package var files: [OutputFile]
    /// Things the user must know or do (one line each), in resource order.
    package var notes: [PublishNote]
    /// The images the output names that are built from source (compose only), for `--build`.
    package var images: [ImageBuild]

    package init(files: [OutputFile], notes: [PublishNote], images: [ImageBuild] = []) {
        self.files = files
        self.notes = notes
        self.images = images
    }

    /// The file at `path` (relative to the output folder), if written.
    package subscript(path: String) -> OutputFile? { files.first { $0.path == path } }
}

/// One line for the user about one resource (or the whole app when `resource` is nil).
package struct PublishNote: Sendable, Hashable, CustomStringConvertible {
    package var resource: String?
    package var message: String

    package init(_ resource: String?, _ message: String) {
        self.resource = resource
        self.message = message
    }

    package var description: String { resource.map { "\($0): \(message)" } ?? message }
}

/// The output folder cannot be written, or libyaml refused the output (exit code 2).
package struct PublishError: Error, Sendable, CustomStringConvertible {
    package var message: String

    package init(_ message: String) { self.message = message }

    package var description: String { message }
}
