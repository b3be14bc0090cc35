// aspire_process.h — the whole C boundary between the supervisor and the kernel's process,
// pipe, epoll and socket calls that Swift cannot express safely (fork/exec, wait-status macros,
// packed epoll structs, socket address plumbing).
//
// Conventions: every function returns plain integers; a negative return is `-errno` unless the
// comment says otherwise. No pointer handed in is kept after the call returns.
#ifndef ASPIRE_PROCESS_H
#define ASPIRE_PROCESS_H

#include <stdint.h>
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

// MARK: - Spawning

/// Which step of starting a child failed (reported by the child through a close-on-exec pipe).
typedef enum {
    ASPIRE_SPAWN_OK = 0,
    ASPIRE_SPAWN_STEP_PIPE = 1,       // parent: creating the error pipe
    ASPIRE_SPAWN_STEP_FORK = 2,       // parent: fork()
    ASPIRE_SPAWN_STEP_SETPGID = 3,    // child: setpgid(0, 0)
    ASPIRE_SPAWN_STEP_PDEATHSIG = 4,  // child: prctl(PR_SET_PDEATHSIG) or the parent already died
    ASPIRE_SPAWN_STEP_STDIO = 5,      // child: /dev/null on stdin, dup2 of stdout/stderr
    ASPIRE_SPAWN_STEP_CHDIR = 6,      // child: chdir(working directory)
    ASPIRE_SPAWN_STEP_EXEC = 7,       // child: execve (after the PATH search)
    ASPIRE_SPAWN_STEP_UNKNOWN = 8,    // the child's report was cut short
    ASPIRE_SPAWN_STEP_CREDENTIALS = 9, // child: setgroups/setresgid/setresuid to the requested user
} aspire_spawn_step;

/// The outcome of `aspire_process_spawn`.
typedef struct {
    /// The child's pid (also its process group id) on success; 0 on failure.
    pid_t pid;
    /// `ASPIRE_SPAWN_OK`, or the step that failed.
    int step;
    /// The errno of the failed step; 0 on success.
    int error;
} aspire_spawn_result;

/// Starts `file` with `argv` and exactly the environment `envp`, in its own process group.
///
/// The child: resets every signal disposition to default and unblocks all signals, calls
/// setpgid(0, 0), asks for SIGKILL when the forking *thread* exits (PR_SET_PDEATHSIG) and exits
/// at once if the parent already died, takes stdin from /dev/null and stdout/stderr from the
/// given descriptors (a negative one means /dev/null), changes to `workdir` (when non-NULL),
/// closes every other descriptor, and execs. When `file` has no '/', it is searched on the
/// `PATH` found in `envp` (or `/usr/local/bin:/usr/bin:/bin` when there is none), relative to
/// `workdir`, the way execvp does.
///
/// When `uid`/`gid` are not -1 the child drops its supplementary groups and switches to them
/// (raw syscalls, affecting only the child) *before* arming PR_SET_PDEATHSIG, since the kernel
/// clears the parent-death signal on a credential change.
///
/// Blocks until the child has exec'd or failed. On failure the child has been reaped.
///
/// - Important: PR_SET_PDEATHSIG fires when the calling *thread* exits, so call this only from a
///   thread that outlives every child it starts.
/// - Returns: 0 on success, -1 on failure (see `result->step` and `result->error`).
int aspire_process_spawn(
    const char *_Nonnull file,
    char *_Nullable const *_Nonnull argv,
    char *_Nullable const *_Nonnull envp,
    const char *_Nullable workdir,
    int stdout_fd,
    int stderr_fd,
    int64_t uid,
    int64_t gid,
    aspire_spawn_result *_Nonnull result);

/// How a child started by `aspire_process_spawn_with` is tied to us.
typedef enum {
    /// Its own process group (setpgid(0, 0)) and SIGKILL when the forking thread exits: every
    /// service of the supervisor and every short job (its whole group can be killed at once).
    ASPIRE_SPAWN_OWN_GROUP = 0,
    /// Our process group (it gets the signals our group gets) and SIGKILL when the forking
    /// thread exits: a job whose output and signals are the caller's, e.g. an image pull.
    ASPIRE_SPAWN_SAME_GROUP = 1,
    /// A session of its own (setsid: no controlling terminal, so Ctrl-C and hang-up never reach
    /// it) and no death signal: it outlives us on purpose (`up --detach`'s background `up`).
    ASPIRE_SPAWN_DETACHED = 2,
} aspire_spawn_mode;

/// Everything `aspire_process_spawn_with` needs; pointers are only read during the call.
typedef struct {
    const char *_Nonnull file;
    char *_Nullable const *_Nonnull argv;
    char *_Nullable const *_Nonnull envp;
    /// The child's working directory, or NULL for ours.
    const char *_Nullable workdir;
    /// Descriptors for the child's stdin, stdout and stderr; a negative one means /dev/null.
    int stdin_fd;
    int stdout_fd;
    int stderr_fd;
    /// The user and group to switch to, or -1 to keep ours.
    int64_t uid;
    int64_t gid;
    /// An `aspire_spawn_mode`.
    int mode;
} aspire_spawn_options;

/// `aspire_process_spawn` with every option: stdin, and how the child is tied to us (`mode`).
/// In `ASPIRE_SPAWN_DETACHED` the child calls setsid() (step `ASPIRE_SPAWN_STEP_SETPGID` when it
/// fails) and arms no death signal, so it may be started from any thread.
///
/// - Returns: 0 on success, -1 on failure (see `result->step` and `result->error`).
int aspire_process_spawn_with(const aspire_spawn_options *_Nonnull options, aspire_spawn_result *_Nonnull result);

/// A pidfd for `pid` (close-on-exec), or `-errno` (e.g. -ENOSYS on kernels before 5.3).
int aspire_pidfd_open(pid_t pid);

/// 1 when `pid` (our child) has terminated but is not reaped yet, 0 when it still runs, `-errno`.
int aspire_process_has_exited(pid_t pid);

/// Reaps `pid`; `block` = 0 returns 0 at once when it still runs.
///
/// - Returns: 1 with `*status` set when reaped, 0 when still running (non-blocking), `-errno`.
int aspire_process_reap(pid_t pid, int block, int *_Nonnull status);

/// Decodes a wait status: returns 1 and the exit code when the child exited, 2 and the signal
/// when a signal killed it, 0 otherwise.
int aspire_wait_status_decode(int status, int *_Nonnull value);

/// Sends `sig` to the process group `pgid`. Returns 0 or `-errno` (-ESRCH when it is empty).
int aspire_kill_group(pid_t pgid, int sig);

/// Sends `sig` to `pid`. Returns 0 or `-errno`.
int aspire_kill(pid_t pid, int sig);

/// A close-on-exec pipe; `fds[0]` (the read end) is non-blocking, `fds[1]` blocking.
/// Both descriptors are >= 3. Returns 0 or `-errno`.
int aspire_pipe(int fds[_Nonnull 2]);

/// Sets O_NONBLOCK. Returns 0 or `-errno`.
int aspire_set_nonblocking(int fd);

// MARK: - Adopted descendants (aspire_reaper.c)

/// Marks the start of a spawn: until the matching `aspire_children_spawn_end`, the orphan reaper
/// reaps nothing (the new child is not registered yet). `aspire_process_spawn` calls both.
void aspire_children_spawn_begin(void);

/// Ends a spawn begun by `aspire_children_spawn_begin`; registers `pid` as our own child when
/// it is > 0.
void aspire_children_spawn_end(pid_t pid);

/// Forgets a reaped child of ours (`aspire_process_reap` calls it).
void aspire_children_forget(pid_t pid);

/// 1 when `pid` is a child we spawned and have not reaped yet, else 0.
int aspire_is_own_child(pid_t pid);

/// Makes this process a child subreaper (PR_SET_CHILD_SUBREAPER): orphaned descendants are
/// reparented to it instead of to PID 1. Installs a SIGCHLD handler (SA_RESTART |
/// SA_NOCLDSTOP) that adds 1 to the eventfd `notify_fd` on every SIGCHLD, so a waiter on that
/// descriptor learns that some child ended. Returns 0 or `-errno`.
int aspire_become_subreaper(int notify_fd);

/// Stops writing to the eventfd given to `aspire_become_subreaper` (before it is closed).
void aspire_sigchld_notify_stop(void);

/// Reaps every zombie child of ours that we did not spawn (an adopted orphan) and that is not in
/// our own process group (children of other code in this process stay in it). Does nothing,
/// returning -EAGAIN, while a spawn is in flight. Fills `reaped` with up to `capacity` pids.
///
/// - Returns: how many were reaped, or `-errno`.
int aspire_reap_adopted(pid_t *_Nonnull reaped, int capacity);

/// Every process in /proc: pid, parent pid, process group and state letter (`R`, `S`, `Z`, …),
/// up to `capacity` of each. Returns the number of processes found (more than `capacity` means
/// call again with more room), or `-errno`.
int aspire_list_processes(
    pid_t *_Nonnull pids, pid_t *_Nonnull ppids, pid_t *_Nonnull pgids, char *_Nonnull states, int capacity);

// MARK: - epoll

#define ASPIRE_IO_READ 1
#define ASPIRE_IO_WRITE 2
#define ASPIRE_IO_HANGUP 4

/// A close-on-exec epoll instance, or `-errno`.
int aspire_epoll_create(void);

/// Arms `fd` one-shot for `interest` (ASPIRE_IO_READ | ASPIRE_IO_WRITE); `add` chooses
/// EPOLL_CTL_ADD over EPOLL_CTL_MOD. Returns 0 or `-errno`.
int aspire_epoll_arm(int epfd, int fd, int interest, int add);

/// Removes `fd` from the set. Returns 0 or `-errno`.
int aspire_epoll_remove(int epfd, int fd);

/// Waits for events; fills `fds[i]`/`events[i]` (ASPIRE_IO_* bits). Returns the count or `-errno`.
int aspire_epoll_wait(int epfd, int *_Nonnull fds, int *_Nonnull events, int capacity, int timeout_ms);

/// A close-on-exec, non-blocking eventfd used to wake the loop, or `-errno`.
int aspire_eventfd_create(void);

/// Adds 1 to the eventfd (wakes a poller). Returns 0 or `-errno`.
int aspire_eventfd_signal(int fd);

/// Resets the eventfd counter.
void aspire_eventfd_drain(int fd);

// MARK: - Sockets (IPv4 literals only: "127.0.0.1", "0.0.0.0")

/// A non-blocking, close-on-exec listening socket (SO_REUSEADDR) on host:port, or `-errno`.
int aspire_tcp_listen(const char *_Nonnull host, int port, int backlog);

/// Whether host:port could be bound right now (SO_REUSEADDR, so TIME_WAIT does not count).
/// Returns 0 when free, or `-errno` (-EADDRINUSE when taken).
int aspire_tcp_probe_bind(const char *_Nonnull host, int port);

/// Starts a non-blocking connect to host:port. Returns the socket (>= 0) and sets
/// `*in_progress` to 1 when the caller must wait for writability and check
/// `aspire_socket_error`; or returns `-errno`.
int aspire_tcp_connect(const char *_Nonnull host, int port, int *_Nonnull in_progress);

/// The pending SO_ERROR of a socket (0 = none), or `-errno`.
int aspire_socket_error(int fd);

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC. Returns the socket or `-errno`.
int aspire_tcp_accept(int fd);

/// The local port a socket is bound to, or `-errno`.
int aspire_socket_local_port(int fd);

/// send() with MSG_NOSIGNAL. Returns bytes sent or `-errno`.
long aspire_socket_send(int fd, const void *_Nonnull buffer, unsigned long length);

/// shutdown(fd, SHUT_WR) when `how` is 1, SHUT_RDWR when 2. Returns 0 or `-errno`.
int aspire_socket_shutdown(int fd, int how);

// MARK: - Bytes (GNU extensions Swift cannot see without _GNU_SOURCE)

/// The offset of the last `byte` in `buffer`, or -1.
long aspire_last_index_of(const void *_Nonnull buffer, unsigned long length, int byte);

/// The offset of the first occurrence of `needle` in `haystack`, or -1.
long aspire_find_bytes(
    const void *_Nonnull haystack, unsigned long haystack_length,
    const void *_Nonnull needle, unsigned long needle_length);

// MARK: - Terminal

/// The size of the terminal on `fd` (TIOCGWINSZ): 0 with `*rows`/`*columns` set, or `-errno`
/// (`-ENOTTY` when `fd` is not a terminal). Asked on every redraw of `up`'s live board, so a
/// resized window needs no SIGWINCH handler.
int aspire_terminal_size(int fd, int *_Nonnull rows, int *_Nonnull columns);

#ifdef __cplusplus
}
#endif

#endif
