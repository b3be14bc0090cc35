// aspire_sentinel.c — the watchdog that makes "no descendant outlives `up`" hold after `kill -9`
// of `up` too. See aspire_sentinel.h for the contract and docs/architecture.md ("No orphans").
//
// Why a separate process: PR_SET_PDEATHSIG reaches only direct children, and the subreaper's
// sweep needs `up` alive. When `up` dies by SIGKILL its orphans go to PID 1; only something that
// outlives `up` can still find and kill them. The sentinel is forked from a multi-threaded
// process and never execs, so after fork it makes only async-signal-safe calls: raw system calls
// on stack buffers, no allocation, no locks, no stdio.
//
// How it finds them: every child `up` spawns gets a per-run marker in its environment
// (`ASPIRE_RUN_COOKIE=<random>`), which grandchildren inherit whatever they do to their process
// group, session or parent (the technique of Jenkins' ProcessTreeKiller with BUILD_ID). The
// sentinel reads /proc/PID/environ (the process's initial environment) of every process it may
// read and kills those that hold the marker.
#define _GNU_SOURCE
#include "aspire_sentinel.h"
#include "aspire_process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/// How many sweeps at most (a process that forks faster than it is killed cannot keep the
/// sentinel alive forever), and the pause between sweeps that found something.
#define SWEEP_ROUNDS 400
#define SWEEP_PAUSE_NS (5 * 1000 * 1000)

/// Writes the decimal digits of `value` at `out`; returns the number of bytes written.
static size_t sentinel_format_pid(char *out, pid_t value) {
    char digits[16];
    size_t count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0 && count < sizeof digits);
    for (size_t i = 0; i < count; i++) out[i] = digits[count - 1 - i];
    return count;
}

/// Opens /proc/PID/<leaf> for reading; -1 when it cannot.
static int sentinel_open_proc(pid_t pid, const char *leaf) {
    char path[64];
    size_t length = 0;
    memcpy(path, "/proc/", 6);
    length = 6;
    length += sentinel_format_pid(path + length, pid);
    path[length++] = '/';
    size_t leaf_length = strlen(leaf);
    if (length + leaf_length + 1 > sizeof path) return -1;
    memcpy(path + length, leaf, leaf_length + 1);
    return open(path, O_RDONLY | O_CLOEXEC);
}

/// Whether the environment of `pid` holds the entry `needle` (given as "\0NAME=VALUE\0": the
/// entry with the separators on both sides; the first entry is matched by a virtual leading NUL).
static int sentinel_has_marker(pid_t pid, const char *needle, size_t needle_length) {
    int fd = sentinel_open_proc(pid, "environ");
    if (fd < 0) return 0;
    char buffer[4096];
    // The needle has NULs only at both ends, so after a mismatch a match can only restart at a
    // NUL of the text: a one-state-variable search, with no table.
    size_t matched = 1;
    int found = 0;
    for (;;) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        for (ssize_t i = 0; i < n && !found; i++) {
            char c = buffer[i];
            if (c == needle[matched]) {
                if (++matched == needle_length) found = 1;
            } else {
                matched = c == '\0' ? 1 : 0;
            }
        }
        if (found) break;
    }
    // The last entry may end the block without its NUL.
    if (!found && matched == needle_length - 1) found = 1;
    close(fd);
    return found;
}

/// Whether `pid` is podman's container monitor, which is left to the next `up` or `down`: it
/// removes the container by its label, and killing conmon under a running container would leave
/// that container half-stopped.
static int sentinel_is_spared(pid_t pid) {
    int fd = sentinel_open_proc(pid, "comm");
    if (fd < 0) return 0;
    char name[32];
    ssize_t n;
    do {
        n = read(fd, name, sizeof name - 1);
    } while (n < 0 && errno == EINTR);
    close(fd);
    if (n <= 0) return 0;
    name[n] = '\0';
    return strcmp(name, "conmon\n") == 0;
}

/// One sweep over /proc: SIGKILLs every process (and the group it leads) whose environment holds
/// the needle. Returns how many it found.
static int sentinel_sweep(const char *needle, size_t needle_length, pid_t self) {
    int proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (proc < 0) return 0;
    int found = 0;
    char buffer[8192];
    for (;;) {
        long n = syscall(SYS_getdents64, proc, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        for (long offset = 0; offset < n;) {
            // struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, char name[].
            unsigned short record;
            memcpy(&record, buffer + offset + 16, sizeof record);
            const char *name = buffer + offset + 19;
            offset += record;
            if (record == 0) break;
            pid_t pid = 0;
            int numeric = name[0] != '\0';
            for (const char *c = name; *c != '\0'; c++) {
                if (*c < '0' || *c > '9' || pid > 100000000) {
                    numeric = 0;
                    break;
                }
                pid = pid * 10 + (*c - '0');
            }
            if (!numeric || pid <= 1 || pid == self) continue;
            if (!sentinel_has_marker(pid, needle, needle_length) || sentinel_is_spared(pid)) continue;
            found++;
            // A daemon after setsid leads its own group: take along what it started in it.
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
        }
    }
    close(proc);
    return found;
}

/// The sentinel, after fork: never returns.
static void sentinel_main(int read_fd, const char *needle, size_t needle_length) {
    setsid();
    prctl(PR_SET_NAME, "aspire-sentinel", 0, 0, 0);
    // Stop signals meant for `up` or its terminal must not end the sentinel before `up` does.
    static const int ignored[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGALRM, SIGUSR1,
                                  SIGUSR2, SIGTSTP, SIGTTIN, SIGTTOU};
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    for (int sig = 1; sig < 32; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        action.sa_handler = SIG_DFL;
        for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) {
            if (ignored[i] == sig) action.sa_handler = SIG_IGN;
        }
        sigaction(sig, &action, NULL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    // Hold nothing of `up`'s: no sockets, no ports, no log files, no pipes a reader waits on.
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
    }
#ifdef SYS_close_range
    if (read_fd > 3) syscall(SYS_close_range, 3u, (unsigned)(read_fd - 1), 0u);
    syscall(SYS_close_range, (unsigned)(read_fd + 1), ~0u, 0u);
#else
    for (int fd = 3; fd < 65536; fd++) {
        if (fd != read_fd) close(fd);
    }
#endif
    if (chdir("/") != 0) {
        // Harmless: the sentinel then keeps `up`'s working directory busy a little longer.
    }

    char byte;
    for (;;) {
        ssize_t n = read(read_fd, &byte, 1);
        if (n == 0 || (n < 0 && errno != EINTR)) break;
    }
    close(read_fd);

    pid_t self = getpid();
    struct timespec pause = {0, SWEEP_PAUSE_NS};
    for (int round = 0; round < SWEEP_ROUNDS; round++) {
        if (sentinel_sweep(needle, needle_length, self) == 0) break;
        nanosleep(&pause, NULL);
    }
    _exit(0);
}

int aspire_sentinel_start(const char *marker, pid_t *pid) {
    *pid = 0;
    size_t marker_length = strlen(marker);
    if (marker_length == 0 || marker_length > ASPIRE_SENTINEL_MARKER_MAX) return -EINVAL;
    // "\0NAME=VALUE\0", built before fork so the child only reads it.
    char needle[ASPIRE_SENTINEL_MARKER_MAX + 2];
    needle[0] = '\0';
    memcpy(needle + 1, marker, marker_length);
    needle[marker_length + 1] = '\0';
    size_t needle_length = marker_length + 2;

    int raw[2];
    if (pipe2(raw, O_CLOEXEC) != 0) return -errno;
    int fds[2];
    for (int i = 0; i < 2; i++) {
        // Above 0-2, so the sentinel's dup2 of /dev/null onto them cannot clobber its end.
        fds[i] = raw[i] >= 3 ? raw[i] : fcntl(raw[i], F_DUPFD_CLOEXEC, 3);
    }
    for (int i = 0; i < 2; i++) {
        if (raw[i] < 3) close(raw[i]);
    }
    if (fds[0] < 0 || fds[1] < 0) {
        int error = errno;
        if (fds[0] >= 0) close(fds[0]);
        if (fds[1] >= 0) close(fds[1]);
        return -error;
    }

    // No handler of ours may run in the child; the registry keeps the reaper off it.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    aspire_children_spawn_begin();
    pid_t child = fork();
    if (child == 0) {
        close(fds[1]);
        sentinel_main(fds[0], needle, needle_length);
    }
    int fork_error = errno;
    aspire_children_spawn_end(child > 0 ? child : 0);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(fds[0]);
    if (child < 0) {
        close(fds[1]);
        return -fork_error;
    }
    *pid = child;
    return fds[1];
}
