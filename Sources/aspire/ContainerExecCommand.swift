import AppHost
import Foundation

/// `aspire container-exec …` (internal, not a listed verb): what the supervisor runs for a
/// container. AppHost's `ContainerLaunch` builds or pulls the image with output in the
/// resource's log, then becomes `podman run`; this only hands it the arguments.
enum ContainerExecCommand {
    /// When invoked as `aspire container-exec ARGS…`, runs the helper and never returns.
    static func runIfRequested() {
        let arguments = CommandLine.arguments
        if arguments.count > 1, arguments[1] == "persistent-exec" {
            // `aspire persistent-exec …`: the keeper of a native `lifetime: persistent` server.
            guard let keeper = PersistentKeeper.parse(Array(arguments.dropFirst(2))) else {
                Console.error("error: persistent-exec: expected --name N --state DIR --hash H -- COMMAND…")
                exit(2)
            }
            exit(keeper.run())
        }
        guard arguments.count > 1, arguments[1] == "container-exec" else { return }
        let failure = ContainerLaunch.execute(Array(arguments.dropFirst(2)))
        Console.error("error: \(failure.description)")
        exit(failure.exitCode)
    }
}
