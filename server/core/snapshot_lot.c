/* snapshot_lot.c: one lot of the snapshot: how it is judged and the answer built for it; pure. */
#include "snapshot_closure.h"
#include "snapshot_private.h"

#include "civil.h"
#include "closure.h"
#include "etag.h"
#include "leave_by.h"
#include "schedule.h"

#include <stdlib.h>
#include <string.h>

void snapshot_lot_release_schedule(const struct snapshot *snapshot, struct snapshot_lot *lot)
{
    if (lot->compiled_schedule != NULL && snapshot->options.opening.release != NULL)
        snapshot->options.opening.release(lot->compiled_schedule);
    lot->compiled_schedule = NULL;
}

void snapshot_lot_compile_schedule(const struct snapshot *snapshot, struct snapshot_lot *lot)
{
    snapshot_lot_release_schedule(snapshot, lot);
    lot->schedule_judged_ms = -1;
    if (snapshot->options.opening.compile != NULL)
        lot->compiled_schedule =
            snapshot->options.opening.compile(lot->static_json, snapshot->options.opening.data);
}

void snapshot_lot_free(const struct snapshot *snapshot, struct snapshot_lot *lot)
{
    if (lot == NULL)
        return;
    snapshot_lot_release_schedule(snapshot, lot);
    free(lot->opening_hours);
    free(lot->id);
    json_decref(lot->static_json);
    free(lot->body);
    gzip_copy_clear(&lot->gzip);
    json_decref(lot->closures);
    free(lot->closure_event);
    free(lot);
}

/* Judge state from the schedule, the count and its age. */
/* How long a schedule's answer is kept when it foresees no change at all. */
#define SCHEDULE_KEPT_MS (60 * 60 * 1000)

/* Whether what the schedule said at schedule_judged_ms still holds at now_ms. */
static bool schedule_answer_holds(const struct snapshot_lot *lot, int64_t now_ms)
{
    int64_t until = lot->schedule_judged_ms + SCHEDULE_KEPT_MS;

    if (lot->schedule_judged_ms < 0 || now_ms < lot->schedule_judged_ms)
        return false;
    if (lot->schedule_next_ms >= 0 && lot->schedule_next_ms < until)
        until = lot->schedule_next_ms;
    if (lot->schedule_leave_by_ms >= 0 && lot->schedule_leave_by_ms < until)
        until = lot->schedule_leave_by_ms;
    return now_ms < until;
}

/*
 * Ask the schedule whether the lot is open, when that changes and the
 * deadline in force, unless its last answer still holds. Judging is done on
 * every count a lot receives and every clock tick, and the schedule engine
 * looks up to a year ahead for a lot that never changes: asking once per
 * change of the answer instead made the load of 50,000 always-open lots
 * spend a third of its time there.
 */
static void ask_schedule(const struct snapshot *snapshot, struct snapshot_lot *lot, int64_t now_ms)
{
    const struct snapshot_opening *opening = &snapshot->options.opening;

    if (schedule_answer_holds(lot, now_ms))
        return;
    lot->schedule_open = true;
    lot->schedule_next_ms = -1;
    lot->schedule_leave_by_ms = -1;
    if (lot->compiled_schedule != NULL && opening->opening != NULL)
        lot->schedule_open =
            opening->opening(lot->compiled_schedule, now_ms, &lot->schedule_next_ms, opening->data);
    if (lot->compiled_schedule != NULL && opening->leave_by != NULL)
        lot->schedule_leave_by_ms =
            opening->leave_by(lot->compiled_schedule, now_ms, opening->data);
    lot->schedule_judged_ms = now_ms;
}

void snapshot_lot_judge(const struct snapshot *snapshot, struct snapshot_lot *lot, int64_t now_ms)
{
    int64_t next_change;
    bool open;

    ask_schedule(snapshot, lot, now_ms);
    open = lot->schedule_open;
    next_change = lot->schedule_next_ms;
    snapshot_lot_judge_closures(lot, now_ms, &open, &next_change);
    lot->open_now = open;
    lot->next_change_ms = next_change;
    lot->leave_by_ms = lot->schedule_leave_by_ms;
    lot->count_fresh = lot->occupied >= 0 && lot->updated_at_ms >= 0 &&
                       now_ms - lot->updated_at_ms <= snapshot->options.stale_after_ms;
    if (!open)
        lot->state = SNAPSHOT_STATE_CLOSED;
    else if (!lot->count_fresh)
        lot->state = SNAPSHOT_STATE_UNKNOWN;
    else if (lot->occupied >= lot->capacity)
        lot->state = SNAPSHOT_STATE_FULL;
    else
        lot->state = SNAPSHOT_STATE_OPEN;
    lot->spaces_fresh = space_counts_fresh(lot->static_json, &lot->spaces, now_ms,
                                           snapshot->options.stale_after_ms);
}

static json_t *time_or_null(const struct snapshot *snapshot, int64_t milliseconds)
{
    char text[32];
    if (milliseconds < 0)
        return json_null();
    if (snapshot->options.opening.format_time != NULL)
        snapshot->options.opening.format_time(milliseconds, text);
    else
        civil_format_utc_ms(milliseconds, text);
    return json_string(text);
}

static json_t *space_time(int64_t utc_ms, const void *snapshot)
{
    return time_or_null(snapshot, utc_ms);
}

/* The declared space types with their live counts, where the static "spaces" stood. */
static void add_spaces(const struct snapshot *snapshot, const struct snapshot_lot *lot,
                       json_t *document)
{
    json_t *spaces;

    if (json_object_get(lot->static_json, "spaces") == NULL)
        return;
    spaces = space_answer(lot->static_json, &lot->spaces, lot->spaces_fresh, space_time, snapshot);
    json_object_set_new(document, "spaces", spaces != NULL ? spaces : json_object());
}

/*
 * The leave-by members: the deadline in force (leave_by, null when none),
 * the rule the lot gave (leave_by_rule) and the rule said for people
 * (opening_hours_note), because the OSM string cannot say it.
 */
static void add_leave_by(const struct snapshot *snapshot, const struct snapshot_lot *lot,
                         json_t *document)
{
    const json_t *rule_json = json_object_get(lot->static_json, "leave_by");
    struct field_error error;
    struct leave_by rule;
    char note[160];

    json_object_set_new(document, "leave_by", time_or_null(snapshot, lot->leave_by_ms));
    if (rule_json == NULL || leave_by_parse(rule_json, &rule, &error) != 0)
        return;
    json_object_set(document, "leave_by_rule", (json_t *)rule_json);
    leave_by_note(&rule, note, sizeof(note));
    json_object_set_new(document, "opening_hours_note", json_string(note));
}

json_t *snapshot_lot_json(const struct snapshot *snapshot, const struct snapshot_lot *lot)
{
    json_t *document = json_pack("{s:s}", "id", lot->id);
    const char *key;
    json_t *value;

    if (document == NULL)
        return NULL;
    json_object_foreach(lot->static_json, key, value)
    {
        if (strcmp(key, "id") != 0 && strcmp(key, "opening_hours") != 0 &&
            strcmp(key, "leave_by") != 0)
            json_object_set(document, key, value);
    }
    add_spaces(snapshot, lot, document);
    json_object_set_new(document, "occupied",
                        lot->occupied >= 0 ? json_integer(lot->occupied) : json_null());
    /* free is null whenever the count cannot be trusted (never reported, or
     * older than stale_after), so a sign never shows an old number. */
    json_object_set_new(document, "free",
                        lot->count_fresh ? json_integer(lot->capacity - lot->occupied)
                                         : json_null());
    json_object_set_new(document, "state", json_string(snapshot_state_name(lot->state)));
    json_object_set_new(document, "open_now", json_boolean(lot->open_now));
    json_object_set_new(document, "next_change", time_or_null(snapshot, lot->next_change_ms));
    json_object_set_new(document, "updated_at", time_or_null(snapshot, lot->updated_at_ms));
    json_object_set_new(document, "version", json_integer(lot->version));
    /* For map clients: derived from hours, so it always matches the state. */
    json_object_set_new(document, "opening_hours",
                        lot->opening_hours ? json_string(lot->opening_hours) : json_null());
    add_leave_by(snapshot, lot, document);
    snapshot_lot_add_closure_fields(snapshot, lot, document);
    /* Redis is away: the count may have moved since; say so in the body too. */
    if (snapshot->stale_since_ms >= 0)
        json_object_set_new(document, "stale", json_true());
    return document;
}

/* Fill the typed views of a lot from its static JSON. Returns -1 if unusable. */
int snapshot_lot_read_static(struct snapshot_lot *lot)
{
    const json_t *capacity = json_object_get(lot->static_json, "capacity");
    if (!json_is_object(lot->static_json) || !json_is_integer(capacity))
        return -1;
    lot->capacity = json_integer_value(capacity);
    lot->city = json_string_value(json_object_get(lot->static_json, "city"));
    lot->kind = json_string_value(json_object_get(lot->static_json, "kind"));
    lot->groups = json_object_get(lot->static_json, "groups");
    {
        const json_t *location = json_object_get(lot->static_json, "location");
        lot->latitude = json_number_value(json_object_get(location, "lat"));
        lot->longitude = json_number_value(json_object_get(location, "lon"));
    }
    free(lot->opening_hours);
    /* Given OSM text stands as it is; an hours object is said in OSM. */
    if (json_object_get(lot->static_json, "hours") == NULL &&
        json_is_string(json_object_get(lot->static_json, "opening_hours")))
        lot->opening_hours =
            strdup(json_string_value(json_object_get(lot->static_json, "opening_hours")));
    else
        lot->opening_hours = schedule_osm_string(json_object_get(lot->static_json, "hours"));
    return lot->opening_hours != NULL ? 0 : -1;
}

int snapshot_lot_rebuild_body(const struct snapshot *snapshot, struct snapshot_lot *lot)
{
    json_t *document = snapshot_lot_json(snapshot, lot);
    char *body = document ? json_dumps(document, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(document);
    if (body == NULL)
        return SNAPSHOT_ERROR_NO_MEMORY;
    free(lot->body);
    lot->body = body;
    lot->body_length = strlen(body);
    etag_of(body, lot->body_length, lot->etag, sizeof(lot->etag));
    /* Without memory for the copy the identity body still serves every client. */
    gzip_copy_update(&lot->gzip, body, lot->body_length, lot->etag);
    return 0;
}

json_t *snapshot_compose_json(const struct snapshot *snapshot, const char *id,
                              const json_t *static_json, int64_t occupied, int64_t version,
                              int64_t updated_at_ms, int64_t now_ms)
{
    struct snapshot_lot lot = {0};
    json_t *document;

    lot.id = (char *)id;
    lot.static_json = (json_t *)static_json;
    lot.occupied = occupied;
    lot.version = version;
    lot.updated_at_ms = updated_at_ms;
    space_counts_clear(&lot.spaces);
    /* A write's answer shows the type counts this daemon holds for the lot. */
    if (snapshot_find(snapshot, id) != NULL)
        lot.spaces = snapshot_find(snapshot, id)->spaces;
    /* A replaced lot keeps its closures (borrowed): the answer shows them as GET will. */
    if (snapshot_find(snapshot, id) != NULL)
        lot.closures = snapshot_find(snapshot, id)->closures;
    if (snapshot_lot_read_static(&lot) != 0)
        return NULL;
    snapshot_lot_compile_schedule(snapshot, &lot);
    snapshot_lot_judge(snapshot, &lot, now_ms);
    document = snapshot_lot_json(snapshot, &lot);
    snapshot_lot_release_schedule(snapshot, &lot);
    free(lot.opening_hours);
    return document;
}

/* A new lot from a record; NULL when its JSON is unusable or memory is out. */
struct snapshot_lot *snapshot_lot_from_record(const struct snapshot *snapshot,
                                              const struct snapshot_record *record, int64_t now_ms)
{
    struct snapshot_lot *lot = calloc(1, sizeof(*lot));
    if (lot == NULL)
        return NULL;
    lot->id = strdup(record->id);
    lot->static_json = json_loads(record->static_json, 0, NULL);
    lot->occupied = record->occupied;
    lot->version = record->version;
    lot->count_version = record->version;
    lot->updated_at_ms = record->updated_at_ms;
    if (record->spaces != NULL)
        lot->spaces = *record->spaces;
    else
        space_counts_clear(&lot->spaces);
    lot->closures = closure_list_parse(record->closures_json);
    if (lot->id == NULL || lot->static_json == NULL || lot->closures == NULL ||
        snapshot_lot_read_static(lot) != 0) {
        snapshot_lot_free(snapshot, lot);
        return NULL;
    }
    snapshot_lot_compile_schedule(snapshot, lot);
    snapshot_lot_judge(snapshot, lot, now_ms);
    if (snapshot_lot_rebuild_body(snapshot, lot) != 0) {
        snapshot_lot_free(snapshot, lot);
        return NULL;
    }
    return lot;
}
