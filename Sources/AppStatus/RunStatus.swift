/// A snapshot of a running app: the body of the control API's `GET /v1/status`, and what `up`
/// writes to `.aspire/status.json` on every change for `ps` to read when the API does not answer
/// (another user, an older `up`). One value, so the two never differ.
package struct RunStatus: Codable, Sendable, Hashable {
    package var app: String
    /// The manifest's path.
    package var manifest: String
    /// The pid of `aspire up`.
    package var pid: Int32
    /// When `up` started (seconds since 1970).
    package var startedAt: Double
    /// A shutdown is under way.
    package var shuttingDown: Bool
    package var resources: [ResourceStatus]

    package init(
        app: String, manifest: String, pid: Int32, startedAt: Double, shuttingDown: Bool = false,
        resources: [ResourceStatus]
    ) {
        self.app = app
        self.manifest = manifest
        self.pid = pid
        self.startedAt = startedAt
        self.shuttingDown = shuttingDown
        self.resources = resources
    }

    private enum CodingKeys: String, CodingKey {
        case app, manifest, pid, startedAt, shuttingDown, resources
    }

    /// `shuttingDown` defaults to false: an older `status.json` did not have it.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        app = try container.decode(String.self, forKey: .app)
        manifest = try container.decode(String.self, forKey: .manifest)
        pid = try container.decode(Int32.self, forKey: .pid)
        startedAt = try container.decode(Double.self, forKey: .startedAt)
        shuttingDown = try container.decodeIfPresent(Bool.self, forKey: .shuttingDown) ?? false
        resources = try container.decode([ResourceStatus].self, forKey: .resources)
    }
}
