import AppHost
import AppModel
import AppState
import ArgumentParser
import Foundation
import Quoting

/// `aspire env NAME`: exactly what `aspire up` would inject into NAME, without starting anything.
struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env", abstract: "Print the environment `up` would inject into a resource (secrets masked).")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case dotenv, json, shell
    }

    @OptionGroup var manifest: ManifestOptions
    @Argument(help: "The resource's name.") var name: String
    @Option(help: "Output format: dotenv, json or shell.") var format: Format = .dotenv
    @Flag(help: "Print secret values instead of ***.") var showSecrets = false
    @Option(help: "Which replica (0-based), for resources with replicas.") var replica: Int = 0

    func run() throws {
        let (app, _) = try manifest.loadValidManifest(printWarnings: false)
        guard let resource = app[name] else {
            let hint = DidYouMean.suggestion(for: name, in: app.resourceNames).map { "; did you mean '\($0)'?" } ?? ""
            throw CommandFailure.invalid("no resource named '\(name)' in \(manifest.file)\(hint)")
        }
        guard resource.isRunnable else {
            let type = app.typeName(of: resource)
            let article = "aeiou".contains(type.first ?? "x") ? "an" : "a"
            throw CommandFailure.invalid("'\(name)' is \(article) \(type); it does not run, so it gets no environment")
        }
        let (bindings, problems, folder) = try manifest.bindings(for: app, mode: .inspect)
        if let problem = problems.first(where: { $0.resource == name }) { throw CommandFailure.invalid("\(problem)") }
        let environment: ResolvedEnvironment
        var resolver = EnvironmentResolver(manifest: app, bindings: bindings)
        // Containers see the host by its alias. Only a resource that may itself run in a container
        // needs the engine's answer (probing podman takes ~200 ms; a process's environment does not
        // depend on it), and that answer is cached in .aspire/engine.json until the engine changes.
        if ContainerChoice.mayRunInContainer(resource) {
            ContainerChoice(
                manifest: app, environment: ProcessInfo.processInfo.environment, pull: false, cache: .trust(path: folder.engineCacheFile)
            ).configure(&resolver)
        }
        do {
            environment = try resolver.environment(of: name, replica: replica)
        } catch {
            throw CommandFailure.invalid("\(name): \(error.message)")
        }
        Console.out(EnvironmentFormatter.format(environment, as: format, showSecrets: showSecrets))
        let skipped = format == .shell ? EnvironmentFormatter.notShellNames(environment) : []
        if !skipped.isEmpty {
            Console.error(
                "note: a shell cannot export \(skipped.joined(separator: ", ")) (not a shell variable name); left out here, "
                    + "the child still gets it (--format dotenv or json print it)")
        }
        if !showSecrets, environment.contains(where: { $0.value.isSecret }) {
            Console.error("note: secrets are shown as \(ResolvedValue.mask); pass --show-secrets to print them")
        }
    }
}

/// Renders an environment as dotenv, JSON or shell `export` lines.
enum EnvironmentFormatter {
    static func format(_ environment: ResolvedEnvironment, as format: EnvCommand.Format, showSecrets: Bool) -> String {
        switch format {
        case .dotenv:
            return DotEnv.render(environment, showSecrets: showSecrets)
        case .shell:
            // `export my-cache=…` is a shell error; those names are left out (see `notShellNames`).
            return environment.filter { VariableName.isShellName($0.name) }
                .map { "export \($0.name)=\(Shell.quote($0.value.rendered(showSecrets: showSecrets), always: true))\n" }.joined()
        case .json:
            let body = environment.map { "  \(JSON.string($0.name)): \(JSON.string($0.value.rendered(showSecrets: showSecrets)))" }
            return "{\n" + body.joined(separator: ",\n") + "\n}\n"
        }
    }

    /// The names `--format shell` leaves out: valid in an environment, but no shell variable.
    static func notShellNames(_ environment: ResolvedEnvironment) -> [String] {
        environment.map(\.name).filter { !VariableName.isShellName($0) }
    }
}
