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

        @Test("as a subreaper, the supervisor reaps double-forked setsid grandchildren and stops them at shutdown")
        func doubleFork() async throws {
            let sandbox = try Sandbox()
            // In an exit test (a process of its own): the subreaper setting is process-wide.
            await #expect(processExitsWith: .success) { [directory = sandbox.directory as String] in
                let quick = directory + "/quick.pid"
                let daemon = directory + "/daemon.pid"
                // Each `( … & )` forks a subshell that starts the job and exits at once: the job,
                // after setsid, has left our process group and lost its parent.
                let script =
                    "(setsid sh -c 'echo $$ > \(quick); sleep 0.2' &); "
                    + "(setsid sh -c 'echo $$ > \(daemon); exec sleep 1000' &); exec sleep 1000"
                let plan = LaunchPlan(
                    appName: "orphans", stateDirectory: directory + "/state",
                    services: [
                        ServiceSpec(
                            name: "parent", replicas: [ReplicaSpec(environment: ["PATH": "/usr/bin:/bin"])],
                            executable: "/bin/sh", arguments: ["-c", script], workingDirectory: "/tmp")
                    ], gracePeriod: .seconds(5))
                let supervisor = Supervisor(
                    plan: plan, options: SupervisorOptions(console: InMemoryConsoleSink(), adoptOrphans: true),
                    logger: Logger(label: "orphans") { _ in SwiftLogNoOpLogHandler() })
                async let outcome = supervisor.run()
                @Sendable func pid(_ path: String) -> Int32? {
                    (try? String(contentsOfFile: path, encoding: .utf8)).flatMap {
                        Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
                    }
                }
                @Sendable func exists(_ pid: Int32) -> Bool { FileManager.default.fileExists(atPath: "/proc/\(pid)") }
                guard await eventually(timeout: .seconds(10), { pid(quick) != nil && pid(daemon) != nil }),
                    let quickPID = pid(quick), let daemonPID = pid(daemon)
                else { exit(10) }
                // The quick one exits as our adopted child: reaped at its SIGCHLD, not a zombie.
                guard await eventually(timeout: .seconds(10), { !exists(quickPID) }) else { exit(11) }
                guard isAlive(daemonPID), parentPID(of: daemonPID) == getpid() else { exit(12) }
                await supervisor.requestShutdown()
                guard (try? await outcome)?.isSuccess == true else { exit(13) }
                // Stopped (SIGTERM: `sleep` obeys) and reaped: no process, no zombie.
                guard !exists(daemonPID) else { exit(14) }
                guard zombieChildren().isEmpty else { exit(15) }
                exit(0)
            }
        }
    }
}

/// The parent pid of `pid`, from /proc.
func parentPID(of pid: Int32) -> Int32? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    return fields.count > 1 ? Int32(fields[1]) : nil
}

/// Zombie processes whose parent is this process.
func zombieChildren() -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        guard parentPID(of: pid) == getpid(),
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
    }
}
