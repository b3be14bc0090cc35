import Foundation
import Testing

@testable import Supervisor

extension ProcessTests {
    @Suite struct StartOrder {
        @Test("waitFor chain starts each service after the previous one is healthy")
        func chain() async throws {
            let sandbox = try Sandbox()
            let file = sandbox.path("order")
            func link(_ name: String, after: [String]) -> ServiceSpec {
                shell(
                    name, "echo \(name) >> \(file); exec sleep 30", waitFor: after,
                    healthCheck: HealthCheckSpec(
                        probe: .exec(["grep", "-qx", name, file]), interval: .milliseconds(50), retries: 100))
            }
            // Declared out of order on purpose: the order must come from waitFor alone.
            let plan = sandbox.plan([link("c", after: ["b"]), link("a", after: []), link("b", after: ["a"])])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "c") == .healthy }, "\(sink.text)")
            #expect(sandbox.lines("order") == ["a", "b", "c"])
            await supervisor.requestShutdown()
            let result = try await outcome
            #expect(result.isSuccess)
            #expect(result.shutdownRequested)
        }

        @Test("waitForCompletion diamond: root, then both branches, then the join; the run ends by itself")
        func diamond() async throws {
            let sandbox = try Sandbox()
            let file = sandbox.path("order")
            func step(_ name: String, after: [String]) -> ServiceSpec {
                shell(name, "sleep 0.05; echo \(name) >> \(file)", waitForCompletion: after)
            }
            let plan = sandbox.plan([
                step("join", after: ["left", "right"]), step("left", after: ["root"]),
                step("right", after: ["root"]), step("root", after: []),
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            let result = try await supervisor.run()
            #expect(result.isSuccess, "\(result.failures)")
            let order = sandbox.lines("order")
            #expect(order.count == 4)
            #expect(order.first == "root")
            #expect(order.last == "join")
            #expect(Set(order.dropFirst().dropLast()) == ["left", "right"])
            #expect(sink.lines.contains { $0.hasSuffix("join: waiting for left, right") })
            #expect(await supervisor.statuses().allSatisfy { $0.state == .exited(.exited(0)) })
        }

        @Test("services without waits start concurrently")
        func concurrentStart() async throws {
            let sandbox = try Sandbox()
            // Each one waits until the other has started: only works if both run at once.
            let plan = sandbox.plan([
                shell(
                    "ping", "touch \(sandbox.path("ping")); until [ -f \(sandbox.path("pong")) ]; do sleep 0.02; done"),
                shell(
                    "pong", "touch \(sandbox.path("pong")); until [ -f \(sandbox.path("ping")) ]; do sleep 0.02; done"),
            ])
            let (supervisor, _) = makeSupervisor(plan)
            let result = try await supervisor.run()
            #expect(result.isSuccess)
        }

        @Test("a dependent of a failing service is not started and says why")
        func failurePropagation() async throws {
            let sandbox = try Sandbox()
            let marker = sandbox.path("started")
            let plan = sandbox.plan([
                shell("migrate", "exit 3"),
                shell("api", "touch \(marker)", waitForCompletion: ["migrate"]),
                shell("web", "touch \(marker)", waitFor: ["api"]),
                ServiceSpec(
                    name: "ghost", replicas: [ReplicaSpec(environment: environment())],
                    executable: "no-such-command-aspire", workingDirectory: "/tmp"),
                shell("viewer", "touch \(marker)", waitFor: ["ghost"]),
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            let result = try await supervisor.run()
            #expect(!FileManager.default.fileExists(atPath: marker))
            #expect(await supervisor.state(of: "migrate") == .exited(.exited(3)))
            #expect(
                await supervisor.state(of: "api") == .failed("not started: dependency 'migrate' exited with code 3"))
            #expect(await supervisor.state(of: "web") == .failed("not started: dependency 'api' failed"))
            #expect(await supervisor.state(of: "viewer") == .failed("not started: dependency 'ghost' failed"))
            #expect(
                result.failures.map(\.description) == [
                    "migrate: exited with code 3",
                    "api: not started: dependency 'migrate' exited with code 3",
                    "web: not started: dependency 'api' failed",
                    "ghost: command 'no-such-command-aspire' not found",
                    "viewer: not started: dependency 'ghost' failed",
                ])
            #expect(sink.lines.contains("aspire  | api: not started: dependency 'migrate' exited with code 3"))
        }

        @Test("a service that stops later does not stop its dependents")
        func laterStopKeepsDependents() async throws {
            let sandbox = try Sandbox()
            let gate = sandbox.path("gate")
            // `first` exits once `second` runs (a gate, not a sleep: on a slow machine `second`
            // could still be starting when a fixed delay ran out).
            let plan = sandbox.plan([
                shell("first", "until [ -e \(gate) ]; do sleep 0.02; done; exit 1"),
                shell("second", "exec sleep 30", waitFor: ["first"]),
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "second") == .running }, "\(sink.text)")
            _ = FileManager.default.createFile(atPath: gate, contents: nil)
            #expect(await eventually { await supervisor.state(of: "first") == .exited(.exited(1)) })
            #expect(await supervisor.state(of: "second") == .running)
            await supervisor.requestShutdown()
            let result = try await outcome
            #expect(result.failures.map(\.service) == ["first"])
            #expect(await supervisor.state(of: "second") == .stopped)
        }

        @Test("only starts the named services and what they wait for")
        func onlySelection() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([
                shell("db", "true"),
                shell("api", "true", waitForCompletion: ["db"]),
                shell("web", "true", waitForCompletion: ["api"]),
                shell("other", "true"),
            ])
            let (supervisor, _) = makeSupervisor(plan, only: ["api"])
            let result = try await supervisor.run()
            #expect(result.isSuccess)
            #expect(await supervisor.statuses().map(\.name) == ["db", "api"])

            let (unknown, _) = makeSupervisor(plan, only: ["nope"])
            await #expect(throws: SupervisorError.unknownService("nope")) { try await unknown.run() }
        }

        @Test("a dependency cycle is refused before anything starts")
        func cycle() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([
                shell("a", "true", waitFor: ["b"]), shell("b", "true", waitForCompletion: ["a"]),
            ])
            let (supervisor, _) = makeSupervisor(plan)
            await #expect(throws: SupervisorError.dependencyCycle(["a", "b", "a"])) { try await supervisor.run() }
        }
    }
}
