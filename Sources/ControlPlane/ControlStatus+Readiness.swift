package import AppStatus
import Foundation

extension RunStatus {
    /// Where an app stands for `up --detach` (like `docker compose up --wait`).
    package enum Readiness: Sendable, Hashable {
        /// Every resource is ready: healthy, or running with no health check, or a one-shot job
        /// that exited 0.
        case ready
        /// These resources are not ready yet (waiting, starting, not yet healthy — an unhealthy
        /// one is still probed and may recover, as `waitFor` sees it), and nothing has failed.
        case pending([ResourceStatus])
        /// These resources failed: finished without being ready (failed to start, not started
        /// because a dependency failed, exited non-zero with no restart left, stopped).
        case failed([ResourceStatus])
    }

    /// Whether the app is ready, still getting there, or failed; a failure wins over waiting.
    package var readiness: Readiness {
        let failed = resources.filter(\.hasFailed)
        if !failed.isEmpty { return .failed(failed) }
        // An `explicitStart` resource not started yet is not waited for (it waits for `start`),
        // nor is one that waits, directly or through others, for such a resource.
        let parked = waitingForNotStarted
        let pending = resources.filter { !$0.ready && $0.state != .notStarted && parked[$0.name] == nil }
        return pending.isEmpty ? .ready : .pending(pending)
    }

    /// The `waiting` resources that wait, directly or through other waiting resources, for a
    /// resource that is `not started` (`explicitStart`): each with the not-started resources it
    /// waits for, so `up -d` can say `web: waiting for worker (not started)`.
    package var waitingForNotStarted: [String: [String]] {
        let byName = Dictionary(resources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var result: [String: [String]] = [:]
        for resource in resources where resource.state == .waiting {
            var found: [String] = []
            var seen: Set<String> = [resource.name]
            var pending = resource.waitingFor
            while !pending.isEmpty {
                let name = pending.removeFirst()
                guard seen.insert(name).inserted, let dependency = byName[name] else { continue }
                if dependency.state == .notStarted {
                    found.append(name)
                } else if dependency.state == .waiting {
                    pending += dependency.waitingFor
                }
            }
            // Settled only when every unmet dependency leads to a not-started one.
            if !found.isEmpty && leadsOnlyToNotStarted(resource, byName: byName) { result[resource.name] = found }
        }
        return result
    }

    /// Whether every unmet dependency of `resource` is not started, or waits only on such ones.
    private func leadsOnlyToNotStarted(_ resource: ResourceStatus, byName: [String: ResourceStatus]) -> Bool {
        var seen: Set<String> = [resource.name]
        var pending = resource.waitingFor
        while !pending.isEmpty {
            let name = pending.removeFirst()
            guard seen.insert(name).inserted, let dependency = byName[name] else { continue }
            switch dependency.state {
            case .notStarted: continue
            case .waiting where !dependency.waitingFor.isEmpty: pending += dependency.waitingFor
            default: return false
            }
        }
        return true
    }
}

extension RunStatus {
    /// How long `up --detach` waits after `ready` for a resource that is ready only because it
    /// runs (no health check and no port to probe): such a resource must be up this long, so one
    /// that dies at once (a bad flag, an import error) still fails `up -d`. Ready-by-check
    /// resources never wait for it. docs/supervisor.md#readiness says why 200 ms.
    package static let settle: Double = 0.2

    /// The time until every running resource that is ready only because it runs has been up for
    /// `settle`, or nil when each has (or there is none).
    ///
    /// - Parameter now: seconds since 1970 (the clock `upSince` is on).
    package func settleWait(now: Double = Date().timeIntervalSince1970) -> Duration? {
        let youngest = resources.filter { !$0.healthCheck && !$0.finished }.compactMap(\.upSince).max()
        guard let youngest, now - youngest < Self.settle else { return nil }
        // Clamped: an `upSince` ahead of this clock must not make the wait longer than `settle`.
        let remaining = min(max(Self.settle - (now - youngest), 0), Self.settle)
        return .milliseconds(Int64(remaining * 1000) + 1)
    }
}
