/* snapshot_private.h: the snapshot's inside, shared by its lot and collection halves; pure. */
#ifndef PARKSHARE_SNAPSHOT_PRIVATE_H
#define PARKSHARE_SNAPSHOT_PRIVATE_H

#include "snapshot.h"

#include <parkshare/wire.h>

/* A lot deleted during a load, so that the load's older record cannot revive it. */
struct tombstone {
    char *id;
    int64_t version;
};

struct snapshot {
    struct snapshot_options options;
    struct geo_index *geo;      /* every lot by location */
    int64_t stale_since_ms;     /* -1 while Redis is reachable */
    struct snapshot_lot **lots; /* sorted by id */
    size_t count;
    size_t capacity;
    bool loaded;
    uint64_t generation;
    struct tombstone *tombstones;
    size_t tombstone_count;
    size_t tombstone_capacity;
    char changed_id[WIRE_ID_MAX + 1];
    uint64_t revision;               /* see snapshot_revision */
    uint64_t membership;             /* see snapshot_membership */
    struct list_cache *list_answers; /* kept for revision */
};

/* Release a lot's compiled schedule, if any. */
void snapshot_lot_release_schedule(const struct snapshot *snapshot, struct snapshot_lot *lot);

/* Compile the lot's schedule from its static JSON (replacing any). */
void snapshot_lot_compile_schedule(const struct snapshot *snapshot, struct snapshot_lot *lot);

/* Free a lot and everything it owns; accepts NULL. */
void snapshot_lot_free(const struct snapshot *snapshot, struct snapshot_lot *lot);

/* Judge the lot's state at now_ms from its schedule, its count and the count's age. */
void snapshot_lot_judge(const struct snapshot *snapshot, struct snapshot_lot *lot, int64_t now_ms);

/* Fill the typed views of a lot from its static JSON. Returns -1 if unusable. */
int snapshot_lot_read_static(struct snapshot_lot *lot);

/* Rebuild the lot's answer, ETag and gzip copy. Returns 0 or SNAPSHOT_ERROR_NO_MEMORY. */
int snapshot_lot_rebuild_body(const struct snapshot *snapshot, struct snapshot_lot *lot);

/* A new, judged lot with its answer built; NULL when its JSON is unusable or memory is out. */
struct snapshot_lot *snapshot_lot_from_record(const struct snapshot *snapshot,
                                              const struct snapshot_record *record, int64_t now_ms);

#endif
