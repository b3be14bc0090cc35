import AppStatus
import Dashboard
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// A fake app: fixed resources, an environment with a secret, a small graph, scripted log lines,
/// and a record of the actions asked for.
final class TestBackend: DashboardBackend {
    struct State {
        var resources: [ResourceStatus]
        var actions: [String] = []
        var refusal: DashboardActionError?
        var tail: [DashboardLogLine] = []
        /// Lines each new log stream yields at once.
        var streamLines: [DashboardLogLine] = []
        /// Whether a stream finishes after `streamLines` (the router test needs the body to end).
        var finishStreams = true
        var liveContinuations: [AsyncStream<DashboardLogLine>.Continuation] = []
        var streamsEnded = 0
    }

    let state: Mutex<State>

    static let secret = "s3cr3t-Pa55word"

    init(resources: [ResourceStatus] = TestBackend.sampleResources) {
        state = Mutex(State(resources: resources))
    }

    static let sampleResources = [
        ResourceStatus(
            name: "cache", type: "redis", state: .healthy, pids: [4101], urls: ["tcp://localhost:6379"],
            upSince: 1_700_000_000, ready: true, healthProbe: .tcp),
        ResourceStatus(
            name: "api", type: "project", state: .running, pids: [4102], restarts: 2, urls: ["http://localhost:5100"],
            upSince: 1_700_000_100, ready: true),
        ResourceStatus(
            name: "worker", type: "executable", state: .exited(code: 3), finished: true,
            replicas: [
                ResourceReplica(name: "worker", state: .exited(code: 3)), ResourceReplica(name: "worker-1", state: .exited(code: 3)),
            ]),
        ResourceStatus(name: "migrate", type: "executable", state: .waiting),
    ]

    var actions: [String] { state.withLock { $0.actions } }

    // MARK: - DashboardBackend

    func resources() async -> [ResourceStatus] { state.withLock { $0.resources } }

    func logTail(resource: String?, lines: Int) async -> [DashboardLogLine] {
        state.withLock { state in Array(state.tail.filter { resource == nil || $0.resource == resource }.suffix(lines))
        }
    }

    func logStream(resource: String?) -> AsyncStream<DashboardLogLine> {
        let (stream, continuation) = AsyncStream.makeStream(of: DashboardLogLine.self, bufferingPolicy: .unbounded)
        let (lines, finish) = state.withLock { state in
            (state.streamLines.filter { resource == nil || $0.resource == resource }, state.finishStreams)
        }
        continuation.onTermination = { _ in self.state.withLock { $0.streamsEnded += 1 } }
        for line in lines { continuation.yield(line) }
        if finish {
            continuation.finish()
        } else {
            state.withLock { $0.liveContinuations.append(continuation) }
        }
        return stream
    }

    /// Sends a line to every open stream.
    func emit(_ line: DashboardLogLine) {
        for continuation in state.withLock({ $0.liveContinuations }) { continuation.yield(line) }
    }

    func environment(resource: String) async -> [DashboardVariable]? {
        guard resource == "api" else { return nil }
        return [
            DashboardVariable(name: "PORT", value: "5100", isSecret: false),
            DashboardVariable(
                name: "ConnectionStrings__cache", value: "localhost:6379,password=\(Self.secret)", isSecret: true),
            DashboardVariable(name: "GREETING", value: "<b>hi</b> & \"bye\"", isSecret: false),
        ]
    }

    func graph() async -> DashboardGraph {
        DashboardGraph(
            nodes: [
                .init(name: "cache", type: "redis", state: .healthy),
                .init(name: "api", type: "project", state: .running),
                .init(name: "worker", type: "executable", state: .exited(code: 3)),
                .init(name: "migrate", type: "executable", state: .waiting),
                .init(name: "pgpassword", type: "parameter"),
            ],
            edges: [
                .init(from: "api", to: "cache", kind: .reference),
                .init(from: "api", to: "cache", kind: .waitFor),
                .init(from: "worker", to: "api", kind: .reference),
                .init(from: "worker", to: "migrate", kind: .waitForCompletion),
                .init(from: "migrate", to: "pgpassword", kind: .reference),
            ])
    }

    func perform(_ action: DashboardAction, resource: String) async throws {
        if let refusal = state.withLock({ $0.refusal }) { throw refusal }
        state.withLock { $0.actions.append("\(action.rawValue) \(resource)") }
    }
}

// MARK: - Helpers

extension TestResponse {
    var text: String { String(buffer: body) }
    var data: Data { Data(text.utf8) }
}

extension DashboardServer {
    /// The token part of the login URL, as a path for the test client.
    var loginPath: String { "/login?t=\(token)" }
}

/// Logs in through `/login` and returns the `Cookie` header value to send afterwards.
func login(_ client: some TestClientProtocol, _ server: DashboardServer<TestBackend>) async throws -> HTTPFields {
    let response = try await client.execute(uri: server.loginPath, method: .get)
    let setCookie = try #require(response.headers[.setCookie])
    let pair = try #require(setCookie.split(separator: ";").first)
    return [.cookie: String(pair)]
}

/// A `Cookie` header plus the CSRF header that state-changing requests need.
func withCSRF(_ headers: HTTPFields) -> HTTPFields {
    var headers = headers
    if let name = HTTPField.Name("X-Aspire-Dashboard") { headers[name] = "1" }
    return headers
}
