import AppStatus
import Foundation
import Testing

@testable import Supervisor

extension ProcessTests {
    /// Fast probing while a resource starts (`startInterval`) and the default port readiness.
    @Suite struct Readiness {
        /// A python3 child that sleeps, then binds and listens on `port` (accepting forever).
        private static func delayedListener(port: Int, delay: String) -> String {
            let program = """
                import socket, time
                time.sleep(\(delay))
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", \(port)))
                s.listen(16)
                while True:
                    c, _ = s.accept()
                    c.close()
                """
            return "exec python3 -c '\(program)'"
        }

        @Test("port readiness: a dependent starts only once the port accepts, and can connect at once")
        func portReadiness() async throws {
            let sandbox = try Sandbox()
            let port = try freePort()
            let result = sandbox.path("connected")
            let connect = """
                import socket
                socket.create_connection(("127.0.0.1", \(port)), 2).close()
                open("\(result)", "w").write("yes")
                """
            let plan = sandbox.plan([
                shell(
                    "api", Self.delayedListener(port: port, delay: "0.5"), directory: sandbox.directory,
                    healthCheck: HealthCheckSpec(probe: .tcp(endpoint: "http"), kind: .port),
                    endpointPorts: ["http": port]),
                shell("web", "python3 -c '\(connect)'; exec sleep 30", waitFor: ["api"]),
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { sandbox.read("connected") == "yes" }, "\(sink.text)")
            #expect(await supervisor.state(of: "api") == .healthy)
            #expect(sink.lines.contains("aspire | api: healthy (port \(port) accepts connections)"), "\(sink.text)")
            let api = try #require(await supervisor.snapshot().first { $0.name == "api" })
            #expect(api.healthProbe == .port)
            #expect(api.health == .port)
            #expect(api.ready)
            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
        }

        @Test("port readiness never makes a resource unhealthy; it stays running until the port opens")
        func portNeverUnhealthy() async throws {
            let sandbox = try Sandbox()
            let port = try freePort()
            let plan = sandbox.plan([
                shell(
                    "quiet", "exec sleep 30",
                    healthCheck: HealthCheckSpec(
                        probe: .tcp(endpoint: "http"), interval: .milliseconds(50), retries: 1, kind: .port),
                    endpointPorts: ["http": port]),
                shell("after", "exec sleep 30", waitFor: ["quiet"]),
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "quiet") == .running })
            // Many refused connects; still running (not unhealthy), and its dependent still waits.
            try await Task.sleep(for: .milliseconds(400))
            #expect(await supervisor.state(of: "quiet") == .running, "\(sink.text)")
            #expect(await supervisor.state(of: "after") == .waiting)
            await supervisor.requestShutdown()
            _ = try await outcome
        }

        @Test("startInterval: with a one-minute interval, a check still passes right after the port opens")
        func fastWhileStarting() async throws {
            let sandbox = try Sandbox()
            let port = try freePort()
            // At `interval` only, the second probe would come a minute after the first (failed)
            // one, past the suite's time limit.
            let plan = sandbox.plan([
                shell(
                    "api", Self.delayedListener(port: port, delay: "0.3"), directory: sandbox.directory,
                    healthCheck: HealthCheckSpec(probe: .tcp(endpoint: "http"), interval: .seconds(60)),
                    endpointPorts: ["http": port])
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually(timeout: .seconds(30)) { await supervisor.state(of: "api") == .healthy }, "\(sink.text)")
            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
        }

        @Test("fast probing does not make a resource unhealthy sooner: a failure counts once per interval")
        func failuresCountPerInterval() async throws {
            let sandbox = try Sandbox()
            let runs = sandbox.path("runs")
            let plan = sandbox.plan([
                shell(
                    "worker", "exec sleep 30",
                    healthCheck: HealthCheckSpec(
                        probe: .exec(["/bin/sh", "-c", "echo x >> \(runs); exit 1"]), interval: .seconds(2),
                        retries: 2, startInterval: .milliseconds(20)))
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "worker") == .unhealthy }, "\(sink.text)")
            // Two counted failures need two seconds between them; probes every 20 ms meanwhile.
            #expect(sandbox.lines("runs").count > 2, "\(sandbox.lines("runs").count) probes")
            await supervisor.requestShutdown()
            _ = try await outcome
        }
    }
}
