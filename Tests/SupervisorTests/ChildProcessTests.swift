import Foundation
import Testing

@testable import Supervisor

#if canImport(Glibc)
    import Glibc
#endif

extension ProcessTests {
    /// The one spawner's short-job helper: `ChildProcess.runBlocking` and `run`.
    @Suite struct ChildProcesses {
        @Test("a job's exit code, stdout and stderr come back separately")
        func exitStatusAndOutput() throws {
            let job = try ChildProcess.runBlocking(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"])
            #expect(job.status == .exited(3))
            #expect(job.outputText == "out\n")
            #expect(job.errorText == "err\n")
            #expect(!job.timedOut)
        }

        @Test("stderr into stdout keeps both, in order; a bare name is searched on PATH")
        func merged() throws {
            let job = try ChildProcess.runBlocking(
                ["sh", "-c", "echo one; echo two >&2; echo three"], standardError: .intoStandardOutput)
            #expect(job.status.isSuccess)
            #expect(job.outputText == "one\ntwo\nthree\n")
            #expect(job.standardError.isEmpty)
        }

        @Test("megabytes on stderr before stdout do not deadlock: both pipes are read at once")
        func bigOutput() async throws {
            let size = 4 * 1024 * 1024
            let script = "head -c \(size) /dev/zero >&2; head -c \(size) /dev/zero; echo -n x >&2"
            let job = try await ChildProcess.run(["/bin/sh", "-c", script], timeout: .seconds(60))
            #expect(job.status.isSuccess)
            #expect(job.standardOutput.count == size)
            #expect(job.standardError.count == size + 1)
        }

        @Test("the timeout SIGKILLs the job's whole process group")
        func timeoutKillsGroup() async throws {
            let sandbox = try Sandbox()
            let pidFile = sandbox.path("grandchild")
            let job = try await ChildProcess.run(
                ["/bin/sh", "-c", "sleep 30 & echo $! > \(pidFile); wait"], timeout: .milliseconds(300))
            #expect(job.timedOut)
            #expect(job.status == .signaled(SIGKILL))
            let grandchild = try #require(Int32(sandbox.read("grandchild").trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(await eventually(timeout: .seconds(60)) { !isAlive(grandchild) })
        }

        @Test("cancelling the task kills the job's group, reaps it and throws CancellationError")
        func cancellation() async throws {
            let sandbox = try Sandbox()
            let pidFile = sandbox.path("pid")
            let task = Task {
                try await ChildProcess.run(["/bin/sh", "-c", "echo $$ > \(pidFile).tmp; mv \(pidFile).tmp \(pidFile); exec sleep 30"])
            }
            #expect(await eventually(timeout: .seconds(60)) { FileManager.default.fileExists(atPath: pidFile) })
            let pid = try #require(Int32(sandbox.read("pid").trimmingCharacters(in: .whitespacesAndNewlines)))
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(!isAlive(pid))
            #expect(Syscalls.tryReap(pid) == .failed(ECHILD))
        }

        @Test("a job that leaves a background process holding its pipes returns when it exits")
        func lingeringDescendant() throws {
            let job = try ChildProcess.runBlocking(["/bin/sh", "-c", "sleep 30 & echo done"], timeout: .seconds(20))
            defer { _ = Syscalls.killGroup(job.pid, SIGKILL) }
            #expect(job.status.isSuccess)
            #expect(!job.timedOut)
            #expect(job.outputText == "done\n")
        }

        @Test("a missing program is a SpawnFailure that names it")
        func notFound() {
            do throws(SpawnFailure) {
                _ = try ChildProcess.runBlocking(["/nonexistent/aspire-no-such-program"])
                Issue.record("the job started")
            } catch {
                #expect(error.step == .exec)
                #expect(error.description == "command '/nonexistent/aspire-no-such-program' not found")
            }
        }

        @Test("a detached child leads a session of its own")
        func detached() throws {
            let child = try ChildProcess.spawn(["/bin/sleep", "30"], tie: .detached)
            defer {
                child.signalGroup(SIGKILL)
                _ = child.waitUntilExit()
            }
            let stat = try String(contentsOfFile: "/proc/\(child.pid)/stat", encoding: .utf8)
            let close = try #require(stat.lastIndex(of: ")"))
            // After ") ": state, ppid, pgrp, session.
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            #expect(fields[2] == "\(child.pid)")
            #expect(fields[3] == "\(child.pid)")
            #expect(child.exitStatusIfEnded() == nil)
        }
    }
}
