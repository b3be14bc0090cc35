import Foundation
import Logging
import Testing

@testable import Supervisor

extension ProcessTests {
    @Suite struct Orphans {
        @Test("kill -9 of the supervisor's process leaves no child behind")
        func killNine() async throws {
            let sandbox = try Sandbox()
            let pidFile = sandbox.path("pids")
            let directory = sandbox.directory
            // The exit test runs in a child process of the test runner: it supervises children,
            // then SIGKILLs itself. PR_SET_PDEATHSIG must take the children down with it.
            await #expect(processExitsWith: .signal(SIGKILL)) {
                [pidFile = pidFile as String, directory = directory as String] in
                let plan = LaunchPlan(
                    appName: "orphans", stateDirectory: directory + "/state",
                    services: (0..<3).map { index in
                        ServiceSpec(
                            name: "child\(index)",
                            replicas: [ReplicaSpec(environment: ["PATH": "/usr/bin:/bin"])],
                            executable: "/bin/sh",
                            arguments: ["-c", "trap '' TERM; echo $$ >> \(pidFile); exec sleep 60"],
                            workingDirectory: "/tmp")
                    })
                let supervisor = Supervisor(
                    plan: plan, options: SupervisorOptions(console: InMemoryConsoleSink()),
                    logger: Logger(label: "orphans") { _ in SwiftLogNoOpLogHandler() })
                async let outcome = supervisor.run()
                while ((try? String(contentsOfFile: pidFile, encoding: .utf8)) ?? "").split(separator: "\n").count < 3 {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                kill(getpid(), SIGKILL)
                _ = try? await outcome
            }
            let pids = sandbox.lines("pids").compactMap { Int32($0) }
            #expect(pids.count == 3)
            #expect(await eventually(timeout: .seconds(5)) { pids.allSatisfy { !isAlive($0) } }, "\(pids)")
        }
    }
}
