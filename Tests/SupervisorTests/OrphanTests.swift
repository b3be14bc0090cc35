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
            #expect(await eventually(timeout: .seconds(60)) { pids.allSatisfy { !isAlive($0) } }, "\(pids)")
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
                guard await eventually(timeout: .seconds(60), { pid(quick) != nil && pid(daemon) != nil }),
                    let quickPID = pid(quick), let daemonPID = pid(daemon)
                else { exit(10) }
                // The quick one exits as our adopted child: reaped at its SIGCHLD, not a zombie.
                guard await eventually(timeout: .seconds(60), { !exists(quickPID) }) else { exit(11) }
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

/// Every way a run of `up` can end, against a child that leaves two grandchildren behind: a
/// daemon (double fork + `setsid`, ignoring SIGTERM) and a plain background job. Each test runs
/// the supervisor in an exit test (a process of its own: the subreaper setting is process-wide,
/// and `kill -9` must hit the supervisor's process, not the test runner).
extension ProcessTests.Orphans {
    @Test("kill -9 of up leaves neither a setsid'd daemon nor a plain grandchild behind")
    func killNineSweepsGrandchildren() async throws {
        let sandbox = try Sandbox()
        await #expect(processExitsWith: .signal(SIGKILL)) { [directory = sandbox.directory as String] in
            let supervisor = grandchildSupervisor(directory)
            async let outcome = supervisor.run()
            _ = await eventually(timeout: .seconds(60)) { grandchildPIDs(directory).count == 2 }
            kill(getpid(), SIGKILL)
            _ = try? await outcome
        }
        let pids = grandchildPIDs(sandbox.directory)
        #expect(pids.count == 2)
        #expect(await eventually(timeout: .seconds(60)) { pids.allSatisfy { !isAlive($0) } }, "\(pids)")
    }

    @Test("SIGTERM or Ctrl-C to up leaves neither a setsid'd daemon nor a plain grandchild behind",
        arguments: [SIGTERM, SIGINT])
    func signalSweepsGrandchildren(signal: Int32) async throws {
        let sandbox = try Sandbox()
        await #expect(processExitsWith: .success) { [directory = sandbox.directory as String, number = signal as Int32] in
            let supervisor = grandchildSupervisor(directory)
            // Wired as the CLI does: every SIGINT/SIGTERM asks for a graceful shutdown.
            let ended = await withThrowingTaskGroup(of: SupervisorOutcome?.self) { group -> Bool in
                group.addTask { try await supervisor.run() }
                group.addTask {
                    for await _ in UnixSignals(.interrupt, .terminate) { await supervisor.requestShutdown() }
                    return nil
                }
                guard await eventually(timeout: .seconds(60), { grandchildPIDs(directory).count == 2 }) else {
                    exit(10)
                }
                // The first signal could come before the listener is installed: send it again
                // only when no shutdown started (a second one would skip the grace period).
                while !(await supervisor.shutdown.isFulfilled) {
                    kill(getpid(), number)
                    _ = await eventually(timeout: .seconds(2)) { await supervisor.shutdown.isFulfilled }
                }
                defer { group.cancelAll() }
                while let value = try? await group.next() {
                    if value != nil { return true }
                }
                return false
            }
            guard ended else { exit(11) }
            guard grandchildPIDs(directory).allSatisfy({ !isAlive($0) }) else { exit(12) }
            exit(0)
        }
        let pids = grandchildPIDs(sandbox.directory)
        #expect(pids.count == 2)
        #expect(pids.allSatisfy { !isAlive($0) }, "\(pids)")
    }
}

/// A supervisor (subreaper and sentinel on, as in `up`) whose one child starts a daemon
/// (`daemon.pid`: double fork, `setsid`, SIGTERM ignored) and a plain background job
/// (`plain.pid`), then sleeps.
func grandchildSupervisor(_ directory: String) -> Supervisor {
    let script =
        "(setsid sh -c 'trap \"\" TERM; echo $$ > \(directory)/daemon.pid; exec sleep 1000' &); "
        + "sleep 1000 & echo $! > \(directory)/plain.pid; exec sleep 1000"
    let plan = LaunchPlan(
        appName: "orphans", stateDirectory: directory + "/state",
        services: [
            ServiceSpec(
                name: "parent", replicas: [ReplicaSpec(environment: ["PATH": "/usr/bin:/bin"])],
                executable: "/bin/sh", arguments: ["-c", script], workingDirectory: "/tmp")
        ], gracePeriod: .milliseconds(300))
    return Supervisor(
        plan: plan, options: SupervisorOptions(console: InMemoryConsoleSink(), adoptOrphans: true),
        logger: Logger(label: "orphans") { _ in SwiftLogNoOpLogHandler() })
}

/// The pids `grandchildSupervisor`'s child recorded so far.
func grandchildPIDs(_ directory: String) -> [Int32] {
    ["daemon.pid", "plain.pid"].compactMap { name in
        (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)).flatMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
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
