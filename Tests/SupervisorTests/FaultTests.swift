import Foundation
import Testing

@testable import Supervisor

extension ProcessTests {
    @Suite struct Faults {
        @Test("command not found and a missing working directory: one clear line each, the rest keeps running")
        func badCommands() async throws {
            let sandbox = try Sandbox()
            let notExecutable = sandbox.path("data.txt")
            try "just text\n".write(toFile: notExecutable, atomically: true, encoding: .utf8)
            let plan = sandbox.plan([
                ServiceSpec(
                    name: "ghost", replicas: [ReplicaSpec(environment: environment())], executable: "foo-not-here",
                    workingDirectory: "/tmp"),
                shell("lost", "true", directory: "/nonexistent/aspire"),
                ServiceSpec(
                    name: "denied", replicas: [ReplicaSpec(environment: environment())], executable: notExecutable,
                    workingDirectory: "/tmp"),
                shell("good", "exec sleep 30"),
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            async let outcome = supervisor.run()
            #expect(await eventually { await supervisor.state(of: "good") == .running })
            #expect(await eventually { await supervisor.state(of: "denied") != .starting })
            await supervisor.requestShutdown()
            let result = try await outcome
            #expect(
                result.failures.map(\.description) == [
                    "ghost: command 'foo-not-here' not found",
                    "lost: working directory '/nonexistent/aspire' does not exist",
                    "denied: command '\(notExecutable)' is not executable (permission denied)",
                ])
            #expect(sink.lines.contains("aspire | ghost: command 'foo-not-here' not found"))
            #expect(sink.lines.contains("aspire | lost: working directory '/nonexistent/aspire' does not exist"))
            #expect(sink.lines.filter { $0.contains("ghost") }.count == 2)  // starting, then the error
            #expect(await supervisor.state(of: "good") == .stopped)
        }

        @Test("the PATH lookup uses the child's own PATH and working directory")
        func pathLookup() async throws {
            let sandbox = try Sandbox()
            let bin = sandbox.path("bin")
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            let tool = bin + "/hello-tool"
            try "#!/bin/sh\necho hello from $(pwd)\n".write(toFile: tool, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool)
            let plan = sandbox.plan([
                ServiceSpec(
                    name: "tool", replicas: [ReplicaSpec(environment: ["PATH": "/usr/bin:\(bin):/bin"])],
                    executable: "hello-tool", workingDirectory: sandbox.directory)
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            let result = try await supervisor.run()
            #expect(result.isSuccess, "\(result.failures)")
            #expect(sink.lines.contains("tool   | hello from \(sandbox.directory)"))
        }

        @Test("a child gets exactly the plan's environment, default signal dispositions and stdin from /dev/null")
        func childSetup() async throws {
            let sandbox = try Sandbox()
            UnixSignal.ignoreBrokenPipe()
            let plan = sandbox.plan([
                ServiceSpec(
                    name: "probe", replicas: [ReplicaSpec(environment: ["ONLY": "this", "PATH": "/usr/bin:/bin"])],
                    executable: "/bin/sh",
                    arguments: [
                        "-c",
                        "env | sort | tr '\\n' ' '; echo; grep -E '^Sig(Ign|Blk)' /proc/self/status | tr '\\n' ' '; echo;"
                            + " cat; echo stdin-done; ps -o pgid= -p $$ | tr -d ' '; echo $$",
                    ], workingDirectory: "/tmp")
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            let result = try await supervisor.run()
            #expect(result.isSuccess)
            let output = sink.lines.filter { $0.hasPrefix("probe  | ") }.map { String($0.dropFirst(9)) }
            try #require(output.count == 5, "\(output)")
            #expect(output[0].contains("ONLY=this"))
            #expect(!output[0].contains("HOME="))
            #expect(output[1].contains("SigIgn:\t0000000000000000"), "\(output[1])")
            #expect(output[1].contains("SigBlk:\t0000000000000000"), "\(output[1])")
            #expect(output[2] == "stdin-done")
            #expect(output[3] == output[4], "the child leads its own process group")
        }

        @Test("preflight: a taken port fails the run before anything starts, naming the holder")
        func portConflict() async throws {
            let sandbox = try Sandbox()
            let holder = try Syscalls.tcpListen(host: "127.0.0.1", port: 0).get()
            defer { Syscalls.close(holder) }
            let port = try #require(Syscalls.localPort(holder))
            let free = try freePort()
            let plan = sandbox.plan([
                shell("api", "touch \(sandbox.path("started"))", hostPorts: [free, port]),
                shell("other", "touch \(sandbox.path("started"))"),
            ])
            let (supervisor, sink) = makeSupervisor(plan)
            let result = try await supervisor.run()
            let reason = "port \(port) is already in use by pid \(getpid()) ("
            #expect(result.failures.count == 1)
            #expect(result.failures.first?.service == "api")
            #expect(result.failures.first?.reason.hasPrefix(reason) == true, "\(result.failures)")
            #expect(sink.lines.first?.hasPrefix("aspire | api: \(reason)") == true, "\(sink.lines)")
            #expect(!FileManager.default.fileExists(atPath: sandbox.path("started")))
        }

        @Test("the holder of a port is found through /proc")
        func holderLookup() throws {
            let fd = try Syscalls.tcpListen(host: "0.0.0.0", port: 0).get()
            defer { Syscalls.close(fd) }
            let port = try #require(Syscalls.localPort(fd))
            #expect(PortPreflight.holder(of: port)?.hasPrefix("pid \(getpid()) (") == true)
            #expect(PortPreflight.problem(with: port) != nil)
            #expect(PortPreflight.problem(with: try freePort()) == nil)
        }
    }

    @Suite struct Spawning {
        @Test("children die with the thread that forked them (PR_SET_PDEATHSIG)")
        func deathSignal() async throws {
            let loop = try IOLoop()
            let child = try await loop.spawn(
                SpawnRequest(
                    executable: "/bin/sleep", arguments: ["30"], environment: [:], workingDirectory: nil,
                    captureOutput: false))
            #expect(isAlive(child.pid))
            await loop.stop()  // the forking thread exits; the kernel SIGKILLs the child
            #expect(await eventually(timeout: .seconds(60)) { Syscalls.hasExited(child.pid) })
            #expect(Syscalls.reap(child.pid, blocking: true) == .signaled(SIGKILL))
        }

        @Test("exit statuses are decoded")
        func exitStatus() async throws {
            let loop = try IOLoop()
            func run(_ script: String) async throws -> TerminationStatus {
                let process = try await loop.spawn(
                    SpawnRequest(
                        executable: "/bin/sh", arguments: ["-c", script], environment: [:], workingDirectory: nil,
                        captureOutput: false))
                try await loop.waitForExit(process)
                return loop.reap(process)
            }
            #expect(try await run("exit 0") == .exited(0))
            #expect(try await run("exit 42") == .exited(42))
            #expect(try await run("kill -SEGV $$") == .signaled(SIGSEGV))
            #expect(TerminationStatus.signaled(SIGKILL).description == "killed by SIGKILL")
            await loop.stop()
        }

        @Test("UnixSignals delivers signals as an async sequence")
        func signals() async throws {
            let signals = UnixSignals(UnixSignal(rawValue: SIGUSR2))
            _ = signal(SIGUSR2, SIG_IGN)  // what the sequence does too; a signal sent early must not kill us
            let received = await withTaskGroup(of: UnixSignal?.self) { group in
                group.addTask {
                    var iterator = signals.makeAsyncIterator()
                    return await iterator.next()
                }
                // The dispatch source registers asynchronously: keep signalling until it is heard.
                group.addTask {
                    while !Task.isCancelled {
                        kill(getpid(), SIGUSR2)  // process-directed, as from a terminal or `kill`
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            #expect(received == UnixSignal(rawValue: SIGUSR2))
        }
    }
}
