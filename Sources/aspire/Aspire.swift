import AppModel
import AppState
import ArgumentParser
import CMallocPolicy
import Foundation

/// `aspire`: run any app the way .NET Aspire's AppHost does, from one `apphost.yaml`.
@main
struct Aspire: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aspire",
        abstract: "Run a multi-service app from one apphost.yaml, the way .NET Aspire's AppHost does.",
        version: "aspire \(AspireVersion.current)",
        subcommands: [
            ValidateCommand.self, EnvCommand.self, GraphCommand.self, UpCommand.self, PsCommand.self, LogsCommand.self,
            RestartCommand.self, StopCommand.self, StartCommand.self, DownCommand.self, DashboardCommand.self,
            PublishCommand.self, InitCommand.self, AddCommand.self, OtelCommand.self,
        ]
    )

    /// Parses and runs, mapping outcomes to DESIGN §5's exit codes: 0 ok, 1 invalid manifest or a
    /// failed resource, 2 usage or I/O error (ArgumentParser's own usage code, 64, becomes 2).
    static func main() async {
        ContainerExecCommand.runIfRequested()  // `aspire container-exec …`: the supervisor's container helper
        aspire_malloc_keep_freed()  // a large manifest loads with half the page faults (aspire_malloc.h)
        do {
            // `aspire -f app.yaml logs -f`: a file named before the verb is read as the verb's `--file`.
            var command = try parseAsRoot(ManifestLocator.hoistingLeadingFile(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            if !failure.message.isEmpty { Console.error(failure.message) }
            Foundation.exit(failure.exitCode)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { Console.error(message) }
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
