#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The piece of `up` that outlives it: a small process (forked, never exec'd; C side in
/// `Sources/CProcessShim/aspire_sentinel.c`) that waits on a pipe only `up` holds open. When the
/// pipe closes — `up` finished its run, exited, crashed, or was killed with `kill -9` — it
/// SIGKILLs every process carrying this run's cookie in its environment, then exits.
///
/// Every child the supervisor spawns gets `ASPIRE_RUN_COOKIE=<random>` (`environment`), and
/// grandchildren inherit it whatever they do to their process group, session or parent, so the
/// sentinel finds the double-forked, `setsid`-calling daemon that PR_SET_PDEATHSIG and the
/// subreaper's sweep cannot reach once `up` is dead.
struct Sentinel: Sendable {
    /// The environment variable holding the run's cookie (reserved; see docs/environment.md).
    static let variable = "ASPIRE_RUN_COOKIE"

    let cookie: String
    let pid: Int32
    /// The write end of the sentinel's pipe; closing it starts the final sweep.
    private let fd: Int32

    /// Starts the sentinel with a fresh cookie; nil when it cannot be forked (the run goes on
    /// without it: graceful stops still reach every descendant through the subreaper).
    init?() {
        var generator = SystemRandomNumberGenerator()
        let cookie = (0..<2).map { _ in
            let value = generator.next() as UInt64
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
        guard let started = try? Syscalls.startSentinel(marker: "\(Self.variable)=\(cookie)") else { return nil }
        self.cookie = cookie
        pid = started.pid
        fd = started.fd
    }

    /// What every spawned child gets added to its environment.
    var environment: [String: String] { [Self.variable: cookie] }

    /// Closes the pipe (the sentinel sweeps what is left of the run) and reaps the sentinel,
    /// waiting up to `timeout` for it; call once, after every service has stopped.
    func stop(timeout: Duration = .seconds(5)) async {
        Syscalls.close(fd)
        let deadline = ContinuousClock.now + timeout
        while Syscalls.reap(pid, blocking: false) == nil, ContinuousClock.now < deadline {
            // Cancelled (a forced stop), the sleep returns at once: pause the thread instead.
            do { try await Task.sleep(for: .milliseconds(5)) } catch { usleep(5000) }
        }
    }
}
