// aspire_sentinel.h — the watchdog that outlives `up` just long enough to kill every descendant
// left when `up` ends, however it ends (even `kill -9`). See aspire_sentinel.c.
#ifndef ASPIRE_SENTINEL_H
#define ASPIRE_SENTINEL_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if !__has_feature(nullability)
#define _Nonnull
#define _Nullable
#endif

/// The longest marker `aspire_sentinel_start` accepts (without the terminating NUL).
#define ASPIRE_SENTINEL_MARKER_MAX 128

/// Forks the sentinel: a process in a session of its own (so a Ctrl-C, a SIGHUP of the terminal
/// or a kill of `up`'s process group misses it) that ignores the usual stop signals, holds no
/// descriptor but /dev/null and the read end of a pipe whose write end only we hold
/// (close-on-exec), and waits. When that pipe closes — `up` closed it, exited, or died, even by
/// SIGKILL — it SIGKILLs every process whose initial environment holds `marker` (an entry such
/// as `ASPIRE_RUN_COOKIE=…` that every child gets and every grandchild inherits), and the process
/// group each one leads, round after round until none is left; then it exits.
///
/// The sentinel is registered as our own child (see `aspire_children_spawn_begin`), so the orphan
/// reaper neither reaps it nor counts it among the descendants to stop; reap it with
/// `aspire_process_reap` after closing the pipe.
///
/// - Parameters:
///   - marker: `NAME=VALUE`, at most `ASPIRE_SENTINEL_MARKER_MAX` bytes, with no NUL inside.
///   - pid: set to the sentinel's pid.
/// - Returns: the write end of the pipe (close it to make the sentinel sweep and exit), or
///   `-errno`.
int aspire_sentinel_start(const char *_Nonnull marker, pid_t *_Nonnull pid);

#ifdef __cplusplus
}
#endif

#endif
