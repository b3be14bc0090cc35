/// Probes one replica for as long as it runs (a `.port` check: until its first success).
///
/// Probing starts at once and, while the replica starts, repeats every `startInterval` (50 ms by
/// default, compose's `start_interval`): until the first success, the first unhealthy verdict,
/// or the end of `startPeriod` when one is set. Then it repeats every `interval`. The replica
/// turns healthy on the first success and unhealthy after `retries` counted failures; a failure
/// counts only after `startPeriod` and at most once per `interval`, so fast probing finds a
/// success sooner without making anything unhealthy sooner. Probing continues after either.
struct HealthProber: Sendable {
    let check: HealthCheckSpec
    let replica: ReplicaSpec
    let workingDirectory: String
    let loop: IOLoop
    let masker: SecretMasker
    /// Called on each transition to `.healthy` or `.unhealthy` (with the last failure's reason,
    /// or for a port check what passed).
    let onChange: @Sendable (ServiceState, String?) async -> Void

    /// Probes until cancelled (a port check: until its first success).
    func run() async {
        let start = ContinuousClock.now
        var failures = 0
        var lastCounted: ContinuousClock.Instant?
        var current = ServiceState.running
        var starting = true
        while !Task.isCancelled {
            let failure = await probeOnce()
            if Task.isCancelled { return }
            let now = ContinuousClock.now
            if let failure {
                let inStartPeriod = start.duration(to: now) < check.startPeriod
                if !inStartPeriod, lastCounted.map({ $0.duration(to: now) >= check.interval }) ?? true {
                    failures += 1
                    lastCounted = now
                }
                if failures >= max(1, check.retries) {
                    starting = false
                    if check.kind == .declared, current != .unhealthy {
                        current = .unhealthy
                        await onChange(.unhealthy, masker.mask(failure))
                    }
                }
            } else {
                failures = 0
                lastCounted = nil
                starting = false
                if current != .healthy {
                    current = .healthy
                    await onChange(.healthy, check.kind == .port ? passedNote : nil)
                }
                if check.kind == .port { return }
            }
            if check.startPeriod > .zero, start.duration(to: now) >= check.startPeriod { starting = false }
            let delay = starting ? min(check.startInterval, check.interval) : check.interval
            do { try await Task.sleep(for: delay) } catch { return }
        }
    }

    /// "port 8080 accepts connections".
    private var passedNote: String? {
        guard case .tcp(let endpoint) = check.probe, let port = replica.endpointPorts[endpoint] else { return nil }
        return "port \(port) accepts connections"
    }

    /// One probe within `timeout`: nil when healthy, else why not.
    func probeOnce() async -> String? {
        let timeout = check.timeout
        return await race(
            { await self.attempt() },
            {
                do { try await Task.sleep(for: timeout) } catch { return "cancelled" }
                return "health check timed out after \(ManagedReplica.format(timeout))"
            })
    }

    private func attempt() async -> String? {
        switch check.probe {
        case .http(let endpoint, let path):
            guard let port = replica.endpointPorts[endpoint] else { return "no port for endpoint '\(endpoint)'" }
            return await HTTPProbe.get(loop: loop, port: port, path: path)
        case .tcp(let endpoint):
            guard let port = replica.endpointPorts[endpoint] else { return "no port for endpoint '\(endpoint)'" }
            do {
                let fd = try await loop.connect(host: "127.0.0.1", port: port)
                loop.close(fd)
                return nil
            } catch let error as SystemCallError {
                return "127.0.0.1:\(port): \(Syscalls.describe(errno: error.errno))"
            } catch {
                return "cancelled"
            }
        case .exec(let argv):
            return await execProbe(argv)
        case .greeting(let endpoint, let greeting):
            guard let port = replica.endpointPorts[endpoint] else { return "no port for endpoint '\(endpoint)'" }
            return await GreetingProbe.check(loop: loop, port: port, greeting: greeting)
        }
    }

    private func execProbe(_ argv: [String]) async -> String? {
        guard let executable = argv.first else { return "the exec health check has no command" }
        let process: SpawnedProcess
        do {
            process = try await loop.spawn(
                SpawnRequest(
                    executable: executable, arguments: Array(argv.dropFirst()), environment: replica.environment,
                    workingDirectory: workingDirectory, captureOutput: false))
        } catch let failure as SpawnFailure {
            return "health check: \(failure)"
        } catch {
            return "health check: \(error)"
        }
        do {
            try await loop.waitForExit(process)
        } catch {
            _ = loop.reap(process)  // SIGKILLs the probe's group, then reaps it
            return "cancelled"
        }
        let status = loop.reap(process)
        return status.isSuccess ? nil : "health check command \(status)"
    }
}

/// A minimal HTTP/1.0 GET: 2xx and 3xx are healthy.
enum HTTPProbe {
    /// GETs `http://127.0.0.1:port/path`; nil when the status is 2xx/3xx, else why not.
    static func get(loop: IOLoop, port: Int, path: String) async -> String? {
        let fd: Int32
        do {
            fd = try await loop.connect(host: "127.0.0.1", port: port)
        } catch let error as SystemCallError {
            return "GET http://127.0.0.1:\(port)\(path): \(Syscalls.describe(errno: error.errno))"
        } catch {
            return "cancelled"
        }
        defer { loop.close(fd) }
        let target = path.hasPrefix("/") ? path : "/" + path
        let request = Array(
            "GET \(target) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nUser-Agent: aspire-health\r\nConnection: close\r\n\r\n"
                .utf8)
        var response: [UInt8] = []
        do {
            let requestBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: request.count, alignment: 1)
            defer { requestBuffer.deallocate() }
            requestBuffer.copyBytes(from: request)
            try await loop.sendAll(fd, UnsafeRawBufferPointer(requestBuffer))
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
            defer { buffer.deallocate() }
            while !response.contains(0x0A) && response.count < 8192 {
                let count = try await loop.receive(fd, into: buffer)
                if count == 0 { break }
                response.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            }
        } catch let error as SystemCallError {
            return "GET http://127.0.0.1:\(port)\(target): \(Syscalls.describe(errno: error.errno))"
        } catch {
            return "cancelled"
        }
        let statusLine = String(decoding: response.prefix { $0 != 0x0A && $0 != 0x0D }, as: UTF8.self)
        let fields = statusLine.split(separator: " ")
        guard fields.count >= 2, fields[0].hasPrefix("HTTP/"), let code = Int(fields[1]) else {
            return "GET http://127.0.0.1:\(port)\(target): not an HTTP response"
        }
        return (200..<400).contains(code) ? nil : "GET http://127.0.0.1:\(port)\(target) returned \(code)"
    }
}

/// Connects, sends the greeting's opening bytes and reads until the expected answer can be seen.
enum GreetingProbe {
    static func check(loop: IOLoop, port: Int, greeting: HealthCheckSpec.Greeting) async -> String? {
        let fd: Int32
        do {
            fd = try await loop.connect(host: "127.0.0.1", port: port)
        } catch let error as SystemCallError {
            return "127.0.0.1:\(port): \(Syscalls.describe(errno: error.errno))"
        } catch {
            return "cancelled"
        }
        defer { loop.close(fd) }
        let needed = greeting.offset + greeting.expect.count
        var response: [UInt8] = []
        do {
            if !greeting.send.isEmpty {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: greeting.send.count, alignment: 1)
                defer { buffer.deallocate() }
                buffer.copyBytes(from: greeting.send)
                try await loop.sendAll(fd, UnsafeRawBufferPointer(buffer))
            }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1024, alignment: 1)
            defer { buffer.deallocate() }
            while response.count < needed {
                let count = try await loop.receive(fd, into: buffer)
                if count == 0 { break }
                response.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            }
        } catch let error as SystemCallError {
            return "127.0.0.1:\(port): \(Syscalls.describe(errno: error.errno))"
        } catch {
            return "cancelled"
        }
        guard response.count >= needed, Array(response[greeting.offset..<needed]) == greeting.expect else {
            return "127.0.0.1:\(port) did not answer with \(greeting.what)"
        }
        return nil
    }
}
