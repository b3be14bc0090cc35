import AppHost
import Foundation
import Publishing
import Supervisor

/// `aspire publish --build`: builds each image the output names, with the engine `up` would use
/// (`ContainerRuntime.detect`: `ASPIRE_CONTAINER_RUNTIME`, else podman, else docker), through the
/// one spawner (`ChildProcess.runBlocking`). A generated Dockerfile is written to a temporary file
/// for the build (`-f`), so the context stays the project's folder, untouched.
enum PublishBuild {
    /// Builds `images` in order; prints `built TAG (ENGINE)` for each.
    /// - Throws: `CommandFailure.io` naming the image and the engine's last lines of output.
    static func run(_ images: [ImageBuild], environment: [String: String]) throws {
        guard !images.isEmpty else { return }
        let engine: ContainerRuntime
        switch ContainerRuntime.detect(environment: environment) {
        case .success(let found): engine = found
        case .failure(let why): throw CommandFailure.io("--build: no container engine can build the images (\(why))")
        }
        for image in images {
            try build(image, engine: engine, environment: environment)
            Console.out("built \(image.tag) (\(engine.flavor.rawValue))\n")
        }
    }

    private static func build(_ image: ImageBuild, engine: ContainerRuntime, environment: [String: String]) throws {
        var arguments = ["build", "-t", image.tag]
        var temporary: String?
        if let text = image.generatedDockerfile {
            let path = NSTemporaryDirectory() + "aspire-publish-\(getpid())-\(image.tag.replacingOccurrences(of: ":", with: "-")).Dockerfile"
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                throw CommandFailure.io("--build: cannot write \(path)")
            }
            temporary = path
            arguments += ["-f", path]
        } else if let dockerfile = image.dockerfilePath {
            arguments += ["-f", (image.context as NSString).appendingPathComponent(dockerfile)]
        }
        defer { if let temporary { unlink(temporary) } }
        arguments.append(image.context)
        let job: JobResult
        do {
            job = try ChildProcess.runBlocking(
                [engine.executable] + arguments, environment: environment, standardOutput: .capture, standardError: .intoStandardOutput,
                timeout: .seconds(1800))
        } catch {
            throw CommandFailure.io("--build: cannot run \(engine.executable): \(error)")
        }
        guard job.status.code == 0, !job.timedOut else {
            let tail = job.outputText.split(whereSeparator: \.isNewline).suffix(8).joined(separator: "\n")
            throw CommandFailure.io("--build: \(engine.flavor.rawValue) build of \(image.tag) from \(image.context) failed:\n\(tail)")
        }
    }
}
