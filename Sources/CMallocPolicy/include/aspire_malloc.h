// aspire_malloc.h — how the process's allocator gives memory back, for a fast manifest load.
//
// Every fresh page costs a page fault (microseconds on a VM), and by default glibc returns large
// freed blocks to the kernel at once (mmap/munmap from 128 KiB, trimming the heap top from
// 128 KiB), so each part of a large manifest, and the join after it, fault in new pages where
// the previous part's freed ones would do. Keeping freed memory for reuse saves those faults.
#ifndef ASPIRE_MALLOC_H
#define ASPIRE_MALLOC_H

#ifdef __cplusplus
extern "C" {
#endif

/// Keep freed memory for reuse: blocks under 256 MiB come from the heap, and the heap is not
/// trimmed below 512 MiB of free space. For short commands (validate, env, graph, publish), and
/// for `up` until its manifest is loaded. A no-op where the allocator is not glibc's.
void aspire_malloc_keep_freed(void);

/// Back to glibc's default thresholds, and give back what is free now. For a long-running
/// process (`up`) once its load is done, so its resident memory is what it uses.
void aspire_malloc_release_freed(void);

#ifdef __cplusplus
}
#endif

#endif
