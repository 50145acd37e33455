/* endpoint.h: what every endpoint module is given (store, snapshot, settings) and the answers they
 * share. */
#ifndef PARKSHARE_ENDPOINT_H
#define PARKSHARE_ENDPOINT_H

#include "opening.h"
#include "snapshot.h"
#include "snapshot_sync.h"
#include "store.h"

/* Owned by main.c; endpoint modules only borrow it. */
struct endpoint_context {
    struct store *store;
    struct snapshot *snapshot;
    struct snapshot_sync *sync;
    struct opening *opening;
    const char *timezone;
};

struct http_exchange;

/*
 * While the snapshot is stale (Redis away), add Age (seconds since) and
 * Warning: 110 to a read's answer, so caches and clients know.
 */
void endpoint_mark_stale(struct http_exchange *exchange, const struct snapshot *snapshot);

/* Answer 503 for an unreachable Redis, with Retry-After. The exchange is freed. */
void endpoint_reply_store_unavailable(struct http_exchange *exchange);

#endif
