// Linux system calls that Glibc's Swift module leaves out, wrapped so that Swift sees
// plain functions and plain structs (epoll_event is packed on x86-64, which Swift cannot
// lay out).
#ifndef CLINUX_H
#define CLINUX_H

#include <stdint.h>
#include <signal.h>
#include <sys/socket.h>

/// One readiness event: the epoll bits and the 64-bit token registered with the descriptor.
typedef struct {
    uint32_t events;
    uint64_t token;
} clinux_event;

extern const uint32_t CLINUX_EPOLLIN;
extern const uint32_t CLINUX_EPOLLOUT;
extern const uint32_t CLINUX_EPOLLERR;
extern const uint32_t CLINUX_EPOLLHUP;
extern const uint32_t CLINUX_EPOLLRDHUP;
extern const uint32_t CLINUX_EPOLLET;

int clinux_epoll_create(void);
int clinux_epoll_add(int epfd, int fd, uint32_t events, uint64_t token);
int clinux_epoll_modify(int epfd, int fd, uint32_t events, uint64_t token);
int clinux_epoll_remove(int epfd, int fd);
/// Waits for events; returns their count, or -1 with errno set (EINTR included).
int clinux_epoll_wait(int epfd, clinux_event *events, int capacity, int timeout_ms);

/// A nonblocking, close-on-exec eventfd used to wake an event loop.
int clinux_eventfd(void);
int clinux_eventfd_signal(int fd);
int clinux_eventfd_drain(int fd);

/// A nonblocking, close-on-exec monotonic timerfd armed once after `nanoseconds`.
int clinux_timerfd_create(void);
int clinux_timerfd_arm(int fd, int64_t nanoseconds);

/// Blocks the given signals for the calling thread and returns a signalfd that reports them.
int clinux_signalfd(const int *signals, int count);
/// Reads one signal number from a signalfd, or returns -1.
int clinux_signalfd_read(int fd);
/// Blocks the given signals in the calling thread (threads created later inherit the mask).
int clinux_block_signals(const int *signals, int count);

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC.
int clinux_accept(int fd, struct sockaddr *address, socklen_t *length);

/// Names the calling thread (at most 15 bytes are kept).
int clinux_set_thread_name(const char *name);

#endif
