/* store_sentinel.h: finding the Redis master through Sentinel, and following its failovers. */
#ifndef PARKSHARE_STORE_SENTINEL_H
#define PARKSHARE_STORE_SENTINEL_H

#include "store.h"

#include <event2/event.h>
#include <stddef.h>
#include <stdint.h>

enum store_sentinel_error {
    STORE_SENTINEL_ERROR_NO_MEMORY = -1,
    STORE_SENTINEL_ERROR_NO_SENTINEL = -2, /* the list was empty */
};

/*
 * Sentinel named host:port (valid during the call) as the master: the
 * answer to a question, or a +switch-master after a failover.
 */
typedef void (*store_sentinel_master_callback)(const char *host, uint16_t port, void *data);

struct store_sentinel;

/*
 * A client of the sentinels at addresses (count of them, copied) for the
 * master called master_name. It asks nothing until store_sentinel_ask.
 * Returns 0 or a negative enum store_sentinel_error; *out is then NULL.
 */
int store_sentinel_new(struct event_base *base, const struct store_sentinel_host *addresses,
                       size_t count, const char *master_name,
                       store_sentinel_master_callback on_master, void *data,
                       struct store_sentinel **out);

/*
 * Ask the sentinels for the master's address (SENTINEL
 * get-master-addr-by-name), trying each in turn while one does not answer
 * within 2 s or does not know the master; a round where none answered is
 * retried after 500 ms. The same connection then stays subscribed to
 * +switch-master, so on_master also hears of every failover. Asking while
 * a question is outstanding does nothing more. Never blocks.
 */
void store_sentinel_ask(struct store_sentinel *sentinel);

/* The master's name, as given to store_sentinel_new. */
const char *store_sentinel_master_name(const struct store_sentinel *sentinel);

/* Close the connection and free everything. Accepts NULL. */
void store_sentinel_free(struct store_sentinel *sentinel);

#endif
