/* snapshot_closure.c: a lot's announced closures in the snapshot: judged, shown, their events;
 * pure. */
#include "snapshot_closure.h"

#include "change.h"
#include "closure.h"

#include <stdlib.h>
#include <string.h>

void snapshot_lot_judge_closures(struct snapshot_lot *lot, int64_t now_ms, bool *open,
                                 int64_t *next_change_ms)
{
    int64_t until = -1;

    lot->judged_at_ms = now_ms;
    lot->closure = closure_active(lot->closures, now_ms, &until);
    lot->closure_until_ms = until;
    lot->closure_boundary_ms = closure_next_boundary(lot->closures, now_ms);
    if (lot->closure != NULL) {
        /* A closure overrides hours and calendar until it ends. */
        *open = false;
        *next_change_ms = until;
        return;
    }
    for (size_t i = 0; i < json_array_size(lot->closures); i++) {
        int64_t from =
            json_integer_value(json_object_get(json_array_get(lot->closures, i), "from"));
        /* Only a start that would close an open lot changes its state. */
        if (*open && from > now_ms && (*next_change_ms < 0 || from < *next_change_ms))
            *next_change_ms = from;
    }
}

static json_t *closure_now(const struct snapshot *snapshot, const struct snapshot_lot *lot)
{
    char until[32];
    json_t *shown;

    if (lot->closure == NULL)
        return json_null();
    if (snapshot->options.opening.format_time != NULL)
        snapshot->options.opening.format_time(lot->closure_until_ms, until);
    else
        civil_format_utc_ms(lot->closure_until_ms, until);
    /* The id lets an attendant's page withdraw the closure it shows. */
    shown = json_pack("{s:O, s:O, s:s}", "id", json_object_get(lot->closure, "id"), "reason",
                      json_object_get(lot->closure, "reason"), "until", until);
    if (shown != NULL && json_object_get(lot->closure, "names") != NULL)
        json_object_set(shown, "names", json_object_get(lot->closure, "names"));
    return shown;
}

void snapshot_lot_write_closure_fields(const struct snapshot *snapshot,
                                       const struct snapshot_lot *lot, struct json_text_buffer *out)
{
    json_t *shown, *upcoming;

    /* Most lots never have a closure: their members need no document. */
    if (json_array_size(lot->closures) == 0) {
        json_text_append_text(out, ",\"closure\":null,\"upcoming_closures\":[]");
        return;
    }
    shown = closure_now(snapshot, lot);
    upcoming = closure_public_list(lot->closures, lot->judged_at_ms, CLOSURE_UPCOMING_MS,
                                   snapshot->options.opening.format_time);
    out->failed |= shown == NULL || upcoming == NULL;
    json_text_append_text(out, ",\"closure\":");
    json_text_append_json(out, shown);
    json_text_append_text(out, ",\"upcoming_closures\":");
    json_text_append_json(out, upcoming);
    json_decref(shown);
    json_decref(upcoming);
}

void snapshot_lot_drop_empty_closures(struct snapshot_lot *lot)
{
    /* An empty array costs about 130 bytes: 13 MB for 100,000 lots without closures. */
    if (lot->closures != NULL && json_array_size(lot->closures) == 0) {
        json_decref(lot->closures);
        lot->closures = NULL;
    }
}

int snapshot_lot_set_closures(const struct snapshot *snapshot, struct snapshot_lot *lot,
                              json_t *closures, int64_t now_ms)
{
    json_decref(lot->closures);
    lot->closures = closures;
    snapshot_lot_drop_empty_closures(lot);
    snapshot_lot_judge(snapshot, lot, now_ms);
    return snapshot_lot_rebuild_body(snapshot, lot);
}

void snapshot_lot_note_closure_event(struct snapshot *snapshot, struct snapshot_lot *lot,
                                     const char *kind, const json_t *record)
{
    json_t *event = json_pack("{s:s, s:s, s:o, s:s}", "lot", lot->id, "kind", kind, "closure",
                              closure_public(record, snapshot->options.opening.format_time),
                              "state", snapshot_state_name(lot->state));
    char *text = event != NULL ? json_dumps(event, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

    json_decref(event);
    if (text == NULL)
        return; /* without memory the event is lost; the lot event still carries the state */
    free(lot->closure_event);
    lot->closure_event = text;
    lot->closure_event_serial = ++snapshot->closure_serial;
}

int snapshot_apply_closures(struct snapshot *snapshot, const struct change *change, int64_t now_ms,
                            bool *changed)
{
    struct snapshot_lot *lot = (struct snapshot_lot *)snapshot_find(snapshot, change->id);
    json_t *closures, *record;
    int result;

    /* Unknown lots are left to the next load; older versions lost the race. */
    if (lot == NULL || lot->version >= change->version)
        return 0;
    closures = closure_list_parse(change->closures_json);
    record = json_loads(change->closure_json, 0, NULL);
    if (closures == NULL || record == NULL) {
        json_decref(closures);
        json_decref(record);
        return SNAPSHOT_ERROR_NO_MEMORY;
    }
    lot->version = change->version;
    lot->touched_generation = snapshot->generation;
    result = snapshot_lot_set_closures(snapshot, lot, closures, now_ms);
    snapshot_lot_note_closure_event(snapshot, lot, change->closure_event, record);
    json_decref(record);
    *changed = true;
    return result;
}

/* The id of the closure in force, for comparing judgements; "" when none. */
const char *snapshot_lot_closure_id(const struct snapshot_lot *lot)
{
    const char *id = json_string_value(json_object_get(lot->closure, "id"));
    return id != NULL ? id : "";
}

bool snapshot_lot_note_closure_turn(struct snapshot *snapshot, struct snapshot_lot *lot,
                                    const char *before_id, const json_t *before)
{
    if (strcmp(before_id, snapshot_lot_closure_id(lot)) == 0)
        return false;
    if (lot->closure != NULL)
        snapshot_lot_note_closure_event(snapshot, lot, "started", lot->closure);
    else if (before != NULL)
        snapshot_lot_note_closure_event(snapshot, lot, "ended", before);
    return true;
}

uint64_t snapshot_closure_serial(const struct snapshot *snapshot)
{
    return snapshot->closure_serial;
}
