// aspire_watch.c — inotify for `watch:` (see include/aspire_watch.h).
#include "aspire_watch.h"

#include <errno.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

int aspire_watch_open(void) {
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int aspire_watch_add(int fd, const char *path) {
    uint32_t mask = IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO
                    | IN_ATTRIB | IN_DELETE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK;
    int wd = inotify_add_watch(fd, path, mask);
    return wd < 0 ? -errno : wd;
}

long aspire_watch_read(int fd, void *buffer, size_t length) {
    ssize_t count = read(fd, buffer, length);
    if (count < 0) return errno == EAGAIN ? 0 : -errno;
    return (long)count;
}

int aspire_watch_next(const void *buffer, size_t length, size_t *offset, int *wd, uint32_t *mask,
                      const char **name) {
    if (*offset + sizeof(struct inotify_event) > length) return 0;
    const struct inotify_event *event = (const struct inotify_event *)((const char *)buffer + *offset);
    *wd = event->wd;
    *mask = event->mask;
    *name = event->len > 0 ? event->name : "";
    *offset += sizeof(struct inotify_event) + event->len;
    return 1;
}
