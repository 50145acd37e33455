/* snapshot_private.h: the snapshot's inside, shared by its lot and collection halves; pure. */
#ifndef PARKSHARE_SNAPSHOT_PRIVATE_H
#define PARKSHARE_SNAPSHOT_PRIVATE_H

#include "deadline_queue.h"
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
    uint64_t static_revision;        /* see snapshot_static_revision */
    struct list_cache *list_answers; /* kept for revision */
    uint64_t closure_serial;         /* see snapshot_closure_serial */
    /* Every lot with a deadline, by it, so that the clock timer wakes for the
     * earliest and judges only the lots due (a scan of 100,000 lots per
     * deadline, one every few milliseconds when counts age out, would not
     * do); incomplete when memory ran out, and then every lot is scanned. */
    struct deadline_queue deadlines;
    bool deadlines_incomplete;
};

/* Release a lot's compiled schedule, if any. */
void snapshot_lot_release_schedule(const struct snapshot *snapshot, struct snapshot_lot *lot);

/* Compile the lot's schedule from its static JSON (replacing any). */
void snapshot_lot_compile_schedule(const struct snapshot *snapshot, struct snapshot_lot *lot);

/* Free a lot and everything it owns; accepts NULL. */
void snapshot_lot_free(const struct snapshot *snapshot, struct snapshot_lot *lot);

/* Judge the lot's state at now_ms from its schedule, its count and the count's age. */
void snapshot_lot_judge(const struct snapshot *snapshot, struct snapshot_lot *lot, int64_t now_ms);

/*
 * Give the lot its static fields, JSON text of length bytes (copied; made
 * canonical when it is not compact), and fill its typed views. Returns 0,
 * or -1 when the text is no usable lot (no integer capacity, not an
 * object) or memory is out; the lot then holds no usable static fields.
 */
int snapshot_lot_set_static(struct snapshot_lot *lot, const char *text, size_t length);

/* Free the lot's static text and typed views. */
void snapshot_lot_clear_static(struct snapshot_lot *lot);

/* Rebuild the lot's answer, ETag and gzip copy. Returns 0 or SNAPSHOT_ERROR_NO_MEMORY. */
int snapshot_lot_rebuild_body(const struct snapshot *snapshot, struct snapshot_lot *lot);

/*
 * Give the lot a copy of counts (may be NULL: none) when any count is
 * known, else none, with spaces_version the newest of their versions.
 * Returns 0 or SNAPSHOT_ERROR_NO_MEMORY.
 */
int snapshot_lot_take_counts(struct snapshot_lot *lot, const struct space_counts *counts);

/* A new, judged lot with its answer built; NULL when its JSON is unusable or memory is out. */
struct snapshot_lot *snapshot_lot_from_record(const struct snapshot *snapshot,
                                              const struct snapshot_record *record, int64_t now_ms);

/*
 * Give the lot closures (a new array of stored records, taken over; NULL:
 * none), judge it again at now_ms and rebuild its answer. Returns 0 or
 * SNAPSHOT_ERROR_NO_MEMORY.
 */
int snapshot_lot_set_closures(const struct snapshot *snapshot, struct snapshot_lot *lot,
                              json_t *closures, int64_t now_ms);

/* Hold no array for a lot without closures: lot->closures becomes NULL when it is empty. */
void snapshot_lot_drop_empty_closures(struct snapshot_lot *lot);

/*
 * Record a closure event of the lot: kind ("announced", "withdrawn",
 * "started", "ended") of record (a stored closure), with the next serial.
 */
void snapshot_lot_note_closure_event(struct snapshot *snapshot, struct snapshot_lot *lot,
                                     const char *kind, const json_t *record);

/* Apply a CHANGE_CLOSURES; *changed is set when the lot took it. */
int snapshot_apply_closures(struct snapshot *snapshot, const struct change *change, int64_t now_ms,
                            bool *changed);

#endif
