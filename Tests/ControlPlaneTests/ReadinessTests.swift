import AppStatus
import ControlPlane
import Testing

/// `up -d`'s readiness with `explicitStart`: waiting for a `not started` resource is settled.
@Suite struct ExplicitStartReadinessTests {
    static func status(_ resources: [ResourceStatus]) -> RunStatus {
        RunStatus(app: "a", manifest: "/a.yaml", pid: 1, startedAt: 0, resources: resources)
    }

    static func waiting(_ name: String, for names: [String]) -> ResourceStatus {
        var resource = ResourceStatus(name: name, state: .waiting)
        resource.waitingFor = names
        return resource
    }

    @Test("a waiter of a not-started resource, directly or through another waiter, is settled")
    func settled() {
        let status = Self.status([
            ResourceStatus(name: "worker", state: .notStarted),
            Self.waiting("web", for: ["worker"]),
            Self.waiting("edge", for: ["web"]),
            ResourceStatus(name: "api", state: .running, ready: true),
        ])
        #expect(status.readiness == .ready)
        #expect(status.waitingForNotStarted == ["web": ["worker"], "edge": ["worker"]])
    }

    @Test("a waiter that also waits for a starting resource is still pending")
    func pending() {
        let db = ResourceStatus(name: "db", state: .starting)
        let web = Self.waiting("web", for: ["worker", "db"])
        let status = Self.status([ResourceStatus(name: "worker", state: .notStarted), db, web])
        #expect(status.readiness == .pending([db, web]))
        #expect(status.waitingForNotStarted.isEmpty)
    }
}
