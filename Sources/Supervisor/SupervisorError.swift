/// Why a supervisor run could not happen at all (problems with services are reported in
/// `SupervisorOutcome` instead).
package struct SupervisorError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case unknownService(String)
        case dependencyCycle([String])
        case alreadyRun
        case setup(String)
    }

    private let code: Code
    /// The errno behind a setup failure, when there is one.
    package let underlyingErrno: Int32?

    private init(_ code: Code, errno: Int32? = nil) {
        self.code = code
        self.underlyingErrno = errno
    }

    /// `only` names a service that is not in the plan.
    package static func unknownService(_ name: String) -> Self { Self(.unknownService(name)) }
    /// Services wait for each other in a circle (the path, first name repeated at the end).
    package static func dependencyCycle(_ path: [String]) -> Self { Self(.dependencyCycle(path)) }
    /// `run()` was called a second time on the same supervisor.
    package static var alreadyRun: Self { Self(.alreadyRun) }
    /// The supervisor could not set itself up (log folder, epoll, …).
    package static func setup(_ what: String, errno: Int32? = nil) -> Self { Self(.setup(what), errno: errno) }

    package var description: String {
        switch code {
        case .unknownService(let name): "unknown service '\(name)'"
        case .dependencyCycle(let path): "services wait for each other in a cycle: \(path.joined(separator: " -> "))"
        case .alreadyRun: "this supervisor has already run"
        case .setup(let what): what
        }
    }

    package static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    package func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
