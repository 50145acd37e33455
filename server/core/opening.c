/* opening.c: whether a lot is open now: its hours, its holiday calendar, the local clock. */
#include "opening.h"

#include "clock.h"
#include "growable.h"
#include "leave_by.h"
#include "log.h"
#include "schedule.h"

#include <parkshare/wire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct named_calendar {
    char *id;
    struct calendar *calendar;
};

struct opening {
    struct named_calendar *calendars;
    size_t count;
    size_t capacity;
};

/* What compile hands the snapshot for a lot. */
struct compiled {
    struct schedule *schedule;
    struct leave_by leave_by;          /* LEAVE_BY_NONE: no deadline */
    char calendar_id[WIRE_ID_MAX + 1]; /* empty: no calendar */
};

struct opening *opening_new(void)
{
    return calloc(1, sizeof(struct opening));
}

void opening_free(struct opening *opening)
{
    if (opening == NULL)
        return;
    for (size_t i = 0; i < opening->count; i++) {
        free(opening->calendars[i].id);
        calendar_free(opening->calendars[i].calendar);
    }
    free(opening->calendars);
    free(opening);
}

const struct calendar *opening_calendar(const struct opening *opening, const char *id)
{
    for (size_t i = 0; i < opening->count; i++) {
        if (strcmp(opening->calendars[i].id, id) == 0)
            return opening->calendars[i].calendar;
    }
    return NULL;
}

void opening_remove_calendar(struct opening *opening, const char *id)
{
    for (size_t i = 0; i < opening->count; i++) {
        if (strcmp(opening->calendars[i].id, id) != 0)
            continue;
        free(opening->calendars[i].id);
        calendar_free(opening->calendars[i].calendar);
        opening->calendars[i] = opening->calendars[--opening->count];
        return;
    }
}

int opening_set_calendar(struct opening *opening, const char *id, struct calendar *calendar)
{
    struct named_calendar *added;

    for (size_t i = 0; i < opening->count; i++) {
        if (strcmp(opening->calendars[i].id, id) == 0) {
            calendar_free(opening->calendars[i].calendar);
            opening->calendars[i].calendar = calendar;
            return 0;
        }
    }
    if (growable_reserve((void **)&opening->calendars, &opening->capacity, opening->count + 1,
                         sizeof(*opening->calendars)) != 0) {
        calendar_free(calendar);
        return -1;
    }
    added = &opening->calendars[opening->count];
    added->id = strdup(id);
    if (added->id == NULL) {
        calendar_free(calendar);
        return -1;
    }
    added->calendar = calendar;
    opening->count++;
    return 0;
}

/*
 * Whether the lot's canonical text has a member that a schedule is made
 * of (a string value that merely holds these words costs a parse, no more).
 */
static bool has_schedule_member(const char *static_text)
{
    return strstr(static_text, "\"hours\":") != NULL ||
           strstr(static_text, "\"opening_hours\":") != NULL ||
           strstr(static_text, "\"leave_by\":") != NULL;
}

static void *compile_fields(const json_t *static_json);

static void *compile(const char *static_text, void *data)
{
    json_t *static_json;
    void *compiled;

    (void)data;
    /* A lot without hours is open at every instant whatever its calendar
     * says: no handle, which the snapshot judges always open (no memory
     * kept for each of 100,000 such lots). */
    if (!has_schedule_member(static_text))
        return NULL;
    static_json = json_loads(static_text, 0, NULL);
    compiled = static_json != NULL ? compile_fields(static_json) : NULL;
    json_decref(static_json);
    return compiled;
}

static void *compile_fields(const json_t *static_json)
{
    const char *calendar = json_string_value(json_object_get(static_json, "calendar"));
    struct compiled *compiled;
    struct field_error field_error;
    char error[256];

    compiled = calloc(1, sizeof(*compiled));
    if (compiled == NULL)
        return NULL;
    if (schedule_from_lot(static_json, &compiled->schedule, error, sizeof(error)) != 0) {
        /* Stored lots were validated on write; this only happens to data
         * written by another version. Judge the lot closed rather than open. */
        log_warning("opening", "a stored schedule does not compile (%s): judged closed", error);
        json_t *closed = json_object();
        schedule_from_hours(closed, &compiled->schedule, error, sizeof(error));
        json_decref(closed);
    }
    if (leave_by_parse(json_object_get(static_json, "leave_by"), &compiled->leave_by,
                       &field_error) != 0) {
        log_warning("opening", "a stored leave_by does not parse (%s): left out", field_error.rule);
        compiled->leave_by.on = LEAVE_BY_NONE;
    }
    if (calendar != NULL)
        snprintf(compiled->calendar_id, sizeof(compiled->calendar_id), "%s", calendar);
    if (compiled->schedule == NULL) {
        free(compiled);
        return NULL;
    }
    return compiled;
}

static bool is_open(const void *handle, int64_t now_ms, int64_t *next_change_ms, void *data)
{
    const struct compiled *compiled = handle;
    const struct opening *opening = data;
    const struct calendar *calendar =
        compiled->calendar_id[0] ? opening_calendar(opening, compiled->calendar_id) : NULL;
    int64_t next_minute = -1;
    bool open =
        schedule_open_at(compiled->schedule, calendar, clock_local_minute(now_ms), &next_minute);

    *next_change_ms = next_minute >= 0 ? clock_utc_ms(next_minute) : -1;
    return open;
}

static const struct calendar *calendar_of(const struct compiled *compiled,
                                          const struct opening *opening)
{
    return compiled->calendar_id[0] ? opening_calendar(opening, compiled->calendar_id) : NULL;
}

static int64_t leave_by_deadline(const void *handle, int64_t now_ms, void *data)
{
    const struct compiled *compiled = handle;
    int64_t deadline;

    if (compiled->leave_by.on == LEAVE_BY_NONE)
        return -1;
    deadline = leave_by_at(&compiled->leave_by, compiled->schedule, calendar_of(compiled, data),
                           clock_local_minute(now_ms));
    return deadline >= 0 ? clock_utc_ms(deadline) : -1;
}

static void release(void *handle)
{
    struct compiled *compiled = handle;
    if (compiled == NULL)
        return;
    schedule_free(compiled->schedule);
    free(compiled);
}

struct snapshot_opening opening_for_snapshot(struct opening *opening)
{
    return (struct snapshot_opening){
        compile, is_open, release, opening, clock_format_local, leave_by_deadline};
}
