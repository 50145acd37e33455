/* view_publisher.h: the lot view published to worker threads, and old versions freed safely. */
#ifndef PARKSHARE_VIEW_PUBLISHER_H
#define PARKSHARE_VIEW_PUBLISHER_H

#include "lot_view.h"
#include "snapshot.h"

#include <stddef.h>

/*
 * One writer (the owner's loop) publishes a new lot_view version with an
 * atomic pointer store after each change; readers (worker threads, by
 * number) take the current version with view_publisher_enter and let go
 * with view_publisher_leave, atomics only. Epochs free old versions: each
 * publication moves a global epoch, a reader announces the epoch it
 * entered in, and what a publication replaced is freed once every reader
 * is outside or entered after it.
 */
struct view_publisher;

/* A publisher for readers readers (numbered 0..readers-1), with no view yet. NULL without memory.
 */
struct view_publisher *view_publisher_new(size_t readers);

/*
 * Bring the view in step with snapshot (writer only): lot id, or with id
 * NULL every lot (added, changed or gone) and the stale mark. Published
 * before this returns. Without memory the view keeps what it had, and the
 * next full update (id NULL) mends it.
 */
void view_publisher_update(struct view_publisher *publisher, const struct snapshot *snapshot,
                           const char *id);

/*
 * Give the next view_publisher_update's version index (taken over; one
 * offered before and not yet published is freed), so that the lots and
 * their static fields for lists are published together (writer only).
 */
void view_publisher_offer_index(struct view_publisher *publisher, struct lot_index *index);

/* The index the next version will hold: the one offered, else the current one, or NULL. */
const struct lot_index *view_publisher_index(const struct view_publisher *publisher);

/*
 * Publish other reads' answers (writer only): the entries put (taken over,
 * each replacing the answer under its key) and the keys gone, in one
 * version. Without memory for one of them every answer is dropped from
 * the view (readers then find none, and leave those reads to the writer),
 * so that no answer stays published after it changed.
 */
void view_publisher_answers(struct view_publisher *publisher, struct rendered_answer *const *put,
                            size_t put_count, const char *const *gone, size_t gone_count);

/*
 * The current view for reader (NULL before the first publication), valid
 * until view_publisher_leave(reader). Not reentrant per reader.
 */
const struct lot_view *view_publisher_enter(struct view_publisher *publisher, size_t reader);
void view_publisher_leave(struct view_publisher *publisher, size_t reader);

/* Free the versions no reader can hold any more (writer only); how many are still held. */
size_t view_publisher_reclaim(struct view_publisher *publisher);

/* Free everything: no reader may be inside. Accepts NULL. */
void view_publisher_free(struct view_publisher *publisher);

#endif
