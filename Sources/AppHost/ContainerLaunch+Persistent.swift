import Foundation
import Supervisor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension ContainerLaunch {
    /// A `lifetime: persistent` container: adopted when one of its name runs with the same
    /// configuration-hash label; otherwise replaced: started detached (`run -d`, no `--rm`,
    /// labelled `aspire.lifetime=persistent` and with the hash, not with the run) without the
    /// run's cookie, and recorded. Then this process becomes `logs -f` on it (new lines only for
    /// an adopted one), so stopping the resource stops the log client, never the container.
    /// Returns only on failure.
    func executePersistent(volumes: [String], run: [String]) -> Failure {
        let name = spec.name
        let resource = spec.resource
        guard let hash = persistentHash, let state = stateDirectory else {
            return Failure(description: "container-exec: --persistent needs --state", exitCode: 2)
        }
        // What the engine starts (podman's conmon) must not die with the run.
        unsetenv(PersistentRecord.runCookieVariable)
        let inspect = try? runtime.run(
            ["inspect", "--format", "{{.State.Running}} {{index .Config.Labels \"\(ContainerLabels.configHash)\"}}", name], timeout: .seconds(20))
        let found = inspect.flatMap { $0.status == 0 ? $0.output.trimmingCharacters(in: .whitespacesAndNewlines) : nil }
        let adopted = found == "true \(hash)"
        // An adopted container keeps the companions recorded when it started.
        var companions = adopted ? PersistentRecord.read(state: state, name: resource)?.companions ?? [] : []
        if adopted {
            say("adopted the running persistent container \(name); it keeps running after down (down --persistent stops it)")
        } else {
            if let found {
                let why = found.hasPrefix("true ") ? "its configuration changed" : "it had stopped"
                say("\(why): replacing the persistent container \(name)")
            }
            if let failure = prepare(volumes: volumes) { return failure }
            let detached = Self.persistentRunArguments(run, hash: hash)
            let before = PersistentRecord.ticksSinceBoot()
            let started = runDetached(detached, state: state)
            companions = PersistentRecord.orphans(startedSince: before, parents: [getppid(), 1])
            guard started.status == 0 else {
                return Failure(
                    description: "\(resource): \(runtime.flavor.rawValue) run exited with code \(started.status): \(started.output.trimmingCharacters(in: .whitespacesAndNewlines))",
                    exitCode: started.status == 0 ? 1 : started.status)
            }
            say("started a persistent container \(name); it keeps running after down (down --persistent stops it)")
        }
        record(name: name, hash: hash, state: state, companions: companions)
        let follow: [String] = [runtime.executable, "logs", "-f"] + (adopted ? ["--tail", "0"] : []) + [name]
        var argv: [UnsafeMutablePointer<CChar>?] = follow.map { strdup($0) }
        argv.append(nil)
        execv(runtime.executable, argv)
        return Failure(description: "\(resource): cannot run \(runtime.executable): \(String(cString: strerror(errno)))", exitCode: 127)
    }

    /// Runs `run -d …` with its output in a file, not a pipe: the container's monitor inherits
    /// the descriptors and would hold a pipe open for as long as the container runs.
    private func runDetached(_ arguments: [String], state: String) -> ProcessOutput {
        let path = PersistentRecord.directory(state: state) + "/\(spec.resource).run.out"
        try? FileManager.default.createDirectory(
            atPath: PersistentRecord.directory(state: state), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return ProcessOutput(status: 126, output: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { unlink(path) }
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                [runtime.executable] + arguments, environment: ProcessInfo.processInfo.environment,
                standardOutput: .descriptor(fd), standardError: .descriptor(fd))
        } catch {
            close(fd)
            return ProcessOutput(status: 127, output: "\(error)")
        }
        close(fd)
        let status = child.waitUntilExit().code
        let output = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return ProcessOutput(status: status, output: output)
    }

    /// `run ARGS` made detached and persistent: `--rm` becomes `-d`, the run label goes, the
    /// lifetime and hash labels come.
    package static func persistentRunArguments(_ run: [String], hash: String) -> [String] {
        var result: [String] = []
        var index = 0
        var labelled = false
        while index < run.count {
            let argument = run[index]
            if argument == "--rm" {
                result.append("-d")
            } else if argument == "--label", index + 1 < run.count, run[index + 1].hasPrefix("\(ContainerLabels.run)=") {
                index += 2
                continue
            } else {
                result.append(argument)
            }
            if !labelled, argument == "--name", index + 1 < run.count {
                result += [run[index + 1], "--label", "\(ContainerLabels.lifetime)=persistent", "--label", "\(ContainerLabels.configHash)=\(hash)"]
                labelled = true
                index += 2
                continue
            }
            index += 1
        }
        return result
    }

    /// Records the container's monitor process (podman's conmon; docker's container process),
    /// which `up`'s subreaper spares and whose ports `up`'s preflight leaves to it.
    private func record(name: String, hash: String, state: String, companions: [PersistentRecord.Companion]) {
        let field = runtime.flavor == .podman ? "{{.State.ConmonPid}}" : "{{.State.Pid}}"
        guard let output = try? runtime.run(["inspect", "--format", field, name], timeout: .seconds(20)),
            let pid = Int32(output.output.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
            let start = PersistentRecord.startTime(of: pid)
        else { return }
        var record = PersistentRecord(
            name: spec.resource, pid: pid, startTime: start, configHash: hash, runtime: runtime.flavor.rawValue, container: name)
        record.companions = companions.filter { $0.pid != pid }
        try? record.write(state: state)
    }

    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data("aspire: \(spec.resource): \(line)\n".utf8))
    }
}
