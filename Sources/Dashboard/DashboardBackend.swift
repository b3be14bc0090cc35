package import AppStatus

// MARK: - What the dashboard needs from the running app

/// Everything the dashboard reads from, and asks of, the running app.
///
/// The dashboard knows nothing of the supervisor: `aspire up` hands it a value of this type that
/// answers from the supervisor, the status file and `.aspire/logs/`. Tests hand it a fake.
///
/// - Important: Every method may be called concurrently from many requests; keep them cheap and
///   never block a thread (the dashboard polls `resources()` about once a second per open page).
package protocol DashboardBackend: Sendable {
    /// The app's resources as `aspire ps` lists them: same names, states and URLs.
    func resources() async -> [ResourceStatus]

    /// The last `lines` lines of a resource's console log, or of every resource's when `resource` is nil.
    ///
    /// - Parameters:
    ///   - resource: A resource name, or nil for all of them.
    ///   - lines: At most this many lines (per resource when `resource` is nil).
    /// - Returns: Oldest first, secrets already masked as the log files hold them.
    func logTail(resource: String?, lines: Int) async -> [DashboardLogLine]

    /// The lines written after this call, live, until the consumer stops iterating.
    ///
    /// - Parameter resource: A resource name, or nil for all of them.
    /// - Returns: A stream that ends when the consumer's task is cancelled (the implementation
    ///   stops following its files in `onTermination`), or when the app stops.
    /// - Important: Buffer with a bound (`.bufferingNewest`): a child writing 10,000 lines a second
    ///   must not grow memory when the browser is slower.
    func logStream(resource: String?) -> AsyncStream<DashboardLogLine>

    /// The environment a resource was started with (replica 0's), secrets flagged.
    ///
    /// - Parameter resource: A resource name.
    /// - Returns: nil when no such resource exists or it runs nothing.
    func environment(resource: String) async -> [DashboardVariable]?

    /// The resources and the edges between them.
    func graph() async -> DashboardGraph

    /// Starts, stops or restarts one resource.
    ///
    /// - Parameters:
    ///   - action: What to do.
    ///   - resource: The resource's name.
    /// - Throws: ``DashboardActionError`` with a message the page shows as it is.
    func perform(_ action: DashboardAction, resource: String) async throws
}

/// What a button on the resource table asks for.
package enum DashboardAction: String, Sendable, Hashable, CaseIterable, Codable {
    case start
    case stop
    case restart
}

/// Why an action was refused; the dashboard turns the code into an HTTP status.
package struct DashboardActionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of refusal this is.
    package enum Code: Sendable, Hashable {
        /// No resource of that name (HTTP 404).
        case unknownResource
        /// Not possible in the resource's current state, e.g. restarting one that is waiting (HTTP 409).
        case conflict
        /// The running app cannot do this (HTTP 501), e.g. control not wired in.
        case unsupported
        /// It was tried and failed (HTTP 500).
        case failed
    }

    /// The kind of refusal.
    package var code: Code
    /// One line for the user, without the resource name's prefix.
    package var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of refusal.
    ///   - message: One line the page shows as it is.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
