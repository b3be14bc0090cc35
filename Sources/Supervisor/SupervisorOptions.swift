/// How a supervisor run behaves, beyond what the plan says.
package struct SupervisorOptions: Sendable {
    /// Start only these services and what they transitively `waitFor`/`waitForCompletion`;
    /// nil starts everything.
    package var only: Set<String>?
    /// Where prefixed child output and status lines go.
    package var console: any ConsoleSink
    /// ANSI colours in the console (the caller decides from the TTY and `NO_COLOR`).
    package var color: Bool
    /// Delays between restarts.
    package var restartBackoff: RestartBackoff
    /// A log file is rotated to `<name>.log.1` when it would grow past this many bytes.
    package var logRotationBytes: Int
    /// How long output of an exited child is still read before its pipes are closed (a
    /// grandchild that left the process group may hold them open forever).
    package var outputDrainTimeout: Duration
    /// Become a child subreaper for the run (`PR_SET_CHILD_SUBREAPER`): reap orphaned
    /// descendants and stop them after the services. A process-wide setting, so only the CLI's
    /// `up` (one supervisor per process) turns it on.
    package var adoptOrphans: Bool
    /// Runs after every service stopped and before the adopted descendants are stopped: the
    /// CLI removes the app's containers here, so podman's `conmon` monitors (which it adopted)
    /// exit with their containers instead of being killed under them.
    package var beforeStoppingDescendants: (@Sendable () async -> Void)?
    /// Stops the server a `lifetime: persistent` service stands for (natives by their recorded
    /// pid, containers with their engine) when the service is restarted, by `restart` or a
    /// watch: its keeper would otherwise adopt the very server it was asked to restart. Runs on a
    /// thread of its own (it waits up to the server's grace period). Nil leaves the server be.
    package var retirePersistent: (@Sendable (_ name: String) -> Void)?

    /// Creates options.
    /// - Parameters:
    ///   - only: services to start (plus their dependencies); nil for all.
    ///   - console: where console lines go; standard output by default.
    ///   - color: whether to colour prefixes.
    ///   - restartBackoff: delays between restarts.
    ///   - logRotationBytes: the rotation size of log files (10 MB by default).
    ///   - outputDrainTimeout: how long to keep reading an exited child's pipes.
    ///   - adoptOrphans: become a child subreaper for the run (see the property).
    ///   - beforeStoppingDescendants: cleanup to run before adopted descendants are stopped.
    ///   - retirePersistent: stops a persistent service's server before a restart starts it anew.
    package init(
        only: Set<String>? = nil, console: any ConsoleSink = FileDescriptorConsoleSink(), color: Bool = false,
        restartBackoff: RestartBackoff = RestartBackoff(), logRotationBytes: Int = 10 * 1024 * 1024,
        outputDrainTimeout: Duration = .seconds(2), adoptOrphans: Bool = false,
        beforeStoppingDescendants: (@Sendable () async -> Void)? = nil,
        retirePersistent: (@Sendable (_ name: String) -> Void)? = nil
    ) {
        self.only = only
        self.console = console
        self.color = color
        self.restartBackoff = restartBackoff
        self.logRotationBytes = logRotationBytes
        self.outputDrainTimeout = outputDrainTimeout
        self.adoptOrphans = adoptOrphans
        self.beforeStoppingDescendants = beforeStoppingDescendants
        self.retirePersistent = retirePersistent
    }
}

/// Exponential backoff between restarts of a replica.
///
/// The n-th consecutive restart waits `initial * 2^(n-1)`, capped at `maximum`: 0.5 s, 1 s, 2 s,
/// 4 s, … 30 s by default. A run that lasted at least `resetAfter` (10 s by default) counts as
/// stable: the next restart waits `initial` again and `maxRestarts` counts from zero again, so a
/// service that crashes once a day is restarted every time while a crash loop stops after
/// `maxRestarts`. A crash-looping child therefore never spins the CPU.
package struct RestartBackoff: Sendable, Hashable {
    package var initial: Duration
    package var maximum: Duration
    package var resetAfter: Duration

    /// Creates a backoff policy (defaults: 0.5 s doubling up to 30 s, reset after 10 s up).
    package init(
        initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30), resetAfter: Duration = .seconds(10)
    ) {
        self.initial = initial
        self.maximum = maximum
        self.resetAfter = resetAfter
    }

    /// The delay before the restart that follows `consecutiveRestarts` earlier ones (0-based).
    package func delay(afterConsecutiveRestarts consecutiveRestarts: Int) -> Duration {
        var delay = initial
        for _ in 0..<min(consecutiveRestarts, 62) {
            delay *= 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }
}
