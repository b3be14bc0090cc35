import AppStatus
import Foundation
import Testing

@testable import Supervisor

extension ProcessTests {
    /// `stop`, `start` and `restart` on a running supervisor, with real `/bin/sh` children.
    @Suite struct Control {
        /// A child that records its pid in `file` (one line per run) and sleeps.
        private static func sleeper(
            _ name: String, _ sandbox: Sandbox, waitFor: [String] = [], restart: RestartSpec = RestartSpec()
        )
            -> ServiceSpec
        {
            shell(name, "echo $$ >> \(sandbox.path(name)); exec sleep 30", waitFor: waitFor, restart: restart)
        }

        private static func pids(_ name: String, _ sandbox: Sandbox) -> [Int32] {
            sandbox.lines(name).compactMap { Int32($0) }
        }

        @Test("stop leaves a service stopped (no restart, even with `always`); its dependents keep running")
        func stopLeavesStopped() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan(
                [
                    Self.sleeper("db", sandbox, restart: RestartSpec(policy: .always)),
                    Self.sleeper("api", sandbox, waitFor: ["db"]),
                ], gracePeriod: .seconds(2))
            let (supervisor, sink) = makeSupervisor(plan, backoff: RestartBackoff(initial: .milliseconds(10)))
            async let outcome = supervisor.run()
            #expect(await eventually { Self.pids("api", sandbox).count == 1 }, "\(sink.text)")
            let dbPid = try #require(Self.pids("db", sandbox).first)
            let apiPid = try #require(Self.pids("api", sandbox).first)

            try await supervisor.stop(["db"])
            #expect(await supervisor.state(of: "db") == .stopped)
            #expect(!isAlive(dbPid))
            try await Task.sleep(for: .milliseconds(200))
            #expect(Self.pids("db", sandbox).count == 1, "a stopped service must not be restarted")
            #expect(await supervisor.state(of: "api") == .running)
            #expect(isAlive(apiPid))
            let snapshot = await supervisor.snapshot()
            #expect(snapshot.first { $0.name == "db" }?.stoppedByUser == true)
            #expect(snapshot.first { $0.name == "db" }?.state == .stopped)
            #expect(await eventually { sink.lines.contains("aspire | db: stopping") })

            // Stopping a stopped service does nothing.
            try await supervisor.stop(["db"])
            #expect(Self.pids("db", sandbox).count == 1)

            await supervisor.requestShutdown()
            let result = try await outcome
            #expect(result.isSuccess, "\(result.failures)")
            #expect(!isAlive(apiPid))
            #expect(await supervisor.state(of: "db") == .stopped)
        }

        @Test("start runs a stopped service again with a new pid")
        func stopThenStart() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([Self.sleeper("web", sandbox)], gracePeriod: .seconds(2))
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { Self.pids("web", sandbox).count == 1 }, "\(sink.text)")
            try await supervisor.stop(["web"])
            #expect(await supervisor.state(of: "web") == .stopped)

            try await supervisor.start(["web"])
            #expect(await supervisor.state(of: "web") == .running)
            #expect(await eventually { Self.pids("web", sandbox).count == 2 })
            let pids = Self.pids("web", sandbox)
            #expect(pids[0] != pids[1])
            #expect(!isAlive(pids[0]))
            #expect(isAlive(pids[1]))
            #expect(await supervisor.replica("web")?.pid == pids[1])
            #expect(await supervisor.replica("web")?.restarts == 0, "stop + start is not a restart")
            // Starting a running service does nothing.
            try await supervisor.start(["web"])
            #expect(Self.pids("web", sandbox).count == 2)

            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
            #expect(!isAlive(pids[1]))
        }

        @Test("restart changes the pid and counts a restart; the dependents are not touched")
        func restart() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan(
                [Self.sleeper("db", sandbox), Self.sleeper("api", sandbox, waitFor: ["db"])], gracePeriod: .seconds(2))
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { Self.pids("api", sandbox).count == 1 }, "\(sink.text)")
            let before = try #require(await supervisor.replica("db")?.pid)

            try await supervisor.restart(["db"])
            let after = try #require(await supervisor.replica("db")?.pid)
            #expect(after != before)
            #expect(!isAlive(before))
            #expect(isAlive(after))
            #expect(await supervisor.replica("db")?.restarts == 1)
            #expect(await supervisor.state(of: "db") == .running)
            #expect(Self.pids("api", sandbox).count == 1, "a dependent is not restarted with its dependency")

            try await supervisor.restart(["db", "api"])
            #expect(await supervisor.replica("db")?.restarts == 2)
            #expect(await supervisor.replica("api")?.restarts == 1)
            #expect(await eventually { Self.pids("api", sandbox).count == 2 }, "the restarted dependent writes its new pid")

            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
        }

        @Test("unknown names are refused before anything is stopped, naming them all")
        func unknownNames() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([Self.sleeper("web", sandbox)])
            let (supervisor, _) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            // The child may write its pid before the supervisor has recorded it as running.
            #expect(await eventually { await supervisor.state(of: "web") == .running })

            let error = await #expect(throws: ControlError.self) { try await supervisor.stop(["web", "wbe", "nope"]) }
            #expect(error?.code == .unknownServices(["wbe", "nope"]))
            #expect(error?.known == ["web"])
            #expect(error?.description == "no resource named 'wbe' and 'nope' in this app")
            #expect(await supervisor.state(of: "web") == .running, "nothing may change when a name is unknown")
            await #expect(throws: ControlError(.unknownServices(["x"]))) { try await supervisor.restart(["x"]) }
            await #expect(throws: ControlError(.unknownServices(["x"]))) { try await supervisor.start(["x"]) }

            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
            await #expect(throws: ControlError(.shuttingDown)) { try await supervisor.start(["web"]) }
        }

        @Test("a service not selected by `up NAME` is not part of the run")
        func notInRun() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([Self.sleeper("web", sandbox), Self.sleeper("other", sandbox)])
            let (supervisor, _) = makeSupervisor(plan, only: ["web"])
            async let outcome = supervisor.run()
            #expect(await eventually { Self.pids("web", sandbox).count == 1 })
            await #expect(throws: ControlError(.notInRun(["other"]))) { try await supervisor.start(["other"]) }
            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
        }

        @Test("start runs an exited one-shot job again; a job that exited 0 counts as ready")
        func startExitedJob() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([
                shell("job", "echo run >> \(sandbox.path("job"))"),
                Self.sleeper("keeper", sandbox),
            ])
            let (supervisor, _) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "job") == .exited(.exited(0)) })
            let job = try #require(await supervisor.snapshot().first { $0.name == "job" })
            #expect(job.ready && job.finished)
            #expect(job.state == .exited(code: 0))

            try await supervisor.start(["job"])
            #expect(await eventually { sandbox.lines("job").count == 2 })
            #expect(await eventually { await supervisor.state(of: "job") == .exited(.exited(0)) })

            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
        }

        @Test("a started service waits for a waitFor dependency that is stopped, as at start-up")
        func startWaitsForDependency() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan(
                [Self.sleeper("db", sandbox), Self.sleeper("api", sandbox, waitFor: ["db"])], gracePeriod: .seconds(2))
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { Self.pids("api", sandbox).count == 1 }, "\(sink.text)")

            try await supervisor.stop(["db", "api"])
            try await supervisor.start(["api"])
            #expect(await supervisor.state(of: "api") == .waiting)
            try await Task.sleep(for: .milliseconds(200))
            #expect(Self.pids("api", sandbox).count == 1, "api must wait for db")

            try await supervisor.start(["db"])
            #expect(await eventually { Self.pids("api", sandbox).count == 2 }, "\(sink.text)")
            #expect(await eventually { await supervisor.state(of: "api") == .running })

            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
        }

        @Test("a service stopped while it waits is not started when its dependency becomes ready")
        func stopWhileWaiting() async throws {
            let sandbox = try Sandbox()
            let gate = sandbox.path("gate")
            let plan = sandbox.plan([
                shell(
                    "db", "while [ ! -e \(gate) ]; do sleep 0.05; done; exec sleep 30",
                    healthCheck: HealthCheckSpec(probe: .exec(["test", "-e", gate]), interval: .milliseconds(50))),
                Self.sleeper("api", sandbox, waitFor: ["db"]),
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "db") == .running })
            #expect(await supervisor.state(of: "api") == .waiting)
            try await supervisor.stop(["api"])
            #expect(await supervisor.state(of: "api") == .stopped)
            _ = FileManager.default.createFile(atPath: gate, contents: nil)
            #expect(await eventually { await supervisor.state(of: "db") == .healthy })
            try await Task.sleep(for: .milliseconds(200))
            #expect(Self.pids("api", sandbox).isEmpty, "\(sink.text)")

            try await supervisor.start(["api"])
            #expect(await eventually { Self.pids("api", sandbox).count == 1 })
            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
        }

        @Test("stop interrupts a pending restart; the crash loop ends stopped")
        func stopDuringBackoff() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([
                shell("loop", "echo run >> \(sandbox.path("loop")); exit 1", restart: RestartSpec(policy: .always)),
                Self.sleeper("keeper", sandbox),
            ])
            let (supervisor, _) = makeSupervisor(plan, backoff: RestartBackoff(initial: .seconds(600), maximum: .seconds(600)))
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "loop") == .exited(.exited(1)) })
            let clock = ContinuousClock.now
            try await supervisor.stop(["loop"])
            #expect(clock.duration(to: .now) < .seconds(120), "the stop must not wait for the 10-minute backoff")
            #expect(await supervisor.state(of: "loop") == .stopped)
            #expect(sandbox.lines("loop").count == 1)
            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
        }

        @Test("with everything stopped the run goes on until a shutdown")
        func everythingStopped() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan([Self.sleeper("a", sandbox), Self.sleeper("b", sandbox)])
            let (supervisor, _) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { Self.pids("b", sandbox).count == 1 && Self.pids("a", sandbox).count == 1 })
            try await supervisor.stop(["a", "b"])
            #expect(await supervisor.statuses().allSatisfy { $0.state == .stopped })
            try await Task.sleep(for: .milliseconds(100))
            try await supervisor.start(["a"])
            #expect(await eventually { Self.pids("a", sandbox).count == 2 })
            #expect(await supervisor.requestGracefulShutdown())
            #expect(await !supervisor.requestGracefulShutdown(), "a second request does not escalate")
            let result = try await outcome
            #expect(result.isSuccess, "\(result.failures)")
            #expect(await supervisor.statuses().allSatisfy { $0.state == .stopped })
        }

        @Test("a child that ignores SIGTERM is killed after the grace period on stop")
        func stopEscalates() async throws {
            let sandbox = try Sandbox()
            let plan = sandbox.plan(
                [shell("stubborn", "trap '' TERM; echo $$ > \(sandbox.path("pid")); while :; do sleep 0.05; done")],
                gracePeriod: .milliseconds(300))
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { !sandbox.read("pid").isEmpty })
            let pid = try #require(Int32(sandbox.lines("pid").first ?? ""))
            try await supervisor.stop(["stubborn"])
            #expect(!isAlive(pid))
            // The console writes behind: the line may reach the sink just after `stop` returns.
            #expect(await eventually { sink.text.contains("stubborn: still running 300ms after SIGTERM; sending SIGKILL") })
            await supervisor.requestShutdown()
            #expect(try await outcome.isSuccess)
        }
    }
}
