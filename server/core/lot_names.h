/* lot_names.h: the cities and groups the snapshot's lots have, so that a name none has costs a
 * look-up, not a pass over the lots; pure. */
#ifndef PARKSHARE_LOT_NAMES_H
#define PARKSHARE_LOT_NAMES_H

#include "lot_query.h"
#include "snapshot.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The distinct cities and the distinct groups of the snapshot's lots, each
 * with how many lots have it, in two hash tables of copied names. Both are
 * built in one pass over the lots when snapshot_layout has moved since the
 * last build (a lot added, deleted or given new static fields, a load),
 * never because of a count or of what clients ask: a look-up costs a hash
 * of the name and a few probes whatever the number of lots. Kinds are a
 * closed vocabulary (lot.h) and need no table. One per daemon, on the
 * owner's loop (the endpoints' context); never read by other threads.
 */
enum lot_names_error {
    LOT_NAMES_ERROR_NO_MEMORY = -1,
};

/*
 * The names of one snapshot's lots as they were when it was built, never
 * changed after: safe to read on any thread (the lot index holds one for
 * the worker loops' lists).
 */
struct lot_name_set;

/* A set of snapshot's lots' names now. Returns 0 or LOT_NAMES_ERROR_NO_MEMORY. */
int lot_name_set_build(const struct snapshot *snapshot, struct lot_name_set **set);

/* Free; accepts NULL. */
void lot_name_set_free(struct lot_name_set *set);

/* How many of the set's lots are in city, or list group; 0: none. */
int64_t lot_name_set_city_lots(const struct lot_name_set *set, const char *city);
int64_t lot_name_set_group_lots(const struct lot_name_set *set, const char *group);

/*
 * Whether selection takes none of the set's lots because it names a city
 * or a group none has, or a kind outside the vocabulary (lot ids and space
 * types are not judged here).
 */
bool lot_name_set_selects_none(const struct lot_name_set *set,
                               const struct lot_selection *selection);

/* A lot_name_set kept for the snapshot's current layout, rebuilt when it moves. */
struct lot_names;

/* An empty set, built on first use; NULL when out of memory. */
struct lot_names *lot_names_new(void);

/* Free; accepts NULL. */
void lot_names_free(struct lot_names *names);

/*
 * How many of snapshot's lots are in city (0: none), after a build when
 * the snapshot's layout (snapshot_layout) has moved. Returns -1 when memory
 * ran out for a build: nothing is known then, and the caller passes over
 * the lots itself (the set tries again on the next call).
 */
int64_t lot_names_city_lots(struct lot_names *names, const struct snapshot *snapshot,
                            const char *city);

/*
 * How many of snapshot's lots list group among their groups (a lot that
 * lists it twice counts once); 0: none, -1 as for lot_names_city_lots.
 */
int64_t lot_names_group_lots(struct lot_names *names, const struct snapshot *snapshot,
                             const char *group);

/*
 * Whether selection certainly takes no lot of snapshot because it names a
 * city or a group no lot has, or a kind outside the vocabulary (lot ids
 * and space types are not judged here). false when names is NULL or memory
 * ran out for a build: then only a pass over the lots can tell.
 */
bool lot_names_selects_none(struct lot_names *names, const struct snapshot *snapshot,
                            const struct lot_selection *selection);

/*
 * The ids of the lots in group (borrowed from snapshot), in the snapshot's
 * order, *count of them, in a malloc'd array of *count + 1 the caller frees:
 * for a group no lot has, an array of one and no pass over the lots; names
 * NULL (or no memory for a build) costs a pass and room for every lot.
 * NULL when out of memory.
 */
const char **lot_names_group_ids(struct lot_names *names, const struct snapshot *snapshot,
                                 const char *group, size_t *count);

/* How many times the set was built (for tests and counts). */
uint64_t lot_names_builds(const struct lot_names *names);

#endif
