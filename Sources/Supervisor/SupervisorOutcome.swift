/// How a supervisor run ended.
package struct SupervisorOutcome: Sendable, Hashable {
    /// Every service (or replica) that did not end cleanly, in plan order. Ending cleanly means
    /// exiting with status 0 or being stopped by the supervisor.
    package var failures: [ServiceFailure]
    /// Whether the run ended because `requestShutdown()` was called.
    package var shutdownRequested: Bool

    /// True when nothing failed (the CLI exits 0).
    package var isSuccess: Bool { failures.isEmpty }

    package init(failures: [ServiceFailure], shutdownRequested: Bool) {
        self.failures = failures
        self.shutdownRequested = shutdownRequested
    }
}

/// One service (or replica) that did not end cleanly.
package struct ServiceFailure: Sendable, Hashable, CustomStringConvertible {
    /// The service or replica name (`api`, `api-1`).
    package var service: String
    /// One line, e.g. "command 'foo' not found", "exited with code 3",
    /// "not started: dependency 'db' failed", "port 8080 is already in use by pid 42 (nginx)".
    package var reason: String

    package init(service: String, reason: String) {
        self.service = service
        self.reason = reason
    }

    package var description: String { "\(service): \(reason)" }
}
