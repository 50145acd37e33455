/* redis_child.h: the embedded redis-server, started and supervised as a child. */
#ifndef PARKSHARE_REDIS_CHILD_H
#define PARKSHARE_REDIS_CHILD_H

#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>

enum redis_child_error {
    REDIS_CHILD_ERROR_SYSTEM = -1, /* a system call failed; the text says which */
    REDIS_CHILD_ERROR_EXEC = -2,   /* the redis-server program could not be run */
    REDIS_CHILD_ERROR_NO_MEMORY = -3,
};

struct redis_child_options {
    const char *program;   /* redis-server, looked up in PATH */
    const char *directory; /* absolute data directory: config, socket, AOF */
    bool fsync_always;     /* appendfsync always (else everysec) */
};

struct redis_child;

/*
 * Write redis.conf into the directory and start redis-server on it: a unix
 * socket (redis.sock, mode 0700) and no TCP port, append-only file on.
 * Its log is the daemon's: what it writes on standard output and error
 * comes through a pipe, read by the loop without blocking, and is logged
 * line by line under component "redis" at the level Redis marked.
 * A redis-server left running on the same directory by a daemon that was
 * killed is stopped first. The child dies with the daemon (parent-death
 * signal) and is restarted with backoff whenever it exits on its own.
 * Returns 0 with *child owned by the caller, or a redis_child_error with
 * the reason in error. Options are copied.
 */
int redis_child_new(struct event_base *base, const struct redis_child_options *options,
                    struct redis_child **child, char *error, size_t error_size);

/* The socket path the child listens on; valid until redis_child_free. */
const char *redis_child_socket_path(const struct redis_child *child);

/*
 * Stop the child: SIGTERM, so Redis flushes its append-only file, then
 * SIGKILL after timeout_ms. Blocks for at most timeout_ms: call it only on
 * the way out, after the event loop has stopped. No restart follows.
 */
void redis_child_stop(struct redis_child *child, int timeout_ms);

/* Stop the child (as redis_child_stop with 10 s) and free; accepts NULL. */
void redis_child_free(struct redis_child *child);

#endif
