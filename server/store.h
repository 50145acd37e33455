/* store.h: the Redis link: hiredis async on libevent, reconnect, health. */
#ifndef PARKSHARE_STORE_H
#define PARKSHARE_STORE_H

#include <event2/event.h>
#include <stdbool.h>
#include <stdint.h>

enum store_error {
    STORE_ERROR_NO_MEMORY = -1,
};

/* Where Redis is: a TCP address or a unix socket path. */
struct store_options {
    const char *host;        /* TCP; NULL for a unix socket */
    uint16_t port;           /* TCP */
    const char *socket_path; /* unix socket; NULL for TCP */
    int database;            /* SELECTed after connecting */
    const char *username;    /* AUTH, optional */
    const char *password;    /* AUTH, optional; never logged */
};

struct store;

/*
 * Called whenever the link becomes ready (connected, authenticated, db
 * selected and PING answered) or stops being ready.
 */
typedef void (*store_ready_callback)(bool ready, void *data);

/*
 * A store for Redis at options (copied). It starts connecting at once and
 * keeps doing so with backoff (25 ms doubling to 500 ms, so the link is
 * whole within a second of Redis returning); it PINGs every second and
 * drops a link whose PING goes unanswered for 3 s. Nothing here blocks the
 * event loop. on_ready may be NULL. Returns 0 or STORE_ERROR_NO_MEMORY.
 */
int store_new(struct event_base *base, const struct store_options *options,
              store_ready_callback on_ready, void *data, struct store **store);

/* Whether the link is ready for commands now. */
bool store_is_ready(const struct store *store);

/* Close the link; pending commands see a NULL reply. Accepts NULL. */
void store_free(struct store *store);

#endif
