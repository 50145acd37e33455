/* api.h: what every endpoint module is given: the store, the snapshot and settings. */
#ifndef PARKSHARE_API_H
#define PARKSHARE_API_H

#include "opening.h"
#include "snapshot.h"
#include "snapshot_sync.h"
#include "store.h"

/* Owned by main.c; endpoint modules only borrow it. */
struct api_context {
    struct store *store;
    struct snapshot *snapshot;
    struct snapshot_sync *sync;
    struct opening *opening;
    const char *timezone;
};

/* Milliseconds since the epoch (wall clock), for judging lots. */
int64_t api_now_ms(void);

struct http_exchange;

/*
 * While the snapshot is stale (Redis away), add Age (seconds since) and
 * Warning: 110 to a read's answer, so caches and clients know.
 */
void api_mark_stale(struct http_exchange *exchange, const struct snapshot *snapshot);

#endif
