import Testing

/// The longest end-to-end suites (publish runs, persistent servers) nest here so they run one at a
/// time. Their tests are synchronous and block a thread of Swift's cooperative pool for up to a
/// minute each; that pool has one thread per core, and with two of them blocked on a 2-core box
/// every async test in the process (servers on sockets, dashboards) stalled for a minute or more.
@Suite(.serialized) enum SlowEndToEnd {}
