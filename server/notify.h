/* notify.h: the service manager's notification protocol: READY, STOPPING and the watchdog. */
#ifndef PARKSHARE_NOTIFY_H
#define PARKSHARE_NOTIFY_H

#include <event2/event.h>
#include <stddef.h>

enum notify_error {
    NOTIFY_ERROR_SOCKET = -1, /* NOTIFY_SOCKET is unusable; the text says why */
    NOTIFY_ERROR_NO_MEMORY = -2,
};

struct notify;

/*
 * Read NOTIFY_SOCKET (a unix datagram socket's path, or "@name" in the
 * abstract namespace), WATCHDOG_USEC and WATCHDOG_PID as systemd sets them
 * (sd_notify(3)'s datagram protocol, without libsystemd). Without
 * NOTIFY_SOCKET every call on *notify does nothing, so the daemon runs the
 * same outside systemd. With WATCHDOG_USEC, and WATCHDOG_PID unset or this
 * process, a timer on base sends WATCHDOG=1 every half period for as long
 * as the loop turns. Messages are sent without blocking; one that cannot
 * leave is logged and dropped. Returns 0 with *notify owned by the caller,
 * or a notify_error with the reason in error.
 */
int notify_new(struct event_base *base, struct notify **notify, char *error, size_t error_size);

/* READY=1: the daemon serves (/readyz answers 200). Sent once; later calls do nothing. */
void notify_ready(struct notify *notify);

/* STOPPING=1: the daemon has begun to stop. Sent once. */
void notify_stopping(struct notify *notify);

/* Free; accepts NULL. */
void notify_free(struct notify *notify);

#endif
