/* bench/supervise/spawnloop.c: the floor for start-up and shutdown. Spawns N copies of argv[2..]
 * with posix_spawnp (no shell), prints "ready", then on EOF of stdin or SIGTERM sends SIGTERM to
 * each and waits for all of them; exits 0.   spawnloop N CMD [ARG...] */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static volatile sig_atomic_t stop_now;
static void on_term(int s) { (void)s; stop_now = 1; }

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: spawnloop N CMD [ARG...]\n"); return 2; }
    int n = atoi(argv[1]);
    pid_t *pids = calloc((size_t)n, sizeof *pids);
    struct sigaction sa = {0};
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    for (int i = 0; i < n; i++) {
        if (posix_spawnp(&pids[i], argv[2], NULL, NULL, argv + 2, environ) != 0) { perror("posix_spawnp"); return 1; }
    }
    printf("ready\n");
    fflush(stdout);
    char c;
    while (!stop_now && read(0, &c, 1) > 0) {}
    for (int i = 0; i < n; i++) kill(pids[i], SIGTERM);
    for (int i = 0; i < n; i++) waitpid(pids[i], NULL, 0);
    return 0;
}
