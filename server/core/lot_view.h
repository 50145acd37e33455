/* lot_view.h: lots' answers in an immutable, path-copied map, for threads that only read; pure. */
#ifndef PARKSHARE_LOT_VIEW_H
#define PARKSHARE_LOT_VIEW_H

#include "rendered_answer.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A version of the view is never changed once finished: readers on other
 * threads walk it without locks. The next version is a draft that copies
 * only the path to what it changes (three levels of 32 pointers and a
 * bucket: some 800 bytes a change), sharing everything else; what the
 * previous version alone reached is handed back as garbage, to be freed
 * once no reader can still be walking that version (the caller's epochs).
 */

enum lot_view_error {
    LOT_VIEW_ERROR_NO_MEMORY = -1,
};

struct lot_view;
struct lot_view_draft;
struct lot_view_garbage;
struct lot_index;

/*
 * Start the version after from (NULL: an empty view). from stays valid and
 * unchanged for its readers; after lot_view_draft_finish it belongs to the
 * garbage. Returns 0 or LOT_VIEW_ERROR_NO_MEMORY.
 */
int lot_view_draft_begin(struct lot_view *from, struct lot_view_draft **draft);

/*
 * Add entry under its id (a reference taken over, dropped on failure; the
 * view's lots are the snapshot's own answers, shared, never copied),
 * replacing the entry with the same id, whose reference goes with the garbage. Returns 0 or
 * LOT_VIEW_ERROR_NO_MEMORY (the draft then holds the entries it held, possibly with some paths
 * copied).
 */
int lot_view_draft_put(struct lot_view_draft *draft, struct rendered_answer *entry);

/* Remove the entry with id, if any. Returns 0 or LOT_VIEW_ERROR_NO_MEMORY. */
int lot_view_draft_remove(struct lot_view_draft *draft, const char *id);

/*
 * Answers of other reads (totals, lists), kept beside the lots in a map of
 * their own under a key their reader builds (entry->id is the key): put
 * and remove as lot_view_draft_put and lot_view_draft_remove, never seen
 * by lot_view_find, lot_view_count or lot_view_each.
 */
int lot_view_draft_put_answer(struct lot_view_draft *draft, struct rendered_answer *entry);
int lot_view_draft_remove_answer(struct lot_view_draft *draft, const char *key);

/*
 * Drop every answer of other reads (their readers then find none): what a
 * writer does when it could not put or remove one, so that no answer stays
 * behind its key. Never fails (without memory the dropped pieces leak).
 */
void lot_view_draft_drop_answers(struct lot_view_draft *draft);

/* When the content went stale (Redis away), or -1 while it is fresh. */
void lot_view_draft_set_stale(struct lot_view_draft *draft, int64_t since_ms);

/* The snapshot's layout (snapshot_layout) the draft's lots are at. */
void lot_view_draft_set_layout(struct lot_view_draft *draft, uint64_t layout);

/*
 * Give the draft index (taken over; NULL: none), the lots' static fields
 * for lists (core/lot_index.h). The index the previous version held goes
 * with the garbage. Never fails.
 */
void lot_view_draft_set_index(struct lot_view_draft *draft, struct lot_index *index);

/* The draft as it is now, to read (lot_view_find, lot_view_each) before it is finished. */
const struct lot_view *lot_view_draft_view(const struct lot_view_draft *draft);

/*
 * Finish the draft: the new version (owned by the caller, to publish), and
 * in *garbage what only the previous version reached (its nodes, buckets
 * and replaced entries, and the version itself), to free with
 * lot_view_garbage_free once no reader can still hold the previous
 * version. Never fails.
 */
struct lot_view *lot_view_draft_finish(struct lot_view_draft *draft,
                                       struct lot_view_garbage **garbage);

/* Free what a finished draft left behind; accepts NULL. */
void lot_view_garbage_free(struct lot_view_garbage *garbage);

/* How many pieces garbage holds (nodes, buckets, entries, the version). */
size_t lot_view_garbage_size(const struct lot_view_garbage *garbage);

/* The entry for id, or NULL. Safe on any thread while view is not freed. */
const struct rendered_answer *lot_view_find(const struct lot_view *view, const char *id);

/* The answer under key (lot_view_draft_put_answer), or NULL. Safe on any thread. */
const struct rendered_answer *lot_view_find_answer(const struct lot_view *view, const char *key);

/* How many answers of other reads view holds. */
size_t lot_view_answer_count(const struct lot_view *view);

/* How many entries view holds. */
size_t lot_view_count(const struct lot_view *view);

/*
 * The lots' static fields for lists, or NULL; good for view only while
 * lot_index_layout of it equals lot_view_layout (else a lot was added,
 * deleted or replaced since it was built, and lists are the owner's).
 */
const struct lot_index *lot_view_index(const struct lot_view *view);

/* A number that every later version exceeds: what a reader keeps answers per. */
uint64_t lot_view_generation(const struct lot_view *view);

/* The snapshot's layout view's lots are at. */
uint64_t lot_view_layout(const struct lot_view *view);

/* When view's content went stale, or -1 while it is fresh. */
int64_t lot_view_stale_since(const struct lot_view *view);

/* Call visit for every entry of view, in no particular order. */
void lot_view_each(const struct lot_view *view,
                   void (*visit)(const struct rendered_answer *entry, void *data), void *data);

/*
 * Free view and everything it reaches: for the last version, when no
 * reader is left and every earlier garbage has been freed. Accepts NULL.
 */
void lot_view_free(struct lot_view *view);

#endif
