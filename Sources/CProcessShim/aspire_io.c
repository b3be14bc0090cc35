// aspire_io.c — epoll, eventfd and TCP socket plumbing for the supervisor's I/O loop, health
// probes and replica proxy. See aspire_process.h for the contract of each function.
#define _GNU_SOURCE
#include "aspire_process.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

// MARK: - epoll

int aspire_epoll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int aspire_epoll_arm(int epfd, int fd, int interest, int add) {
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    event.events = EPOLLONESHOT;
    if (interest & ASPIRE_IO_READ) event.events |= EPOLLIN | EPOLLRDHUP;
    if (interest & ASPIRE_IO_WRITE) event.events |= EPOLLOUT;
    event.data.fd = fd;
    return epoll_ctl(epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event) == 0 ? 0 : -errno;
}

int aspire_epoll_remove(int epfd, int fd) {
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &event) == 0 ? 0 : -errno;
}

int aspire_epoll_wait(int epfd, int *fds, int *events, int capacity, int timeout_ms) {
    struct epoll_event buffer[64];
    if (capacity > 64) capacity = 64;
    int count = epoll_wait(epfd, buffer, capacity, timeout_ms);
    if (count < 0) return -errno;
    for (int i = 0; i < count; i++) {
        int bits = 0;
        if (buffer[i].events & (EPOLLIN | EPOLLRDHUP)) bits |= ASPIRE_IO_READ;
        if (buffer[i].events & EPOLLOUT) bits |= ASPIRE_IO_WRITE;
        if (buffer[i].events & (EPOLLHUP | EPOLLERR)) bits |= ASPIRE_IO_HANGUP;
        fds[i] = buffer[i].data.fd;
        events[i] = bits;
    }
    return count;
}

int aspire_eventfd_create(void) {
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    return fd < 0 ? -errno : fd;
}

int aspire_eventfd_signal(int fd) {
    uint64_t one = 1;
    return write(fd, &one, sizeof one) == (ssize_t)sizeof one ? 0 : -errno;
}

void aspire_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t ignored = read(fd, &value, sizeof value);
    (void)ignored;
}

// MARK: - Sockets

static int make_address(const char *host, int port, struct sockaddr_in *address) {
    if (port < 0 || port > 65535) return -EINVAL;
    memset(address, 0, sizeof *address);
    address->sin_family = AF_INET;
    address->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &address->sin_addr) != 1) return -EINVAL;
    return 0;
}

static int bound_socket(const char *host, int port) {
    struct sockaddr_in address;
    int status = make_address(host, port, &address);
    if (status != 0) return status;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

int aspire_tcp_listen(const char *host, int port, int backlog) {
    int fd = bound_socket(host, port);
    if (fd < 0) return fd;
    if (listen(fd, backlog) != 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

int aspire_tcp_probe_bind(const char *host, int port) {
    int fd = bound_socket(host, port);
    if (fd < 0) return fd;
    // Binding alone can succeed beside a listener in some setups; listening cannot.
    int status = listen(fd, 1) == 0 ? 0 : -errno;
    close(fd);
    return status;
}

int aspire_tcp_connect(const char *host, int port, int *in_progress) {
    *in_progress = 0;
    struct sockaddr_in address;
    int status = make_address(host, port, &address);
    if (status != 0) return status;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (connect(fd, (struct sockaddr *)&address, sizeof address) == 0) return fd;
    if (errno == EINPROGRESS || errno == EINTR) {
        *in_progress = 1;
        return fd;
    }
    int error = errno;
    close(fd);
    return -error;
}

int aspire_socket_error(int fd) {
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return -errno;
    return error;
}

int aspire_tcp_accept(int fd) {
    int client = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    return client < 0 ? -errno : client;
}

int aspire_socket_local_port(int fd) {
    struct sockaddr_in address;
    socklen_t length = sizeof address;
    if (getsockname(fd, (struct sockaddr *)&address, &length) != 0) return -errno;
    return ntohs(address.sin_port);
}

long aspire_socket_send(int fd, const void *buffer, unsigned long length) {
    ssize_t sent = send(fd, buffer, length, MSG_NOSIGNAL);
    return sent < 0 ? -errno : (long)sent;
}

int aspire_socket_shutdown(int fd, int how) {
    int mode = how == 2 ? SHUT_RDWR : SHUT_WR;
    return shutdown(fd, mode) == 0 ? 0 : -errno;
}

// MARK: - Bytes

long aspire_last_index_of(const void *buffer, unsigned long length, int byte) {
    const void *found = memrchr(buffer, byte, length);
    return found ? (long)((const char *)found - (const char *)buffer) : -1;
}

long aspire_find_bytes(
    const void *haystack, unsigned long haystack_length, const void *needle, unsigned long needle_length) {
    const void *found = memmem(haystack, haystack_length, needle, needle_length);
    return found ? (long)((const char *)found - (const char *)haystack) : -1;
}

// MARK: - Terminal

int aspire_terminal_size(int fd, int *rows, int *columns) {
    struct winsize size;
    memset(&size, 0, sizeof size);
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return -errno;
    *rows = size.ws_row;
    *columns = size.ws_col;
    return 0;
}
