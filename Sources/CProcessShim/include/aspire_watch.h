// aspire_watch.h — the narrow inotify boundary behind `watch:` (docs/manifest.md#watch).
//
// Swift opens one inotify descriptor per watched resource, adds a watch per folder (the Swift
// side walks the tree and adds new subfolders as their creation events arrive), and reads
// events as (watch descriptor, mask, name) triples. Negative returns are `-errno`.
#ifndef ASPIRE_WATCH_H
#define ASPIRE_WATCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Event bits the Swift side tests (copies of the kernel's IN_* values).
enum {
    ASPIRE_WATCH_ISDIR = 0x40000000,      // IN_ISDIR: the event is about a folder
    ASPIRE_WATCH_OVERFLOW = 0x00004000,   // IN_Q_OVERFLOW: events were dropped
    ASPIRE_WATCH_IGNORED = 0x00008000,    // IN_IGNORED: the watch was removed (folder deleted)
    ASPIRE_WATCH_CREATED = 0x00000100 | 0x00000080,  // IN_CREATE | IN_MOVED_TO
};

/// A non-blocking, close-on-exec inotify descriptor, or -errno.
int aspire_watch_open(void);

/// Watches the folder `path` for writes, creations, deletions and moves (not following a final
/// symbolic link): the watch descriptor, or -errno (-ENOSPC: fs.inotify.max_user_watches is
/// exhausted; -ENOTDIR: not a folder).
int aspire_watch_add(int fd, const char *path);

/// Reads pending events into `buffer` (at least 4096 bytes): the byte count, 0 when none are
/// pending, or -errno.
long aspire_watch_read(int fd, void *buffer, size_t length);

/// The event at `*offset` in a buffer filled by `aspire_watch_read`: sets the watch descriptor,
/// mask and name (NUL-terminated, "" for the folder itself) and advances `*offset`. Returns 1,
/// or 0 at the end of the buffer.
int aspire_watch_next(const void *buffer, size_t length, size_t *offset, int *wd, uint32_t *mask,
                      const char **name);

#ifdef __cplusplus
}
#endif

#endif
