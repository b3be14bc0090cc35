import Foundation
import Logging
import Testing

@testable import Supervisor

#if canImport(Glibc)
    import Glibc
#endif

/// All process tests, run one at a time (they use real ports, real processes and the CPU).
@Suite(.serialized, .timeLimit(.minutes(2)))
enum ProcessTests {}

/// A temporary folder for one test: state directory, marker files, logs.
final class Sandbox: Sendable {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "aspire-supervisor-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func path(_ name: String) -> String { directory + "/" + name }

    func read(_ name: String) -> String {
        (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? ""
    }

    func lines(_ name: String) -> [String] {
        read(name).split(separator: "\n").map(String.init)
    }

    func plan(_ services: [ServiceSpec], gracePeriod: Duration = .seconds(5)) -> LaunchPlan {
        LaunchPlan(appName: "test", stateDirectory: directory + "/state", services: services, gracePeriod: gracePeriod)
    }
}

/// The test process's environment plus `extra` (children need PATH, HOME for pyenv shims, …).
func environment(_ extra: [String: String] = [:]) -> [String: String] {
    ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
}

/// A service running `/bin/sh -c script` (one replica unless `replicas` environments are given).
func shell(
    _ name: String, _ script: String, directory: String = "/tmp", env: [String: String] = [:],
    replicas: [ReplicaSpec]? = nil, waitFor: [String] = [], waitForCompletion: [String] = [],
    healthCheck: HealthCheckSpec? = nil, restart: RestartSpec = RestartSpec(), proxies: [ProxySpec] = [],
    hostPorts: [Int] = [], secrets: [String] = [], endpointPorts: [String: Int] = [:]
) -> ServiceSpec {
    ServiceSpec(
        name: name, replicas: replicas ?? [ReplicaSpec(environment: environment(env), endpointPorts: endpointPorts)],
        executable: "/bin/sh", arguments: ["-c", script], workingDirectory: directory, waitFor: waitFor,
        waitForCompletion: waitForCompletion, healthCheck: healthCheck, restart: restart, proxies: proxies,
        hostPorts: hostPorts, secrets: secrets)
}

/// A supervisor writing its console to memory.
func makeSupervisor(
    _ plan: LaunchPlan, only: Set<String>? = nil, backoff: RestartBackoff = RestartBackoff(),
    logRotationBytes: Int = 10 * 1024 * 1024
) -> (Supervisor, InMemoryConsoleSink) {
    let sink = InMemoryConsoleSink()
    let options = SupervisorOptions(
        only: only, console: sink, color: false, restartBackoff: backoff, logRotationBytes: logRotationBytes)
    let logger = Logger(label: "supervisor-tests") { _ in SwiftLogNoOpLogHandler() }
    return (Supervisor(plan: plan, options: options, logger: logger), sink)
}

/// Polls `condition` until it holds or `timeout` passes (for events with nothing to await).
/// The bound is generous (it only matters when a test fails): CI machines run these up to ten
/// times slower than a workstation, under AddressSanitizer more.
func eventually(
    timeout: Duration = .seconds(60), _ condition: @Sendable () async -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

extension Supervisor {
    /// The state of a replica by its display name (`api`, `api-1`).
    func state(of name: String) -> ServiceState? {
        statuses().flatMap(\.replicas).first { $0.name == name }?.state
    }

    func replica(_ name: String) -> ReplicaStatus? {
        statuses().flatMap(\.replicas).first { $0.name == name }
    }
}

/// A TCP port that was free a moment ago (bound to port 0, then released).
func freePort() throws -> Int {
    let fd = try Syscalls.tcpListen(host: "127.0.0.1", port: 0).get()
    defer { Syscalls.close(fd) }
    return try #require(Syscalls.localPort(fd))
}

/// Whether `pid` is a live process (a zombie counts as dead: it is only waiting to be reaped by
/// whoever adopted it).
func isAlive(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return false }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
}

/// A blocking HTTP/1.0 GET against 127.0.0.1:port; the body, or nil.
func httpGet(port: Int, path: String = "/") -> String? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { Glibc.close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard connected == 0 else { return nil }
    let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
    guard request.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count
    else { return nil }
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
        if count <= 0 { break }
        response.append(contentsOf: buffer[0..<count])
    }
    let text = String(decoding: response, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { return nil }
    return String(text[split.upperBound...])
}

/// A python3 HTTP server on $PORT answering every GET with $REPLICA.
let replicaServer = """
    import http.server, os
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = os.environ["REPLICA"].encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def log_message(self, *args):
            pass
    http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
    """
