import AppStatus
import Foundation

/// The supervisor's record of one service.
struct ServiceRecord: Sendable {
    var spec: ServiceSpec
    var replicas: [ReplicaRecord]
    /// Set when the service was never started; a failure reason unless it was a shutdown.
    var notStarted: ServiceState?
    /// Why it was last restarted (a crash, a watched change, `restart`).
    var lastRestart: RestartReason?
}

/// The supervisor's record of one replica.
struct ReplicaRecord: Sendable {
    var name: String
    var state: ServiceState = .waiting
    var pid: Int32?
    var restarts = 0
    /// No restart is pending: this is the replica's last state.
    var isFinal = false
}

// MARK: - State changes (called by the service and replica tasks)

extension Supervisor {
    /// Records a replica's new state, prints its status line, and resolves the service's
    /// readiness and completion latches when they are decided.
    func replicaDidChange(
        service: String, replica: Int, state: ServiceState, pid: Int32? = nil, restarts: Int? = nil,
        isFinal: Bool = false, note: String? = nil, restartReason: RestartReason? = nil
    ) {
        guard var record = records[service], record.replicas.indices.contains(replica) else { return }
        if let restartReason { record.lastRestart = restartReason }
        record.replicas[replica].state = state
        if let pid { record.replicas[replica].pid = pid }
        if let restarts { record.replicas[replica].restarts = restarts }
        record.replicas[replica].isFinal = isFinal
        records[service] = record
        var text = note.map { "\(state) (\($0))" } ?? state.description
        if let parent = record.spec.partOf, state == .exited(.exited(0)) { text = "healthy (created in \(parent))" }
        announce("\(record.replicas[replica].name): \(text)", service: service)
        evaluate(service)
    }

    /// Prints that a service waits for its dependencies.
    func serviceIsWaiting(_ service: String, for dependencies: [String]) {
        announce("\(service): waiting for \(dependencies.joined(separator: ", "))", service: service)
    }

    /// Marks every replica of a service that never started: `reason` is the failure, or nil when
    /// a shutdown came first (the service counts as stopped).
    func serviceNotStarted(_ service: String, reason: String?) {
        let state: ServiceState = reason.map { .failed($0) } ?? .stopped
        markNotStarted(service, state: state, announce: state.description)
    }

    /// A supervisor status line (`aspire | text`).
    func announce(_ text: String, service: String? = nil) {
        console.enqueue(layout.statusLine(service.map { maskedLine(for: $0, text) } ?? text))
    }

    /// A line with the service's secrets masked.
    func maskedLine(for service: String, _ text: String) -> String {
        if let handle = handles[service] { return handle.masker.mask(text) }
        guard let secrets = records[service]?.spec.secrets, !secrets.isEmpty else { return text }
        return SecretMasker(secrets: secrets).mask(text)
    }

    func markNotStarted(_ service: String, state: ServiceState, announce text: String?) {
        guard var record = records[service] else { return }
        record.notStarted = state
        for index in record.replicas.indices {
            record.replicas[index].state = state
            record.replicas[index].isFinal = true
        }
        records[service] = record
        if let text { announce("\(service): \(text)", service: service) }
        evaluate(service)
    }

    // MARK: - Latches

    func evaluate(_ service: String) {
        noteChange(of: service)
        guard let record = records[service], let handle = handles[service] else { return }
        let replicas = record.replicas
        if !handle.readiness.isFulfilled {
            let hasCheck = record.spec.healthCheck != nil
            let allReady = replicas.allSatisfy { hasCheck ? $0.state == .healthy : $0.state.isUp }
            if allReady && !replicas.isEmpty {
                handle.readiness.fulfill(.ready)
            } else if let final = replicas.first(where: { $0.isFinal }) {
                handle.readiness.fulfill(.failed(Self.summary(of: final.state, beforeReady: true)))
            }
        }
        if replicas.allSatisfy(\.isFinal) {
            handle.completion.fulfill(Self.completion(of: replicas.map(\.state)))
            if handles.values.allSatisfy(\.completion.isFulfilled), shutdown.isFulfilled || !hasWatchedService {
                allDone.fulfill()
            }
        }
    }

    private static func completion(of states: [ServiceState]) -> ServiceHandle.Completion {
        if states.allSatisfy({ $0 == .exited(.exited(0)) }) { return .succeeded }
        if let bad = states.first(where: { state in
            switch state {
            case .failed: true
            case .exited(let status): !status.isSuccess
            default: false
            }
        }) {
            return .failed(summary(of: bad, beforeReady: false))
        }
        return .stopped
    }

    /// How a dependent's message describes this state: "dependency 'x' <summary>".
    private static func summary(of state: ServiceState, beforeReady: Bool) -> String {
        switch state {
        case .exited(let status) where status.isSuccess && beforeReady: "exited before it was ready"
        case .exited(let status): status.description
        case .stopped: "was stopped"
        default: "failed"
        }
    }

    // MARK: - Outcome

    func outcome() -> SupervisorOutcome {
        var failures = preflightFailures
        for name in order {
            guard let record = records[name] else { continue }
            if let notStarted = record.notStarted {
                if case .failed(let reason) = notStarted,
                    !preflightFailures.contains(where: { $0.service == name })
                {
                    failures.append(ServiceFailure(service: name, reason: maskedLine(for: name, reason)))
                }
                continue
            }
            for replica in record.replicas {
                switch replica.state {
                case .failed(let reason):
                    failures.append(ServiceFailure(service: replica.name, reason: maskedLine(for: name, reason)))
                case .exited(let status) where !status.isSuccess:
                    failures.append(ServiceFailure(service: replica.name, reason: status.description))
                default:
                    break
                }
            }
        }
        return SupervisorOutcome(failures: failures, shutdownRequested: shutdown.isFulfilled)
    }
}
