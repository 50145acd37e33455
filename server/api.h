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

#endif
