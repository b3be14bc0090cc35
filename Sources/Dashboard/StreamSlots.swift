import Synchronization

/// Bounds how many server-sent event streams (console logs and telemetry pages) are open at once.
///
/// Each stream holds a connection and a task for as long as its page is open, so a script opening
/// thousands would pin them all: past ``limit`` the answer is 503 (the page falls back to
/// fetching every few seconds). A ``Slot`` is freed when the response holding it goes, however
/// its body ends (finished, cut, or never written, as for a HEAD request).
final class StreamSlots: Sendable {
    /// The default bound: far more tabs than a person opens, few enough to be cheap.
    static let defaultLimit = 32

    let limit: Int
    private let open = Mutex(0)

    init(limit: Int = defaultLimit) {
        self.limit = limit
    }

    /// How many streams are open now.
    var count: Int { open.withLock { $0 } }

    /// A slot, or nil when ``limit`` streams are open.
    func take() -> Slot? {
        let taken = open.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        return taken ? Slot(owner: self) : nil
    }

    fileprivate func release() {
        open.withLock { $0 -= 1 }
    }

    /// One open stream's place; freed on deinit.
    final class Slot: Sendable {
        private let owner: StreamSlots

        fileprivate init(owner: StreamSlots) {
            self.owner = owner
        }

        deinit { owner.release() }
    }
}
