#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A value behind a `pthread_mutex_t`: the state the supervisor's threads share.
///
/// Why not `Synchronization.Mutex`: on Linux it locks with atomics and futexes inside the
/// uninstrumented standard library, so ThreadSanitizer sees none of its ordering and reports
/// every access it guards as a race (a two-thread `Mutex` counter reproduces it). pthread
/// mutexes are intercepted by the sanitizers, so `make sanitize-thread` reports only real races.
package final class Locked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    package init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value, holding the lock; `body` must not block for long.
    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
