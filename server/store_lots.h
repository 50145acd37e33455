/* store_lots.h: lots and occupancy in Redis: atomic updates, replace, delete, load. */
#ifndef PARKSHARE_STORE_LOTS_H
#define PARKSHARE_STORE_LOTS_H

#include "snapshot.h"
#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One attendant update. Strings are copied before the call returns. */
struct store_occupancy_update {
    const char *lot_id;
    bool recount; /* value is the new count, else a delta */
    int64_t value;
    const char *idempotency_key; /* NULL when the client gave none */
    const char *token_hash;      /* hex SHA-256 of the bearer token */
    const char *client;          /* the client's address, for the audit */
    const char *space;           /* a space type's count (core/space.h); NULL: the lot's */
};

struct store_occupancy_result {
    enum store_outcome outcome; /* OK, REPLAYED, UNAUTHORIZED, FORBIDDEN, NOT_FOUND,
                                   KEY_REUSED, OVER_CAPACITY, NO_SPACE, UNAVAILABLE,
                                   FAILED */
    const char *answer;         /* OK/REPLAYED: the answer's JSON text */
    int64_t capacity;           /* OVER_CAPACITY: the lot's (or the space type's) capacity */
    int64_t version;            /* OK: the lot's new version; 0 otherwise */
    int64_t occupied;           /* OK: the count as stored */
    int64_t updated_at_ms;      /* OK: when it was stored, by Redis' clock */
};

typedef void (*store_occupancy_callback)(const struct store_occupancy_result *result, void *data);

/*
 * Apply an update in one atomic step inside Redis: the token and its scope,
 * idempotency per lot (the same key and the same update on the same lot
 * within the TTL return the first answer, whichever token sends it; another
 * update under the key is KEY_REUSED; other lots' keys never count), the lot's
 * existence, the delta clamped to [0, capacity] or the recount (refused
 * above capacity; with a space, the type's capacity, and NO_SPACE when the
 * lot declares no such type), version and updated_at, the audit entries and the change
 * notification. callback runs exactly once, later, unless this returns an
 * enum store_error (then nothing was sent).
 */
int store_occupancy_apply(struct store *store, const struct store_occupancy_update *update,
                          store_occupancy_callback callback, void *data);

/* A lot's static fields to store, and who writes them (for the audit). */
struct store_lot_write {
    const char *lot_id;
    const char *static_json; /* canonical JSON of the static fields */
    int64_t capacity;
    const char *token_id;
    const char *client;
};

struct store_lot_result {
    enum store_outcome
        outcome; /* CREATED, REPLACED, OK (deleted), NOT_FOUND, UNAVAILABLE, FAILED */
    int64_t version;
    int64_t occupied;      /* -1 when never reported (a smaller capacity lowers it) */
    int64_t updated_at_ms; /* -1 when never reported */
};

typedef void (*store_lot_callback)(const struct store_lot_result *result, void *data);

/* Create or replace a lot atomically (audit and notification included). */
int store_lot_put(struct store *store, const struct store_lot_write *write,
                  store_lot_callback callback, void *data);

/* Delete a lot atomically; its audit stream stays. */
int store_lot_delete(struct store *store, const char *lot_id, const char *token_id,
                     const char *client, store_lot_callback callback, void *data);

/*
 * Receives every stored lot at once (complete true), or nothing (complete
 * false) when the link broke during the load. The records' strings are
 * valid during the callback only.
 */
typedef void (*store_load_callback)(const struct snapshot_record *records, size_t count,
                                    bool complete, void *data);

/* Load every lot: SMEMBERS, then one pipelined HMGET per lot. */
int store_lots_load(struct store *store, store_load_callback callback, void *data);

/*
 * Claim the one-time demo load: outcome OK when the store holds no lot and
 * never had the demo (the caller loads it now), EXISTS otherwise.
 */
int store_demo_claim(struct store *store, store_outcome_callback callback, void *data);

#endif
