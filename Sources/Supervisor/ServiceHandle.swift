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
    /// Whether the console shows colour (a child's SGR sequences are kept).
    let consoleColor: Bool
    /// Log-file prefix per replica (empty unless the service has several replicas).
    let filePrefixes: [[UInt8]]
    let logFile: LogFile?
    let masker: SecretMasker

    /// Fulfilled once per generation: ready, or failed before it could be (re-armed by
    /// `stop`/`start`, see `ServiceControl`).
    var readiness: OneShot<Readiness> { control.readiness }
    /// Fulfilled once every replica is finished for good (re-armed by `start`).
    var completion: OneShot<Completion> { control.completion }
    /// Stop requests, relaunches and the per-generation latches.
    let control = ServiceControl()
    /// Fulfilled by the shutdown coordinator when this service may be stopped (its dependents
    /// have stopped), or at once on a forced shutdown.
    let stopTurn = OneShot<Void>()

    init(spec: ServiceSpec, layout: ConsoleLayout, colorIndex: Int, logFile: LogFile?) {
        self.spec = spec
        let names = spec.replicas.indices.map { $0 == 0 ? spec.name : "\(spec.name)-\($0)" }
        replicaNames = names
        consolePrefixes = names.map { layout.prefix(for: $0, colorIndex: colorIndex) }
        consoleColor = layout.color
        filePrefixes = names.map { spec.replicas.count > 1 ? Array("\($0) | ".utf8) : [] }
        self.logFile = logFile
        masker = SecretMasker(secrets: spec.secrets)
    }
}
