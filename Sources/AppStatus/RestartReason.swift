/// Why the supervisor last restarted a resource: the `lastRestart` of its status, shown by `ps`,
/// the dashboard and `up`'s live board (docs/control-api.md).
///
/// In JSON: `{"kind": "watch", "path": "app.py", "at": 1765100000.5}`,
/// `{"kind": "crash", "exit": "exited with code 3", "policy": "on-failure", "at": …}` or
/// `{"kind": "manual", "at": …}`.
package struct RestartReason: Codable, Sendable, Hashable, CustomStringConvertible {
    /// What caused the restart.
    package enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        /// `watch:` saw a file change.
        case watch
        /// The process ended and its restart policy restarted it.
        case crash
        /// `aspire restart` or the dashboard's restart button.
        case manual
    }

    package var kind: Kind
    /// `watch`: the first changed path, relative to the watched folder.
    package var path: String?
    /// `watch` with `restartDependents`: the watched resource whose change restarted this one.
    package var dependency: String?
    /// `crash`: how the process ended (`exited with code 3`, `killed by SIGSEGV`).
    package var exit: ResourceState?
    /// `crash`: the restart policy that restarted it (`on-failure`, `always`).
    package var policy: String?
    /// When it was restarted (seconds since 1970).
    package var at: Double

    package init(
        kind: Kind, path: String? = nil, dependency: String? = nil, exit: ResourceState? = nil, policy: String? = nil,
        at: Double
    ) {
        self.kind = kind
        self.path = path
        self.dependency = dependency
        self.exit = exit
        self.policy = policy
        self.at = at
    }

    /// One line for people: `changed: app.py`, `api changed: app.py`,
    /// `exited with code 3 (restart: on-failure)`, `aspire restart`.
    package var description: String {
        switch kind {
        case .watch:
            let change = "changed: \(path ?? "?")"
            return dependency.map { "\($0) \(change)" } ?? change
        case .crash:
            return "\(exit?.description ?? "exited")" + (policy.map { " (restart: \($0))" } ?? "")
        case .manual:
            return "aspire restart"
        }
    }
}
