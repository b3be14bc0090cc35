/* bench/supervise/writer.c: writes N numbered lines of exactly L bytes (newline included) to
 * stdout as fast as the pipe takes them, then exits 0. Line i: "%012ld " + 'x' padding + '\n'.
 *   writer N [L=100] [RATE=0]   RATE > 0: about RATE lines per second (for the dashboard stream). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int write_all(const char *p, size_t n) {
    while (n) {
        ssize_t w = write(1, p, n);
        if (w < 0) { if (errno == EINTR) continue; return -1; }
        p += w; n -= (size_t)w;
    }
    return 0;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 0;
    long len = argc > 2 ? atol(argv[2]) : 100;
    long rate = argc > 3 ? atol(argv[3]) : 0;
    if (len < 14 || len > 4096) { fprintf(stderr, "writer: L must be 14..4096\n"); return 2; }
    static char buf[1 << 16];
    size_t used = 0;
    long per_tick = rate > 0 ? (rate / 100 > 0 ? rate / 100 : 1) : 0; /* lines per 10 ms */
    struct timespec t0; clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; i++) {
        if (used + (size_t)len > sizeof buf) {
            if (write_all(buf, used)) return 1;
            used = 0;
        }
        char *line = buf + used;
        int k = snprintf(line, 14, "%012ld ", i);
        memset(line + k, 'x', (size_t)(len - k - 1));
        line[len - 1] = '\n';
        used += (size_t)len;
        if (per_tick && (i + 1) % per_tick == 0) {
            if (write_all(buf, used)) return 1;
            used = 0;
            long ticks = (i + 1) / per_tick;
            struct timespec due = t0;
            due.tv_sec += ticks / 100;
            due.tv_nsec += (ticks % 100) * 10000000L;
            if (due.tv_nsec >= 1000000000L) { due.tv_sec++; due.tv_nsec -= 1000000000L; }
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR) {}
        }
    }
    if (used && write_all(buf, used)) return 1;
    return 0;
}
