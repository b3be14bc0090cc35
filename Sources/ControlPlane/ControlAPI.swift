package import AppStatus

// The JSON bodies of the control API (docs/control-api.md). A status is `RunStatus`, the very
// value `up` writes to `.aspire/status.json`, and each resource a `ResourceStatus`, the one the
// dashboard and `ps` show.

/// What `POST /v1/resources/{name}/{action}` does.
package enum ControlAction: String, Codable, Sendable, Hashable, CaseIterable {
    case stop, start, restart
}

/// The body of `POST /v1/{action}`: several resources at once.
package struct ControlActionRequest: Codable, Sendable, Hashable {
    package var resources: [String]

    package init(resources: [String]) { self.resources = resources }
}

/// The answer to a stop, start or restart: the resources' states once it is done.
package struct ControlActionResponse: Codable, Sendable, Hashable {
    package var action: ControlAction
    package var resources: [ResourceStatus]

    package init(action: ControlAction, resources: [ResourceStatus]) {
        self.action = action
        self.resources = resources
    }
}

/// The answer to `POST /v1/shutdown`.
package struct ControlShutdownResponse: Codable, Sendable, Hashable {
    /// Always true: the app is stopping.
    package var shuttingDown: Bool
    /// The shutdown was already under way (this request changed nothing).
    package var alreadyShuttingDown: Bool

    package init(shuttingDown: Bool, alreadyShuttingDown: Bool) {
        self.shuttingDown = shuttingDown
        self.alreadyShuttingDown = alreadyShuttingDown
    }
}

/// The body of every error answer (4xx, 5xx).
package struct ControlErrorBody: Codable, Sendable, Hashable {
    /// One line for a person, e.g. "no resource named 'wbe' in this app; did you mean 'web'?".
    package var error: String
    /// A stable identifier: badRequest, forbidden, notFound, unknownResource, notInRun,
    /// methodNotAllowed, notRunning, shuttingDown, finished, tooLarge, internal, and for telemetry
    /// noTelemetry, unknownTrace, unknownInstrument.
    package var code: String
    /// The resources the error is about, when it is about some.
    package var resources: [String]?

    package init(error: String, code: String, resources: [String]? = nil) {
        self.error = error
        self.code = code
        self.resources = resources
    }
}
