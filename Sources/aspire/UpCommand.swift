import AppHost
import AppModel
import AppState
import ArgumentParser
import Foundation
import Logging
import Supervisor

/// `aspire up`: run the app — resources in dependency order, injected environment, probes,
/// restarts, prefixed logs — until Ctrl-C/SIGTERM, or until every resource has finished.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "up", abstract: "Run the app; Ctrl-C stops it cleanly.")

    @OptionGroup var manifest: ManifestOptions
    @Argument(help: "Start only these resources and what they wait for.") var resources: [String] = []
    @Option(help: "Seconds a child gets between SIGTERM and SIGKILL.") var gracePeriod: Double = 5

    func run() async throws {
        UnixSignal.ignoreBrokenPipe()
        let (app, _) = try manifest.loadValidManifest()
        for name in resources where app[name] == nil {
            let hint = DidYouMean.suggestion(for: name, in: app.resourceNames).map { "; did you mean '\($0)'?" } ?? ""
            Console.error("error: no resource named '\(name)' in \(manifest.file)\(hint)")
            throw ExitCode(1)
        }
        let folder = StateFolder(manifestDirectory: app.directory)
        let lock: RunLock
        do {
            lock = try RunLock(folder: folder)
        } catch {
            Console.error("error: \(error.description)")
            throw ExitCode(1)
        }
        ContainerCleanup.removeLeftovers(of: app)  // containers a killed `up` of this app left behind
        defer { ContainerCleanup.removeLeftovers(of: app, announce: false) }  // and any that outlive this run's stop
        let (bindings, problems, _) = try manifest.bindings(for: app, mode: .run)
        let hostEnvironment = ProcessInfo.processInfo.environment
        let planner = LaunchPlanner(manifest: app, bindings: bindings, folder: folder, hostEnvironment: hostEnvironment)
        var (plan, planProblems) = planner.plan()
        plan.gracePeriod = .milliseconds(Int64(max(0, gracePeriod) * 1000))
        let selected = resources.isEmpty ? nil : Set(resources.compactMap { app.runnableOwner(of: $0) })
        let needed = selected.map { plan.closure(of: $0) }
        let blocking = (problems.map { LaunchPlanner.Problem(resource: $0.resource, message: $0.message) } + planProblems)
            .filter { needed?.contains($0.resource) ?? true }
        if !blocking.isEmpty {
            for problem in blocking { Console.error("error: \(problem.description)") }
            throw ExitCode(1)
        }

        // What each child gets is also written to .aspire/env/<name>.env (0600).
        let resolver = EnvironmentResolver(manifest: app, bindings: bindings)
        var environments: [String: [ResolvedEnvironment]] = [:]
        for resource in app.resources where resource.isRunnable {
            environments[resource.name] = try? planner.injectedEnvironments(of: resource, resolver: resolver)
        }
        do {
            try EnvFileWriter.write(environments, folder: folder)
        } catch {
            Console.error("error: \(error.description)")
            throw ExitCode(2)
        }

        Console.out(EndpointSummary.text(app, resolver: resolver, only: needed))
        var urls: [String: [String]] = [:]
        for resource in app.resources where resource.isRunnable {
            urls[resource.name] = resource.run.endpoints.compactMap {
                try? resolver.endpointValue(EndpointID(resource.name, $0.name), field: .url).value
            }
        }
        let recorder = StatusRecorder(manifest: app, folder: folder, urls: urls)
        let color = Console.useColor(fileDescriptor: 1)
        let logger = Logger(label: "aspire")
        let supervisor = Supervisor(plan: plan, options: SupervisorOptions(only: selected, color: color), logger: logger)
        let outcome = try await withThrowingTaskGroup(of: SupervisorOutcome?.self) { group in
            group.addTask { try await supervisor.run() }
            group.addTask {
                await recorder.run(supervisor)
                return nil
            }
            group.addTask {
                for await _ in UnixSignals(.interrupt, .terminate, .hangup) {
                    await supervisor.requestShutdown()
                }
                return nil
            }
            var result: SupervisorOutcome?
            for try await value in group {
                if let value {
                    result = value
                    group.cancelAll()
                    break
                }
            }
            return result
        }
        withExtendedLifetime(lock) {}
        guard let outcome, outcome.isSuccess else {
            for failure in outcome?.failures ?? [] { Console.error("error: \(failure.description)") }
            throw ExitCode(1)
        }
    }
}

extension LaunchPlan {
    /// `names` plus every service they wait for, transitively.
    func closure(of names: Set<String>) -> Set<String> {
        var result = Set<String>()
        var pending = Array(names)
        while let name = pending.popLast() {
            guard result.insert(name).inserted, let service = services.first(where: { $0.name == name }) else { continue }
            pending += service.waitFor + service.waitForCompletion
        }
        return result
    }
}
