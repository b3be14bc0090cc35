/// What the tasks of one run share about a service: its spec, its output plumbing, and the
/// latches its dependents and the shutdown coordinator wait on.
final class ServiceHandle: Sendable {
    /// Whether a service became ready for its `waitFor` dependents (healthy, or started when it
    /// has no health check), or never will.
    enum Readiness: Sendable, Hashable {
        case ready
        /// Why not, e.g. "failed", "exited with code 3".
        case failed(String)
    }

    /// How a service finished for good (every replica ended with no restart pending).
    enum Completion: Sendable, Hashable {
        /// Every replica exited with status 0.
        case succeeded
        /// Why not, e.g. "exited with code 3", "failed".
        case failed(String)
        /// The supervisor stopped it (shutdown).
        case stopped
    }

    let spec: ServiceSpec
    /// `name`, `name-1`, … per replica.
    let replicaNames: [String]
    /// Console prefix per replica (padded, maybe coloured, ending in "| ").
    let consolePrefixes: [[UInt8]]
    /// Log-file prefix per replica (empty unless the service has several replicas).
    let filePrefixes: [[UInt8]]
    let logFile: LogFile?
    let masker: SecretMasker

    /// Fulfilled once: ready, or failed before it could be.
    let readiness = OneShot<Readiness>()
    /// Fulfilled once every replica is finished for good.
    let completion = OneShot<Completion>()
    /// Fulfilled by the shutdown coordinator when this service may be stopped (its dependents
    /// have stopped), or at once on a forced shutdown.
    let stopTurn = OneShot<Void>()

    init(spec: ServiceSpec, layout: ConsoleLayout, colorIndex: Int, logFile: LogFile?) {
        self.spec = spec
        let names = spec.replicas.indices.map { $0 == 0 ? spec.name : "\(spec.name)-\($0)" }
        replicaNames = names
        consolePrefixes = names.map { layout.prefix(for: $0, colorIndex: colorIndex) }
        filePrefixes = names.map { spec.replicas.count > 1 ? Array("\($0) | ".utf8) : [] }
        self.logFile = logFile
        masker = SecretMasker(secrets: spec.secrets)
    }
}
