// off.c — LD_PRELOAD'ed by bench/tricks.py to turn aspire's process-wide speed tricks off in the
// same binary, so each is timed on and off in one run (issue 16: a trick stays only where it pays
// at least 5 %). ASPIRE_TRICKS_OFF names what is off, comma-separated:
//   mallopt   — CMallocPolicy's mallopt calls do nothing (glibc keeps its default thresholds)
//   prefault  — madvise(MADV_POPULATE_WRITE) does nothing
//   hugepage  — madvise(MADV_HUGEPAGE) does nothing
// (aspire no longer makes the two madvise calls: they did not pay. The switches stay so that a
// trick tried again is measured the same way.)
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static int is_off(const char *name) {
    const char *list = getenv("ASPIRE_TRICKS_OFF");
    return list != NULL && strstr(list, name) != NULL;
}

int mallopt(int param, int value) {
    (void)param;
    (void)value;
    if (is_off("mallopt")) return 1;
    // Not off: glibc's own mallopt, looked up past this library.
    static int (*real)(int, int);
    if (real == NULL) {
        extern void *dlsym(void *, const char *);
        real = (int (*)(int, int))dlsym(((void *)-1l) /* RTLD_NEXT */, "mallopt");
    }
    return real != NULL ? real(param, value) : 0;
}

int madvise(void *addr, size_t length, int advice) {
#ifdef MADV_POPULATE_WRITE
    if (advice == MADV_POPULATE_WRITE && is_off("prefault")) return 0;
#endif
    if (advice == MADV_HUGEPAGE && is_off("hugepage")) return 0;
    return (int)syscall(SYS_madvise, addr, length, advice);
}
