import Synchronization

/// Limits wrong login attempts (the token in `/login?t=`, or a wrong `Authorization: Bearer`)
/// per client address with a small token bucket: ``burst`` wrong attempts at once, then one
/// per ``interval``. While a client's bucket is empty its attempts are answered 429 with
/// `Retry-After` *without* looking at the token, so guessing cannot go faster than the refill.
///
/// The token is 128 random bits, so this is belt and braces; it costs a lock and a dictionary
/// lookup per attempt. A browser already logged in (a valid session cookie) is never limited.
final class LoginLimiter: Sendable {
    /// Wrong attempts a client may make at once.
    let burst: Double
    /// How long one more attempt takes to come back.
    let interval: Duration
    /// Clients tracked at most; beyond that, new addresses share one bucket (loopback has 2^24).
    let maxClients: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    /// The key new clients share once ``maxClients`` addresses are tracked.
    static let overflowKey = "*"

    init(burst: Int = 5, interval: Duration = .seconds(1), maxClients: Int = 1_024) {
        self.burst = Double(max(burst, 1))
        self.interval = interval
        self.maxClients = maxClients
    }

    /// Whole seconds `client` must wait before its next attempt is looked at, or nil when it may
    /// try now.
    func retryAfter(_ client: String, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in
            guard let bucket = buckets[key(client, in: buckets)] else { return nil }
            let tokens = refilled(bucket, now: now)
            guard tokens < 1 else { return nil }
            let seconds = (1 - tokens) * seconds(of: interval)
            return max(1, Int(seconds.rounded(.up)))
        }
    }

    /// Counts one wrong attempt of `client`.
    func charge(_ client: String, now: ContinuousClock.Instant = .now) {
        buckets.withLock { buckets in
            if buckets[client] == nil, buckets.count >= maxClients { prune(&buckets, now: now) }
            let key = key(client, in: buckets)
            let tokens = buckets[key].map { refilled($0, now: now) } ?? burst
            buckets[key] = Bucket(tokens: max(tokens - 1, 0), updated: now)
        }
    }

    // MARK: - Buckets

    /// `client`, or the shared key when the table is full and `client` is not in it.
    private func key(_ client: String, in buckets: [String: Bucket]) -> String {
        buckets[client] != nil || buckets.count < maxClients ? client : Self.overflowKey
    }

    private func refilled(_ bucket: Bucket, now: ContinuousClock.Instant) -> Double {
        let elapsed = seconds(of: now - bucket.updated) / seconds(of: interval)
        return min(burst, bucket.tokens + max(elapsed, 0))
    }

    /// Forgets clients whose bucket is full again (the same as never having failed).
    private func prune(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        buckets = buckets.filter { $0.key == Self.overflowKey || refilled($0.value, now: now) < burst }
    }

    private func seconds(of duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension LoginLimiter {
    /// How many buckets are kept (at most ``maxClients`` plus the shared one).
    var trackedClients: Int { buckets.withLock { $0.count } }
}
