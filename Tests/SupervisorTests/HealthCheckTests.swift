import Foundation
import Testing

@testable import Supervisor

extension ProcessTests {
    @Suite struct HealthChecks {
        private func fast(_ probe: HealthCheckSpec.Probe, retries: Int = 3) -> HealthCheckSpec {
            HealthCheckSpec(probe: probe, interval: .milliseconds(100), timeout: .seconds(10), retries: retries)
        }

        @Test("http: a python http.server turns healthy, and its dependent starts after it")
        func http() async throws {
            let sandbox = try Sandbox()
            let port = try freePort()
            let plan = sandbox.plan([
                shell(
                    "api", "exec python3 -m http.server \(port) --bind 127.0.0.1", directory: sandbox.directory,
                    healthCheck: fast(.http(endpoint: "http", path: "/")), endpointPorts: ["http": port]),
                shell("web", "echo api says $(python3 -c 'print(1)'); exec sleep 30", waitFor: ["api"]),
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "web") == .running }, "\(sink.text)")
            #expect(await supervisor.state(of: "api") == .healthy)
            let lines = sink.lines
            let healthy = try #require(lines.firstIndex(of: "aspire | api: healthy"))
            let webStarts = try #require(lines.firstIndex(of: "aspire | web: starting"))
            #expect(healthy < webStarts)
            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
        }

        @Test("http: a non-2xx/3xx status is unhealthy")
        func httpNotFound() async throws {
            let sandbox = try Sandbox()
            let port = try freePort()
            // The probed service starts only once the server accepts connections, so its probe
            // failures are the 404s, not "connection refused".
            let plan = sandbox.plan([
                shell(
                    "server", "exec python3 -m http.server \(port) --bind 127.0.0.1", directory: sandbox.directory,
                    healthCheck: fast(.tcp(endpoint: "http"), retries: 1000), endpointPorts: ["http": port]),
                shell(
                    "api", "exec sleep 30", waitFor: ["server"],
                    healthCheck: fast(.http(endpoint: "http", path: "/missing"), retries: 2),
                    endpointPorts: ["http": port]),
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "api") == .unhealthy }, "\(sink.text)")
            // The state changes before the console line is written: wait for the line too.
            #expect(await eventually { sink.text.contains("api: unhealthy (GET http://127.0.0.1:\(port)/missing returned 404)") }, "\(sink.text)")
            await supervisor.requestShutdown()
            _ = try await outcome
        }

        @Test("tcp: healthy once the port accepts connections")
        func tcp() async throws {
            let sandbox = try Sandbox()
            let port = try freePort()
            let plan = sandbox.plan([
                shell(
                    "cache", "sleep 0.3; exec python3 -m http.server \(port) --bind 127.0.0.1",
                    directory: sandbox.directory, healthCheck: fast(.tcp(endpoint: "tcp"), retries: 1000),
                    endpointPorts: ["tcp": port])
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "cache") == .healthy }, "\(sink.text)")
            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
        }

        @Test("exec: runs with the replica's environment; flips to unhealthy after `retries` failures and back")
        func exec() async throws {
            let sandbox = try Sandbox()
            let flag = sandbox.path("ok")
            let plan = sandbox.plan([
                shell(
                    "worker", "touch \(flag); exec sleep 30", env: ["FLAG": flag],
                    healthCheck: fast(.exec(["/bin/sh", "-c", "test -f \"$FLAG\""]), retries: 2))
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "worker") == .healthy }, "\(sink.text)")
            try FileManager.default.removeItem(atPath: flag)
            #expect(await eventually { await supervisor.state(of: "worker") == .unhealthy }, "\(sink.text)")
            // The state changes before the console line is written: wait for the line too.
            #expect(await eventually { sink.text.contains("worker: unhealthy (health check command exited with code 1)") }, "\(sink.text)")
            _ = FileManager.default.createFile(atPath: flag, contents: nil)
            #expect(await eventually { await supervisor.state(of: "worker") == .healthy })
            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
        }

        @Test("failures during startPeriod do not count")
        func startPeriod() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([
                shell(
                    "slow", "exec sleep 30",
                    healthCheck: HealthCheckSpec(
                        probe: .exec(["false"]), interval: .milliseconds(50), retries: 1, startPeriod: .seconds(60)))
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "slow") == .running })
            // Many probes fail within the start period; the state stays "running".
            try await Task.sleep(for: .milliseconds(400))
            #expect(await supervisor.state(of: "slow") == .running, "\(sink.text)")
            await supervisor.requestShutdown()
            _ = try await outcome
        }

        @Test("a health check that times out is a failure")
        func timeout() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([
                shell(
                    "stuck", "exec sleep 30",
                    healthCheck: HealthCheckSpec(
                        probe: .exec(["sleep", "10"]), interval: .milliseconds(50), timeout: .milliseconds(100),
                        retries: 1))
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "stuck") == .unhealthy })
            #expect(await eventually { sink.text.contains("stuck: unhealthy (health check timed out after 100ms)") }, "\(sink.text)")
            await supervisor.requestShutdown()
            _ = try await outcome
        }
    }
}
