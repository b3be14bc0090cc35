import Foundation
import Testing

@testable import Supervisor

extension ProcessTests {
    @Suite struct Shutdown {
        @Test("requestShutdown stops everything, grandchildren included; no pid is left alive")
        func stopsEverything() async throws {
            let sandbox = try Sandbox()
            let pids = sandbox.path("pids")
            let plan = sandbox.plan([
                shell("db", "echo $$ >> \(pids); exec sleep 30"),
                shell("api", "sleep 30 & echo $! >> \(pids); echo $$ >> \(pids); wait", waitFor: ["db"]),
                shell("web", "echo $$ >> \(pids); while :; do sleep 0.05; done", waitFor: ["api"]),
                shell(
                    "workers", "echo $$ >> \(pids); exec sleep 30",
                    replicas: (0..<3).map { _ in ReplicaSpec(environment: environment()) }),
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { sandbox.lines("pids").count == 7 }, "\(sink.text)")
            let recorded = sandbox.lines("pids").compactMap { Int32($0) }
            #expect(recorded.allSatisfy(isAlive))
            await supervisor.requestShutdown()
            let result = try await outcome
            #expect(result.isSuccess, "\(result.failures)")
            #expect(result.shutdownRequested)
            #expect(recorded.allSatisfy { !isAlive($0) })
            #expect(await supervisor.statuses().allSatisfy { $0.state == .stopped })
            #expect(sink.lines.contains("aspire    | shutting down"))
        }

        @Test("services stop in reverse dependency order")
        func reverseOrder() async throws {
            let sandbox = try Sandbox()
            let file = sandbox.path("stops")
            func service(_ name: String, after: [String]) -> ServiceSpec {
                shell(
                    name, "trap 'echo \(name) >> \(file); exit 0' TERM; while :; do sleep 0.02; done",
                    waitFor: after)
            }
            let plan = sandbox.plan([
                service("db", after: []), service("api", after: ["db"]), service("web", after: ["api"]),
                service("cache", after: []),
            ])
            let (supervisor, _) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(
                await eventually {
                    let states = await supervisor.statuses().map(\.state)
                    return states.count == 4 && states.allSatisfy { $0 == .running }
                })
            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
            let stops = sandbox.lines("stops")
            #expect(Set(stops) == ["db", "api", "web", "cache"])
            let position = { (name: String) in stops.firstIndex(of: name) ?? -1 }
            #expect(position("web") < position("api"))
            #expect(position("api") < position("db"))
        }

        @Test("stopSignal: a child that exits only on SIGINT stops cleanly, without the SIGKILL grace")
        func stopSignal() async throws {
            let sandbox = try Sandbox()
            let pidFile = sandbox.path("pid")
            let marker = sandbox.path("got")
            var spec = shell(
                "flask",
                "trap '' TERM; trap 'echo INT > \(marker); exit 0' INT; echo $$ > \(pidFile); "
                    + "while :; do sleep 0.05; done")
            spec.stopSignal = SIGINT
            // A grace period longer than the suite's time limit: reaching SIGKILL would fail the test.
            let plan = sandbox.plan([spec], gracePeriod: .seconds(600))
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { !sandbox.read("pid").isEmpty })
            let pid = try #require(Int32(sandbox.lines("pid").first ?? ""))
            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
            #expect(!isAlive(pid))
            #expect(sandbox.read("got") == "INT\n")
            #expect(!sink.text.contains("SIGKILL"), "\(sink.text)")
            #expect(await supervisor.state(of: "flask") == .stopped)
        }

        @Test("a child that ignores SIGTERM is SIGKILLed after the grace period")
        func ignoresSIGTERM() async throws {
            let sandbox = try Sandbox()
            let pidFile = sandbox.path("pid")
            let plan = sandbox.plan(
                [shell("stubborn", "trap '' TERM; echo $$ > \(pidFile); while :; do sleep 0.05; done")],
                gracePeriod: .milliseconds(300))
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { !sandbox.read("pid").isEmpty })
            let pid = try #require(Int32(sandbox.lines("pid").first ?? ""))
            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
            #expect(!isAlive(pid))
            #expect(sink.lines.contains("aspire   | stubborn: still running 300ms after SIGTERM; sending SIGKILL"))
            #expect(await supervisor.state(of: "stubborn") == .stopped)
        }

        @Test("a second requestShutdown kills at once instead of waiting out the grace period")
        func escalation() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan(
                [shell("stubborn", "trap '' TERM; touch \(sandbox.path("up")); while :; do sleep 0.05; done")],
                gracePeriod: .seconds(60))
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { FileManager.default.fileExists(atPath: sandbox.path("up")) })
            await supervisor.requestShutdown()
            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
            #expect(sink.lines.contains("aspire   | stopping now (SIGKILL)"))
        }

        @Test("a shutdown before a dependency is ready leaves the waiters unstarted (stopped)")
        func shutdownWhileWaiting() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([
                shell(
                    "slow", "exec sleep 30",
                    healthCheck: HealthCheckSpec(probe: .exec(["false"]), interval: .milliseconds(50), retries: 1000)),
                shell("api", "touch \(sandbox.path("api"))", waitFor: ["slow"]),
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "slow") == .running })
            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
            #expect(await supervisor.state(of: "api") == .stopped)
            #expect(!FileManager.default.fileExists(atPath: sandbox.path("api")))
            #expect(sink.lines.contains("aspire | api: stopped"))
        }

        @Test("cancelling run() kills every child")
        func cancellation() async throws {
            let sandbox = try Sandbox()
            let pidFile = sandbox.path("pid")
            let plan = sandbox.plan(
                [shell("victim", "trap '' TERM; echo $$ > \(pidFile); exec sleep 30")], gracePeriod: .seconds(60))
            let (supervisor, _) = makeSupervisor(plan)
            let task = Task { try await supervisor.run() }
            #expect(await eventually { !sandbox.read("pid").isEmpty })
            let pid = try #require(Int32(sandbox.lines("pid").first ?? ""))
            task.cancel()
            _ = try await task.value
            #expect(!isAlive(pid))
        }
    }
}
