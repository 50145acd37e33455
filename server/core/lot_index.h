/* lot_index.h: the lots' static fields, by id and by place, immutable, for lists on any thread;
 * pure. */
#ifndef PARKSHARE_LOT_INDEX_H
#define PARKSHARE_LOT_INDEX_H

#include "lot_query.h"

#include <stddef.h>
#include <stdint.h>

/*
 * What a worker's loop needs to answer a lot list as the owner would: every
 * lot's id, city, kind, groups, declared space types and place, in id
 * order and in a grid by place, copied once from the snapshot (the texts
 * stored once each: a city's name is shared by its lots). It never
 * changes: the owner builds a new one when the snapshot's layout moves
 * (snapshot_layout) and publishes it with the lot view; the counts, the
 * judgements and the answers themselves come from the view's entries.
 */

enum lot_index_error {
    LOT_INDEX_ERROR_NO_MEMORY = -1,
};

struct lot_index;
struct lot_view;
struct snapshot;

/* A new index of snapshot's lots at its layout. Returns 0 or LOT_INDEX_ERROR_NO_MEMORY. */
int lot_index_build(const struct snapshot *snapshot, struct lot_index **index);

/* Free the index; accepts NULL. */
void lot_index_free(struct lot_index *index);

/* The snapshot's layout the index was built at. */
uint64_t lot_index_layout(const struct lot_index *index);

/* How many lots the index holds. */
size_t lot_index_count(const struct lot_index *index);

/* The bytes the index holds (entries, texts and grid), for the figures. */
size_t lot_index_bytes(const struct lot_index *index);

/*
 * The hits of query as lot_query_select would give them from the snapshot
 * at the index's layout, each lot judged by and spliced from its entry in
 * view (a lot view entry is a lot's answer with its live facts; a lot
 * view lacks is left out): after the cursor, in the answer's order, and
 * cut after query->limit + 1, which is all an answer shows of them. *hits
 * is a new array (freed by the caller; its answers are view's, valid
 * while view is) of *count. Safe on any thread while index and view are
 * not freed. Returns 0 or LOT_INDEX_ERROR_NO_MEMORY.
 */
int lot_index_select(const struct lot_index *index, const struct lot_view *view,
                     const struct lot_query *query, struct lot_query_hit **hits, size_t *count);

#endif
