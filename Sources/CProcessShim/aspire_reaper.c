// aspire_reaper.c — `up` as a child subreaper: descendants that leave their process group and
// lose their parent (a double fork, `setsid`, a daemonizing server) are reparented to us instead
// of PID 1. We reap them (no zombies) and stop them at shutdown. See aspire_process.h.
//
// The one hard part is telling adopted processes from our own children: a child spawned by
// `aspire_process_spawn` is reaped by its own waiter (with its exit status), so the reaper must
// never take it. Spawns register their pid here, and while any spawn is between clone and that
// registration the reaper does not reap at all (it tries again at the next SIGCHLD).
#define _GNU_SOURCE
#include "aspire_process.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

// MARK: - Our own children

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static int spawns_in_flight = 0;
static pid_t *own_pids = NULL;
static size_t own_count = 0;
static size_t own_capacity = 0;

void aspire_children_spawn_begin(void) {
    pthread_mutex_lock(&registry_lock);
    spawns_in_flight++;
    pthread_mutex_unlock(&registry_lock);
}

void aspire_children_spawn_end(pid_t pid) {
    pthread_mutex_lock(&registry_lock);
    spawns_in_flight--;
    if (pid > 0) {
        if (own_count == own_capacity) {
            size_t capacity = own_capacity ? own_capacity * 2 : 64;
            pid_t *grown = realloc(own_pids, capacity * sizeof *grown);
            if (grown != NULL) {
                own_pids = grown;
                own_capacity = capacity;
            }
        }
        // Out of memory: the pid stays unregistered, and the reaper may take its exit status
        // (its waiter then reports exit -1). Not worth more code than this comment.
        if (own_count < own_capacity) own_pids[own_count++] = pid;
    }
    pthread_mutex_unlock(&registry_lock);
}

void aspire_children_forget(pid_t pid) {
    pthread_mutex_lock(&registry_lock);
    for (size_t i = 0; i < own_count; i++) {
        if (own_pids[i] == pid) {
            own_pids[i] = own_pids[--own_count];
            break;
        }
    }
    pthread_mutex_unlock(&registry_lock);
}

/// Whether `pid` is one of ours; call with the lock held.
static int is_own(pid_t pid) {
    for (size_t i = 0; i < own_count; i++) {
        if (own_pids[i] == pid) return 1;
    }
    return 0;
}

// MARK: - Subreaper and SIGCHLD

static _Atomic int sigchld_fd = -1;

static void on_sigchld(int sig) {
    (void)sig;
    int saved = errno;
    int fd = atomic_load(&sigchld_fd);
    if (fd >= 0) {
        uint64_t one = 1;
        ssize_t ignored = write(fd, &one, sizeof one);
        (void)ignored;
    }
    errno = saved;
}

int aspire_become_subreaper(int notify_fd) {
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return -errno;
    atomic_store(&sigchld_fd, notify_fd);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_sigchld;
    action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGCHLD, &action, NULL) != 0) return -errno;
    return 0;
}

void aspire_sigchld_notify_stop(void) {
    atomic_store(&sigchld_fd, -1);
}

// MARK: - /proc

/// Reads pid's state letter, parent and process group from /proc/PID/stat; 0 or -1.
static int read_stat(pid_t pid, char *state, pid_t *ppid, pid_t *pgid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char buffer[512];
    ssize_t n = read(fd, buffer, sizeof buffer - 1);
    close(fd);
    if (n <= 0) return -1;
    buffer[n] = '\0';
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    char *close_paren = strrchr(buffer, ')');
    if (close_paren == NULL) return -1;
    char letter;
    int parent, group;
    if (sscanf(close_paren + 1, " %c %d %d", &letter, &parent, &group) != 3) return -1;
    *state = letter;
    *ppid = (pid_t)parent;
    *pgid = (pid_t)group;
    return 0;
}

/// Calls `visit` for every process /proc lists (pid, state letter, parent, group), skipping
/// those that vanish while it reads. Returns 0, or -errno when /proc cannot be opened.
static int for_each_process(void (*visit)(pid_t pid, char state, pid_t ppid, pid_t pgid, void *context), void *context) {
    DIR *proc = opendir("/proc");
    if (proc == NULL) return -errno;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        if (!isdigit((unsigned char)entry->d_name[0])) continue;
        pid_t pid = (pid_t)strtol(entry->d_name, NULL, 10);
        char state;
        pid_t ppid, pgid;
        if (pid <= 0 || read_stat(pid, &state, &ppid, &pgid) != 0) continue;
        visit(pid, state, ppid, pgid, context);
    }
    closedir(proc);
    return 0;
}

struct process_list {
    pid_t *pids, *ppids, *pgids;
    char *states;
    int capacity, count;
};

static void add_process(pid_t pid, char state, pid_t ppid, pid_t pgid, void *context) {
    struct process_list *list = context;
    if (list->count < list->capacity) {
        list->pids[list->count] = pid;
        list->ppids[list->count] = ppid;
        list->pgids[list->count] = pgid;
        list->states[list->count] = state;
    }
    list->count++;
}

int aspire_list_processes(pid_t *pids, pid_t *ppids, pid_t *pgids, char *states, int capacity) {
    struct process_list list = {pids, ppids, pgids, states, capacity, 0};
    int error = for_each_process(add_process, &list);
    return error < 0 ? error : list.count;
}

struct reaping {
    pid_t self, own_group;
    pid_t *reaped;
    int capacity, count;
};

static void reap_if_adopted(pid_t pid, char state, pid_t ppid, pid_t pgid, void *context) {
    struct reaping *reaping = context;
    // Only zombies that are our children, not spawned by us, and not in our own process
    // group (children started by other code in this process, e.g. Foundation's Process,
    // stay in it and are reaped by that code).
    if (ppid != reaping->self || state != 'Z' || pgid == reaping->own_group || is_own(pid)) return;
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) {
        if (reaping->count < reaping->capacity) reaping->reaped[reaping->count] = pid;
        reaping->count++;
    }
}

int aspire_reap_adopted(pid_t *reaped, int capacity) {
    pthread_mutex_lock(&registry_lock);
    if (spawns_in_flight > 0) {
        pthread_mutex_unlock(&registry_lock);
        return -EAGAIN;
    }
    struct reaping reaping = {getpid(), getpgrp(), reaped, capacity, 0};
    int error = for_each_process(reap_if_adopted, &reaping);
    pthread_mutex_unlock(&registry_lock);
    return error < 0 ? error : reaping.count;
}

int aspire_is_own_child(pid_t pid) {
    pthread_mutex_lock(&registry_lock);
    int own = is_own(pid);
    pthread_mutex_unlock(&registry_lock);
    return own;
}
