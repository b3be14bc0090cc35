/// Runs `jobs` independent jobs, numbered from 0, possibly at the same time, and returns when all
/// are done. `ParallelLoad.dispatch` runs them on Dispatch's pool; tests and the fuzzer pass a
/// serial one.
package typealias ConcurrentRunner = @Sendable (_ jobs: Int, _ job: @Sendable (Int) -> Void) -> Void

/// One result slot per job of a `ConcurrentRunner`: job `i` writes slot `i` only, and the slots
/// are read once the runner has returned (it waits for every job), so no two threads ever touch
/// the same slot at once. A plain buffer rather than a lock: nothing is contended, and a
/// sanitizer sees exactly these accesses (Synchronization's `Mutex` is a futex it cannot see).
final class JobResults<Value>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Value?>

    init(count: Int) {
        slots = .allocate(capacity: max(count, 0))
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    /// Stores job `index`'s result; call it from that job only.
    func set(_ index: Int, _ value: Value) { slots[index] = value }

    /// Takes job `index`'s value out of its slot (leaving it empty), so that what it holds is
    /// uniquely referenced again; call it from that job only, or when no job runs.
    func take(_ index: Int) -> Value? {
        let value = slots[index]
        slots[index] = nil
        return value
    }

    /// Every slot, in job order; call it after the runner returned.
    var values: [Value?] { Array(slots) }
}
