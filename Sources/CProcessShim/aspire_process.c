// aspire_process.c — fork/exec with a reliable error report, wait-status helpers, signals and
// pipes for the supervisor (its epoll and socket plumbing is in aspire_io.c). See aspire_process.h.
#define _GNU_SOURCE
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ASPIRE_UNDER_TSAN 1
#endif
#endif
#ifndef ASPIRE_UNDER_TSAN
#define ASPIRE_UNDER_TSAN 0
#endif

#include "aspire_process.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// MARK: - Spawning

/// What the child writes to the error pipe when a step fails.
typedef struct {
    int step;
    int error;
} child_report;

/// Reports a failed step to the parent and exits; async-signal-safe.
static void child_fail(int report_fd, int step, int error) {
    child_report report = {step, error};
    ssize_t ignored = write(report_fd, &report, sizeof report);
    (void)ignored;
    _exit(127);
}

/// Moves `fd` to a number >= 3 (close-on-exec) so dup2 onto 0, 1, 2 cannot clobber it.
static int child_lift(int fd) {
    if (fd >= 3) return fd;
    return fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/// Closes every descriptor >= 3 except `keep`; async-signal-safe.
static void child_close_others(int keep) {
#ifdef SYS_close_range
    int ok = 1;
    if (keep > 3 && syscall(SYS_close_range, 3u, (unsigned)(keep - 1), 0u) != 0) ok = 0;
    if (ok && syscall(SYS_close_range, (unsigned)(keep + 1), ~0u, 0u) == 0) return;
#endif
    struct rlimit limit;
    long max = 65536;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < 1048576) {
        max = (long)limit.rlim_cur;
    }
    for (long fd = 3; fd < max; fd++) {
        if (fd != keep) close((int)fd);
    }
}

/// The value of PATH in `envp`, or NULL.
static const char *child_path_from(char *const *envp) {
    for (char *const *entry = envp; *entry != NULL; entry++) {
        if (strncmp(*entry, "PATH=", 5) == 0) return *entry + 5;
    }
    return NULL;
}

/// execve with an execvp-style PATH search over the child's own PATH; returns the errno to report.
static int child_exec(const char *file, char *const *argv, char *const *envp) {
    if (strchr(file, '/') != NULL) {
        execve(file, argv, envp);
        int failure = errno;
        // The kernel says EACCES for a directory; say what it is (stat is async-signal-safe).
        struct stat info;
        if (failure == EACCES && stat(file, &info) == 0 && S_ISDIR(info.st_mode)) return EISDIR;
        return failure;
    }
    const char *path = child_path_from(envp);
    if (path == NULL) path = "/usr/local/bin:/usr/bin:/bin";
    size_t file_length = strlen(file);
    int saw_eacces = 0;
    char candidate[PATH_MAX];
    const char *segment = path;
    for (;;) {
        const char *end = strchr(segment, ':');
        size_t length = end ? (size_t)(end - segment) : strlen(segment);
        // An empty segment means the current directory, as in execvp.
        const char *directory = length == 0 ? "." : segment;
        size_t directory_length = length == 0 ? 1 : length;
        if (directory_length + 1 + file_length + 1 <= sizeof candidate) {
            memcpy(candidate, directory, directory_length);
            candidate[directory_length] = '/';
            memcpy(candidate + directory_length + 1, file, file_length + 1);
            execve(candidate, argv, envp);
            switch (errno) {
            case EACCES:
                saw_eacces = 1;
                break;
            case ENOENT:
            case ENOTDIR:
            case ESTALE:
            case ELOOP:
            case ENAMETOOLONG:
                break;
            default:
                return errno;
            }
        }
        if (end == NULL) break;
        segment = end + 1;
    }
    return saw_eacces ? EACCES : ENOENT;
}

/// Everything the child needs, on the parent's stack (the child shares the parent's memory).
typedef struct {
    const char *file;
    char *const *argv;
    char *const *envp;
    const char *workdir;
    int stdin_fd;
    int stdout_fd;
    int stderr_fd;
    int report_fd;
    pid_t parent;
    int64_t uid;
    int64_t gid;
    int mode;
} child_arguments;

/// The child, between clone and exec. It runs on its own stack but in the parent's memory
/// (CLONE_VM) while the parent thread is suspended (CLONE_VFORK), like glibc's posix_spawn:
/// so only async-signal-safe calls, no allocation, no locks, nothing written but its own stack.
static int child_main(void *raw) {
    const child_arguments *args = raw;
    int report_fd = args->report_fd;
    // Every disposition back to default (handlers of the parent must never run here). The raw
    // syscall also reaches the signals glibc reserves for itself (32, 33), which its
    // sigaction() refuses; a zeroed kernel sigaction is SIG_DFL with no flags and no mask.
    unsigned long default_action[8];
    memset(default_action, 0, sizeof default_action);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        syscall(SYS_rt_sigaction, sig, default_action, NULL, (size_t)(NSIG / 8));
    }
    if (args->mode == ASPIRE_SPAWN_DETACHED) {
        if (setsid() < 0) child_fail(report_fd, ASPIRE_SPAWN_STEP_SETPGID, errno);
    } else if (args->mode == ASPIRE_SPAWN_OWN_GROUP && setpgid(0, 0) != 0) {
        child_fail(report_fd, ASPIRE_SPAWN_STEP_SETPGID, errno);
    }
    // Credentials first: a credential change clears PR_SET_PDEATHSIG. Raw syscalls, because
    // glibc's setuid() would broadcast to the parent's threads, whose memory we share.
    if (args->gid >= 0) {
        if (syscall(SYS_setgroups, 0, NULL) != 0) child_fail(report_fd, ASPIRE_SPAWN_STEP_CREDENTIALS, errno);
        if (syscall(SYS_setresgid, (gid_t)args->gid, (gid_t)args->gid, (gid_t)args->gid) != 0) {
            child_fail(report_fd, ASPIRE_SPAWN_STEP_CREDENTIALS, errno);
        }
    }
    if (args->uid >= 0 && syscall(SYS_setresuid, (uid_t)args->uid, (uid_t)args->uid, (uid_t)args->uid) != 0) {
        child_fail(report_fd, ASPIRE_SPAWN_STEP_CREDENTIALS, errno);
    }
    if (args->mode != ASPIRE_SPAWN_DETACHED) {
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) child_fail(report_fd, ASPIRE_SPAWN_STEP_PDEATHSIG, errno);
        // The parent may have died before prctl: then nobody would ever kill us.
        if (getppid() != args->parent) _exit(127);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    int null_in = args->stdin_fd >= 0 ? args->stdin_fd : open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out = args->stdout_fd >= 0 ? args->stdout_fd : open("/dev/null", O_WRONLY | O_CLOEXEC);
    int err = args->stderr_fd >= 0 ? args->stderr_fd : open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_in < 0 || out < 0 || err < 0) child_fail(report_fd, ASPIRE_SPAWN_STEP_STDIO, errno);
    null_in = child_lift(null_in);
    out = child_lift(out);
    err = child_lift(err);
    if (null_in < 0 || out < 0 || err < 0) child_fail(report_fd, ASPIRE_SPAWN_STEP_STDIO, errno);
    if (dup2(null_in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
        child_fail(report_fd, ASPIRE_SPAWN_STEP_STDIO, errno);
    }
    if (args->workdir != NULL && chdir(args->workdir) != 0) {
        child_fail(report_fd, ASPIRE_SPAWN_STEP_CHDIR, errno);
    }
    child_close_others(report_fd);
    int exec_error = child_exec(args->file, args->argv, args->envp);
    child_fail(report_fd, ASPIRE_SPAWN_STEP_EXEC, exec_error);
    return 127;
}

/// The child's stack: room for the PATH search buffer and the calls above.
#define CHILD_STACK_SIZE (256 * 1024)

static int spawn_registered(const aspire_spawn_options *options, aspire_spawn_result *result);

int aspire_process_spawn(
    const char *file, char *const *argv, char *const *envp, const char *workdir,
    int stdout_fd, int stderr_fd, int64_t uid, int64_t gid, aspire_spawn_result *result) {
    aspire_spawn_options options = {file, argv, envp, workdir, -1, stdout_fd, stderr_fd, uid, gid, ASPIRE_SPAWN_OWN_GROUP};
    return aspire_process_spawn_with(&options, result);
}

int aspire_process_spawn_with(const aspire_spawn_options *options, aspire_spawn_result *result) {
    result->pid = 0;
    result->step = ASPIRE_SPAWN_OK;
    result->error = 0;
    // Until the pid is registered, the orphan reaper must not reap (it could take this child).
    aspire_children_spawn_begin();
    int status = spawn_registered(options, result);
    aspire_children_spawn_end(status == 0 ? result->pid : 0);
    return status;
}

/// `aspire_process_spawn_with` between the registry's begin and end.
static int spawn_registered(const aspire_spawn_options *options, aspire_spawn_result *result) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        result->step = ASPIRE_SPAWN_STEP_PIPE;
        result->error = errno;
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        int lifted = child_lift(report[i]);
        if (lifted != report[i]) {
            close(report[i]);
            report[i] = lifted;
        }
    }
    void *stack = mmap(NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        result->step = ASPIRE_SPAWN_STEP_FORK;
        result->error = errno;
        close(report[0]);
        close(report[1]);
        return -1;
    }
    child_arguments args = {
        options->file, options->argv, options->envp, options->workdir, options->stdin_fd, options->stdout_fd,
        options->stderr_fd, report[1], getpid(), options->uid, options->gid, options->mode};

    // Block every signal so no handler of ours runs in the child before it resets them.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    // vfork semantics: no page-table copy, and this thread resumes once the child has exec'd
    // or exited, so spawning stays cheap however large the supervisor's memory is.
#if ASPIRE_UNDER_TSAN
    // ThreadSanitizer's runtime cannot run a child that shares our memory (its per-thread state
    // is the parent's); under `swift test --sanitize=thread` a plain fork does the same job.
    pid_t pid = fork();
    if (pid == 0) _exit(child_main(&args));
#else
    pid_t pid = clone(child_main, (char *)stack + CHILD_STACK_SIZE, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
#endif
    int clone_error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    munmap(stack, CHILD_STACK_SIZE);
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        result->step = ASPIRE_SPAWN_STEP_FORK;
        result->error = clone_error;
        return -1;
    }

    // EOF means the exec succeeded (the pipe was close-on-exec); a report means a step failed.
    child_report child;
    size_t received = 0;
    while (received < sizeof child) {
        ssize_t n = read(report[0], (char *)&child + received, sizeof child - received);
        if (n > 0) {
            received += (size_t)n;
        } else if (n == 0) {
            break;
        } else if (errno != EINTR) {
            break;
        }
    }
    close(report[0]);
    if (received == 0) {
        result->pid = pid;
        return 0;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (received == sizeof child) {
        result->step = child.step;
        result->error = child.error;
    } else {
        result->step = ASPIRE_SPAWN_STEP_UNKNOWN;
        result->error = EIO;
    }
    return -1;
}

int aspire_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    long fd = syscall(SYS_pidfd_open, pid, 0);
    return fd < 0 ? -errno : (int)fd;
#else
    (void)pid;
    return -ENOSYS;
#endif
}

int aspire_process_has_exited(pid_t pid) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return -errno;
    return info.si_pid == pid ? 1 : 0;
}

int aspire_process_reap(pid_t pid, int block, int *status) {
    for (;;) {
        pid_t reaped = waitpid(pid, status, block ? 0 : WNOHANG);
        if (reaped == pid) {
            aspire_children_forget(pid);
            return 1;
        }
        if (reaped == 0) return 0;
        if (errno != EINTR) return -errno;
    }
}

int aspire_wait_status_decode(int status, int *value) {
    if (WIFEXITED(status)) {
        *value = WEXITSTATUS(status);
        return 1;
    }
    if (WIFSIGNALED(status)) {
        *value = WTERMSIG(status);
        return 2;
    }
    *value = 0;
    return 0;
}

int aspire_kill_group(pid_t pgid, int sig) {
    if (pgid <= 1) return -EINVAL;  // never signal "every process" or init's group by mistake
    return kill(-pgid, sig) == 0 ? 0 : -errno;
}

int aspire_kill(pid_t pid, int sig) {
    if (pid <= 0) return -EINVAL;
    return kill(pid, sig) == 0 ? 0 : -errno;
}

int aspire_pipe(int fds[2]) {
    int raw[2];
    if (pipe2(raw, O_CLOEXEC) != 0) return -errno;
    for (int i = 0; i < 2; i++) {
        int lifted = child_lift(raw[i]);
        if (lifted < 0) {
            int error = errno;
            close(raw[0]);
            close(raw[1]);
            return -error;
        }
        if (lifted != raw[i]) {
            close(raw[i]);
            raw[i] = lifted;
        }
    }
    int status = aspire_set_nonblocking(raw[0]);
    if (status != 0) {
        close(raw[0]);
        close(raw[1]);
        return status;
    }
    fds[0] = raw[0];
    fds[1] = raw[1];
    return 0;
}

int aspire_set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -errno;
    if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) return -errno;
    return 0;
}
