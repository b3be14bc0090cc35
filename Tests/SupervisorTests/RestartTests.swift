import Foundation
import Testing

@testable import Supervisor

extension ProcessTests {
    @Suite struct Restarts {
        @Test("on-failure restarts with backoff and honours maxRestarts")
        func maxRestarts() async throws {
            let sandbox = try Sandbox()
            let file = sandbox.path("runs")
            let plan = sandbox.plan([
                shell("crashy", "echo run >> \(file); exit 2", restart: RestartSpec(policy: .onFailure, maxRestarts: 3))
            ])
            let (supervisor, sink) = makeSupervisor(
                plan, backoff: RestartBackoff(initial: .milliseconds(20), maximum: .milliseconds(80)))
            let result = try await supervisor.run()
            #expect(sandbox.lines("runs").count == 4)
            #expect(result.failures == [ServiceFailure(service: "crashy", reason: "exited with code 2")])
            let status = try #require(await supervisor.replica("crashy"))
            #expect(status.restarts == 3)
            #expect(sink.text.contains("crashy: exited with code 2 (restarting in 20ms, restart 1 of 3)"))
            #expect(sink.text.contains("crashy: exited with code 2 (restarting in 40ms, restart 2 of 3)"))
            #expect(sink.text.contains("crashy: exited with code 2 (restarting in 80ms, restart 3 of 3)"))
        }

        @Test("on-failure does not restart a clean exit; always does")
        func policies() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([
                shell("clean", "echo x >> \(sandbox.path("clean"))", restart: RestartSpec(policy: .onFailure)),
                shell(
                    "again", "echo x >> \(sandbox.path("again"))", restart: RestartSpec(policy: .always, maxRestarts: 2)
                ),
                shell("never", "echo x >> \(sandbox.path("never")); exit 1"),
            ])
            let (supervisor, _) = makeSupervisor(plan, backoff: RestartBackoff(initial: .milliseconds(10)))
            let result = try await supervisor.run()
            #expect(sandbox.lines("clean").count == 1)
            #expect(sandbox.lines("again").count == 3)
            #expect(sandbox.lines("never").count == 1)
            #expect(result.failures.map(\.service) == ["never"])
        }

        @Test("a crash loop backs off instead of spinning")
        func crashLoopBacksOff() async throws {
            let sandbox = try Sandbox()
            let file = sandbox.path("runs")
            let plan = sandbox.plan([
                shell("loop", "echo run >> \(file); exit 1", restart: RestartSpec(policy: .always))
            ])
            let (supervisor, _) = makeSupervisor(
                plan, backoff: RestartBackoff(initial: .milliseconds(50), maximum: .milliseconds(200)))
            async let outcome = supervisor.run()
            let window = ContinuousClock.now
            #expect(await eventually { sandbox.lines("runs").count >= 3 })
            try await Task.sleep(until: window + .seconds(1))
            let runs = sandbox.lines("runs").count
            await supervisor.requestShutdown()
            let result = try await outcome
            // Delays 50, 100, 200, 200, … ms: about 6 runs in the first second; a spin would be hundreds.
            #expect(runs >= 3 && runs <= 12, "\(runs) runs in one second")
            #expect(result.isSuccess, "a pending restart cancelled by the shutdown counts as stopped")
            #expect(await supervisor.state(of: "loop") == .stopped)
        }

        @Test("backoff doubles up to the cap")
        func backoffValues() {
            let backoff = RestartBackoff()
            #expect(backoff.delay(afterConsecutiveRestarts: 0) == .milliseconds(500))
            #expect(backoff.delay(afterConsecutiveRestarts: 1) == .seconds(1))
            #expect(backoff.delay(afterConsecutiveRestarts: 3) == .seconds(4))
            #expect(backoff.delay(afterConsecutiveRestarts: 6) == .seconds(30))
            #expect(backoff.delay(afterConsecutiveRestarts: 1000) == .seconds(30))
        }
    }
}
