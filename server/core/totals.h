/* totals.h: what a sign shows for a selection of lots: sums and the one-line text; pure. */
#ifndef PARKSHARE_TOTALS_H
#define PARKSHARE_TOTALS_H

#include "lot_names.h"
#include "lot_query.h"
#include "snapshot.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct totals {
    int64_t free;     /* over open lots with a fresh count */
    int64_t capacity; /* over every selected lot */
    int64_t occupied; /* over open lots with a fresh count */
    int64_t lots;
    int64_t lots_open; /* open to the public now, whatever the count */
    int64_t lots_full;
    int64_t lots_unknown;
    int64_t updated_at_ms; /* the newest count among the selected lots, or -1 */
};

/*
 * Sum the selected lots of snapshot. With selection->space, the lots that
 * declare the type, by the type's capacity and count (a type's stale count
 * makes its lot unknown, as a lot's does).
 */
void totals_compute(const struct snapshot *snapshot, const struct lot_selection *selection,
                    struct totals *totals);

/*
 * totals_compute, but a selection naming a city or a group no lot has, or
 * a kind outside the vocabulary (lot_names_selects_none), is the zeros a
 * pass would find (no lot, updated_at_ms -1) at once. names NULL: a pass.
 */
void totals_compute_named(const struct snapshot *snapshot, struct lot_names *names,
                          const struct lot_selection *selection, struct totals *totals);

/* Room for the sign's line: a configured unknown text is cut to fit. */
#define TOTALS_TEXT_MAX 80

/*
 * The sign's line, with a newline: "CLOSED" when no selected lot is open;
 * unknown_text when no open lot has a fresh count, or when the open lots
 * with one are all full but others have none (they may have room, so
 * neither FULL nor 0 would be true); "FULL" when every open lot is full;
 * else the free count over the open lots with a fresh count.
 */
void totals_text(const struct totals *totals, const char *unknown_text, char out[TOTALS_TEXT_MAX]);

/*
 * The JSON answer {"free","capacity","occupied","lots","lots_open",
 * "lots_full","lots_unknown","updated_at"} (updated_at formatted by
 * format_time, NULL for UTC). A new reference, or NULL.
 */
json_t *totals_json(const struct totals *totals, void (*format_time)(int64_t utc_ms, char out[32]));

/*
 * How a cached selection is used, for the cache of signs' totals: when it
 * was last asked for (a counter) and how many streams and long polls follow
 * it now. A followed selection is pinned: never evicted.
 */
struct totals_use {
    uint64_t last_used;
    size_t followers;
};

/* Gives the use of the index-th cached selection. */
typedef const struct totals_use *(*totals_use_at)(size_t index, const void *data);

/*
 * Which of count cached selections to evict for a new one: the least
 * recently used that nothing follows. count when every one is followed.
 */
size_t totals_eviction_victim(size_t count, totals_use_at use_at, const void *data);

/*
 * Whether a selection with these totals takes a cache slot: one that some
 * stream or long poll follows always does (it must hear of changes, and a
 * lot may join it later); one that selects no lot is answered (zeros,
 * CLOSED) without a slot, so unknown names cannot push real ones out.
 */
bool totals_worth_caching(const struct totals *totals, bool followed);

#endif
