// aspire_malloc.c — see aspire_malloc.h.
#include "aspire_malloc.h"

#include <stdlib.h> // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>

void aspire_malloc_keep_freed(void) {
    (void)mallopt(M_MMAP_THRESHOLD, 256 << 20);
    (void)mallopt(M_TRIM_THRESHOLD, 512 << 20);
}

void aspire_malloc_release_freed(void) {
    (void)mallopt(M_TRIM_THRESHOLD, 128 << 10); // glibc's defaults
    (void)mallopt(M_MMAP_THRESHOLD, 128 << 10);
    (void)malloc_trim(0);
}
#else
void aspire_malloc_keep_freed(void) {}
void aspire_malloc_release_freed(void) {}
#endif
