/* snapshot_sync.h: keeps the snapshot in step with Redis: full loads and change messages. */
#ifndef PARKSHARE_SNAPSHOT_SYNC_H
#define PARKSHARE_SNAPSHOT_SYNC_H

#include "change.h"
#include "group.h"
#include "opening.h"
#include "snapshot.h"
#include "store.h"

#include <event2/event.h>
#include <stdbool.h>

struct snapshot_sync;

/*
 * Called after a change reached the snapshot, by message (id is the lot)
 * or by the clock (id NULL: any lot may have changed state).
 */
typedef void (*snapshot_sync_change_callback)(const char *id, void *data);

/*
 * Follow store into snapshot and opening: each time the store becomes
 * ready, load every holiday calendar, then every lot (changes that arrive
 * meanwhile win, see snapshot_load); apply each change message (a changed
 * calendar is read again and every lot re-judged); and re-judge lots on a
 * timer at the earliest instant a state changes by time alone (opening
 * hours, stale counts), so signs flip without any write. on_change may be
 * NULL. Returns 0 or -1 (no memory).
 */
int snapshot_sync_new(struct event_base *base, struct store *store, struct snapshot *snapshot,
                      struct opening *opening, snapshot_sync_change_callback on_change, void *data,
                      struct snapshot_sync **sync);

/* The store's ready callback and change callback: main.c routes both here. */
void snapshot_sync_on_ready(bool ready, void *sync);
void snapshot_sync_on_message(const char *message, size_t length, void *sync);

/*
 * A lot change this daemon has just stored (CHANGE_OCCUPANCY, CHANGE_LOT or
 * CHANGE_LOT_DELETED; strings borrowed): applied to the snapshot at once, so
 * that a client's next read from this daemon sees its own write. The message
 * Redis then publishes carries the same version and changes nothing more;
 * other daemons see the write when that message reaches them.
 */
void snapshot_sync_apply_own(struct snapshot_sync *sync, const struct change *change);

/* Whether the store is ready and the snapshot holds a load made since. */
bool snapshot_sync_is_ready(const struct snapshot_sync *sync);

/*
 * The areas' names, kept in step with Redis (loaded when ready, re-read on
 * each group change message). Borrowed; the daemon that stored a change may
 * set it here at once (read-your-writes).
 */
struct group_names *snapshot_sync_groups(const struct snapshot_sync *sync);

/* Free; accepts NULL. */
void snapshot_sync_free(struct snapshot_sync *sync);

#endif
