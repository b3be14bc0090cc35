extension ControlStatus {
    /// Where an app stands for `up --detach` (like `docker compose up --wait`).
    package enum Readiness: Sendable, Hashable {
        /// Every resource is ready: healthy, or running with no health check, or a one-shot job
        /// that exited 0.
        case ready
        /// These resources are not ready yet (waiting, starting, not yet healthy — an unhealthy
        /// one is still probed and may recover, as `waitFor` sees it), and nothing has failed.
        case pending([ControlResource])
        /// These resources failed: finished without being ready (failed to start, not started
        /// because a dependency failed, exited non-zero with no restart left, stopped).
        case failed([ControlResource])
    }

    /// Whether the app is ready, still getting there, or failed; a failure wins over waiting.
    package var readiness: Readiness {
        let failed = resources.filter(\.hasFailed)
        if !failed.isEmpty { return .failed(failed) }
        let pending = resources.filter { !$0.ready }
        return pending.isEmpty ? .ready : .pending(pending)
    }
}
