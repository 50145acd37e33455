/* snapshot_lot.c: one lot of the snapshot: how it is judged and the answer built for it; pure. */
#include "snapshot_closure.h"
#include "snapshot_private.h"

#include "civil.h"
#include "closure.h"
#include "json_text.h"
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
            snapshot->options.opening.compile(lot->static_text, snapshot->options.opening.data);
}

void snapshot_lot_free(const struct snapshot *snapshot, struct snapshot_lot *lot)
{
    if (lot == NULL)
        return;
    snapshot_lot_release_schedule(snapshot, lot);
    snapshot_lot_clear_static(lot);
    free(lot->spaces);
    free(lot->id);
    rendered_answer_drop(lot->answer);
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
    lot->spaces_fresh = space_counts_fresh(lot->space_plan, snapshot_lot_counts(lot), now_ms,
                                           snapshot->options.stale_after_ms);
}

/* An instant as the answer shows it (the deployment's zone, RFC 3339), or null. */
static void write_time(struct json_text_buffer *out, const struct snapshot *snapshot,
                       int64_t milliseconds)
{
    char text[32];

    if (milliseconds < 0) {
        json_text_append(out, "null", 4);
        return;
    }
    if (snapshot->options.opening.format_time != NULL)
        snapshot->options.opening.format_time(milliseconds, text);
    else
        civil_format_utc_ms(milliseconds, text);
    json_text_append_string(out, text);
}

static json_t *space_time(int64_t utc_ms, const void *data)
{
    const struct snapshot *snapshot = data;
    char text[32];

    if (utc_ms < 0)
        return json_null();
    if (snapshot->options.opening.format_time != NULL)
        snapshot->options.opening.format_time(utc_ms, text);
    else
        civil_format_utc_ms(utc_ms, text);
    return json_string(text);
}

/* The declared space types with their live counts, where the static "spaces" stands. */
static void write_spaces(struct json_text_buffer *out, const struct snapshot *snapshot,
                         const struct snapshot_lot *lot)
{
    json_t *spaces = space_answer(lot->space_plan, snapshot_lot_counts(lot), lot->spaces_fresh,
                                  space_time, snapshot);

    json_text_append_text(out, ",\"spaces\":");
    if (spaces != NULL)
        json_text_append_json(out, spaces);
    else
        json_text_append(out, "{}", 2);
    json_decref(spaces);
}

/*
 * The static fields as the answer begins: the id, then every static
 * member in its stored order (its text as it stands: the stored text is
 * what jansson prints), except opening_hours and leave_by, which the
 * answer shows after the live members, and spaces, shown with its counts.
 */
static void write_static(struct json_text_buffer *out, const struct snapshot *snapshot,
                         const struct snapshot_lot *lot)
{
    struct json_text_member member;
    size_t cursor = 0;

    json_text_append_text(out, "{\"id\":");
    json_text_append_string(out, lot->id);
    while (json_text_next_member(lot->static_text, lot->static_length, &cursor, &member) == 1) {
        if (json_text_member_is(&member, "id") || json_text_member_is(&member, "opening_hours") ||
            json_text_member_is(&member, "leave_by"))
            continue;
        if (json_text_member_is(&member, "spaces")) {
            write_spaces(out, snapshot, lot);
            continue;
        }
        json_text_append(out, ",", 1);
        json_text_append(out, member.member, member.member_length);
    }
}

/*
 * The leave-by members: the deadline in force (leave_by, null when none),
 * the rule the lot gave (leave_by_rule) and the rule said for people
 * (opening_hours_note), because the OSM string cannot say it.
 */
static void write_leave_by(struct json_text_buffer *out, const struct snapshot *snapshot,
                           const struct snapshot_lot *lot)
{
    struct json_text_member member;
    struct field_error error;
    struct leave_by rule;
    size_t cursor = 0;
    char note[160];
    json_t *rule_json = NULL;

    json_text_append_text(out, ",\"leave_by\":");
    write_time(out, snapshot, lot->leave_by_ms);
    while (rule_json == NULL &&
           json_text_next_member(lot->static_text, lot->static_length, &cursor, &member) == 1) {
        if (json_text_member_is(&member, "leave_by"))
            rule_json = json_loadb(member.value, member.value_length, JSON_DECODE_ANY, NULL);
    }
    if (rule_json != NULL && leave_by_parse(rule_json, &rule, &error) == 0) {
        json_text_append_text(out, ",\"leave_by_rule\":");
        json_text_append(out, member.value, member.value_length);
        leave_by_note(&rule, note, sizeof(note));
        json_text_append_text(out, ",\"opening_hours_note\":");
        json_text_append_string(out, note);
    }
    json_decref(rule_json);
}

/* The live members: the count, the state, the times and the version, then opening_hours. */
static void write_live(struct json_text_buffer *out, const struct snapshot *snapshot,
                       const struct snapshot_lot *lot)
{
    json_text_append_text(out, ",\"occupied\":");
    if (lot->occupied >= 0)
        json_text_append_integer(out, lot->occupied);
    else
        json_text_append(out, "null", 4);
    /* free is null whenever the count cannot be trusted (never reported, or
     * older than stale_after), so a sign never shows an old number. */
    json_text_append_text(out, ",\"free\":");
    if (lot->count_fresh)
        json_text_append_integer(out, lot->capacity - lot->occupied);
    else
        json_text_append(out, "null", 4);
    json_text_append_text(out, ",\"state\":");
    json_text_append_string(out, snapshot_state_name(lot->state));
    json_text_append_text(out, lot->open_now ? ",\"open_now\":true" : ",\"open_now\":false");
    json_text_append_text(out, ",\"next_change\":");
    write_time(out, snapshot, lot->next_change_ms);
    json_text_append_text(out, ",\"updated_at\":");
    write_time(out, snapshot, lot->updated_at_ms);
    json_text_append_text(out, ",\"version\":");
    json_text_append_integer(out, lot->version);
    /* For map clients: derived from hours, so it always matches the state. */
    json_text_append_text(out, ",\"opening_hours\":");
    if (lot->opening_hours != NULL)
        json_text_append_string(out, lot->opening_hours);
    else
        json_text_append(out, "null", 4);
}

/* The lot's answer, as json_dumps would print its document compact and in order. */
static char *render(const struct snapshot *snapshot, const struct snapshot_lot *lot, size_t *length)
{
    struct json_text_buffer out = {0};

    json_text_reserve(&out, lot->static_length + 400);
    write_static(&out, snapshot, lot);
    write_live(&out, snapshot, lot);
    write_leave_by(&out, snapshot, lot);
    snapshot_lot_write_closure_fields(snapshot, lot, &out);
    /* Redis is away: the count may have moved since; say so in the body too. */
    if (snapshot->stale_since_ms >= 0)
        json_text_append_text(&out, ",\"stale\":true");
    json_text_append(&out, "}", 1);
    return json_text_finish(&out, length);
}

json_t *snapshot_lot_json(const struct snapshot *snapshot, const struct snapshot_lot *lot)
{
    size_t length;
    char *body = render(snapshot, lot, &length);
    json_t *document = body != NULL ? json_loadb(body, length, 0, NULL) : NULL;

    free(body);
    return document;
}

/*
 * The facts lists filter on, as the answer shows them: *live owns a new
 * space_free array when the lot declares types. Returns 0 or
 * SNAPSHOT_ERROR_NO_MEMORY.
 */
static int take_live_facts(const struct snapshot_lot *lot, struct lot_live_facts *live)
{
    *live = (struct lot_live_facts){lot->capacity, lot->occupied, lot->count_fresh, lot->open_now,
                                    NULL};
    if (lot->declared_spaces == 0)
        return 0;
    live->space_free = malloc(SPACE_TYPE_COUNT * sizeof(*live->space_free));
    if (live->space_free == NULL)
        return SNAPSHOT_ERROR_NO_MEMORY;
    for (int type = 0; type < SPACE_TYPE_COUNT; type++)
        live->space_free[type] = space_free(lot->space_plan, snapshot_lot_counts(lot),
                                            lot->spaces_fresh, (enum space_type)type);
    return 0;
}

static bool same_live_facts(const struct lot_live_facts *a, const struct lot_live_facts *b)
{
    return a->capacity == b->capacity && a->occupied == b->occupied &&
           a->count_fresh == b->count_fresh && a->open_now == b->open_now &&
           (a->space_free == NULL) == (b->space_free == NULL) &&
           (a->space_free == NULL ||
            memcmp(a->space_free, b->space_free, SPACE_TYPE_COUNT * sizeof(*a->space_free)) == 0);
}

int snapshot_lot_rebuild_body(const struct snapshot *snapshot, struct snapshot_lot *lot)
{
    struct rendered_answer *answer;
    struct lot_live_facts live;
    size_t length;
    char *body = render(snapshot, lot, &length);

    if (body == NULL || take_live_facts(lot, &live) != 0) {
        free(body);
        return SNAPSHOT_ERROR_NO_MEMORY;
    }
    if (lot->answer != NULL && lot->answer->body_length == length &&
        memcmp(lot->answer->body, body, length) == 0 &&
        same_live_facts(&lot->answer->live, &live)) {
        /* The same answer: the one held (and its gzip copy, if made) stays shared. */
        free(live.space_free);
        free(body);
        return 0;
    }
    answer = rendered_answer_new(lot->id, body, length, NULL);
    if (answer == NULL) {
        free(live.space_free);
        return SNAPSHOT_ERROR_NO_MEMORY;
    }
    answer->live = live;
    /* A view or a reply may still hold the old version: the last holder frees it. */
    rendered_answer_drop(lot->answer);
    lot->answer = answer;
    return 0;
}

json_t *snapshot_compose_json(const struct snapshot *snapshot, const char *id,
                              const json_t *static_json, int64_t occupied, int64_t version,
                              int64_t updated_at_ms, int64_t now_ms)
{
    const struct snapshot_lot *held = snapshot_find(snapshot, id);
    char *text = json_dumps(static_json, JSON_COMPACT | JSON_PRESERVE_ORDER);
    struct snapshot_lot lot = {0};
    json_t *document = NULL;

    lot.id = (char *)id;
    lot.occupied = occupied;
    lot.version = version;
    lot.updated_at_ms = updated_at_ms;
    /* A write's answer shows the type counts this daemon holds for the lot (borrowed). */
    if (held != NULL)
        lot.spaces = held->spaces;
    /* A replaced lot keeps its closures (borrowed): the answer shows them as GET will. */
    if (held != NULL)
        lot.closures = held->closures;
    if (text != NULL && snapshot_lot_set_static(&lot, text, strlen(text)) == 0) {
        snapshot_lot_compile_schedule(snapshot, &lot);
        snapshot_lot_judge(snapshot, &lot, now_ms);
        document = snapshot_lot_json(snapshot, &lot);
        snapshot_lot_release_schedule(snapshot, &lot);
    }
    snapshot_lot_clear_static(&lot);
    free(text);
    return document;
}

int snapshot_lot_take_counts(struct snapshot_lot *lot, const struct space_counts *counts)
{
    bool any = false;

    lot->spaces_version = -1;
    for (int type = 0; counts != NULL && type < SPACE_TYPE_COUNT; type++) {
        any |= counts->occupied[type] >= 0 || counts->updated_at_ms[type] >= 0;
        if (counts->version[type] > lot->spaces_version)
            lot->spaces_version = counts->version[type];
    }
    if (!any)
        return 0;
    lot->spaces = malloc(sizeof(*lot->spaces));
    if (lot->spaces == NULL)
        return SNAPSHOT_ERROR_NO_MEMORY;
    *lot->spaces = *counts;
    return 0;
}

/* A new lot from a record; NULL when its JSON is unusable or memory is out. */
struct snapshot_lot *snapshot_lot_from_record(const struct snapshot *snapshot,
                                              const struct snapshot_record *record, int64_t now_ms)
{
    struct snapshot_lot *lot = calloc(1, sizeof(*lot));
    if (lot == NULL)
        return NULL;
    lot->deadline_position = DEADLINE_QUEUE_ABSENT;
    lot->id = strdup(record->id);
    lot->occupied = record->occupied;
    lot->version = record->version;
    lot->count_version = record->version;
    lot->updated_at_ms = record->updated_at_ms;
    if (snapshot_lot_take_counts(lot, record->spaces) != 0) {
        snapshot_lot_free(snapshot, lot);
        return NULL;
    }
    if (record->closures_json != NULL && record->closures_json[0] != '\0') {
        lot->closures = closure_list_parse(record->closures_json);
        if (lot->closures == NULL) {
            snapshot_lot_free(snapshot, lot);
            return NULL;
        }
        snapshot_lot_drop_empty_closures(lot);
    }
    if (lot->id == NULL ||
        snapshot_lot_set_static(lot, record->static_json, strlen(record->static_json)) != 0) {
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
