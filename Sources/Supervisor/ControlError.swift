/// Why a control request (`stop`, `start`, `restart`) was refused. Nothing was changed when one
/// is thrown: every name is checked before any service is touched.
package struct ControlError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for callers that map errors to answers (HTTP status, exit code).
    package enum Code: Sendable, Hashable {
        /// Names that are no service of this app (`known` lists the ones that are).
        case unknownServices([String])
        /// Names of services in the plan that this run did not select (`up NAME…`).
        case notInRun([String])
        /// The supervisor is not running services (not started yet, or nothing could start).
        case notRunning
        /// A shutdown is under way; nothing starts or stops on request any more.
        case shuttingDown
        /// Every service has finished for good and the run is ending.
        case finished
    }

    package let code: Code
    /// The services of this run (plan order), for did-you-mean suggestions.
    package let known: [String]

    package init(_ code: Code, known: [String] = []) {
        self.code = code
        self.known = known
    }

    package var description: String {
        switch code {
        case .unknownServices(let names):
            "no resource named \(Self.list(names)) in this app"
        case .notInRun(let names):
            "\(Self.list(names)) \(names.count == 1 ? "is" : "are") not part of this run (up was started with a selection)"
        case .notRunning: "the app is not running any resources"
        case .shuttingDown: "the app is shutting down"
        case .finished: "every resource of the app has finished; the app is ending"
        }
    }

    /// `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`.
    private static func list(_ names: [String]) -> String {
        let quoted = names.map { "'\($0)'" }
        guard let last = quoted.last else { return "" }
        return quoted.count == 1 ? last : quoted.dropLast().joined(separator: ", ") + " and " + last
    }

    package static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    package func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
