/* snapshot_closure.h: a lot's announced closures in the snapshot: judged, shown, their events;
 * pure. */
#ifndef PARKSHARE_SNAPSHOT_CLOSURE_H
#define PARKSHARE_SNAPSHOT_CLOSURE_H

#include "civil.h"
#include "json_text.h"
#include "snapshot_private.h"

/*
 * Judge the lot's closures at now_ms after its schedule did: a closure in
 * force makes it closed (*open false) until the chain of closures ends
 * (*next_change_ms); otherwise an upcoming start that closes an open lot
 * may bring *next_change_ms forward.
 */
void snapshot_lot_judge_closures(struct snapshot_lot *lot, int64_t now_ms, bool *open,
                                 int64_t *next_change_ms);

/*
 * Write the answer's members ,"closure": ({"id", "reason", "until",
 * "names"?} or null) and ,"upcoming_closures": to out.
 */
void snapshot_lot_write_closure_fields(const struct snapshot *snapshot,
                                       const struct snapshot_lot *lot,
                                       struct json_text_buffer *out);

/* The id of the closure in force at the last judgement; "" when none. Borrowed. */
const char *snapshot_lot_closure_id(const struct snapshot_lot *lot);

/*
 * After a judgement: when the closure in force differs from before_id
 * (before: that record, which must still be alive, or NULL), record
 * "started" or "ended" and return true.
 */
bool snapshot_lot_note_closure_turn(struct snapshot *snapshot, struct snapshot_lot *lot,
                                    const char *before_id, const json_t *before);

#endif
