/* opening.c: whether a lot is open now: its hours, its holiday calendar, the local clock. */
#include "opening.h"

#include "civil.h"
#include "log.h"
#include "schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct named_calendar {
    char *id;
    struct calendar *calendar;
};

struct opening {
    struct named_calendar *calendars;
    size_t count;
};

/* What compile hands the snapshot for a lot. */
struct compiled {
    struct schedule *schedule;
    char calendar_id[80]; /* empty: no calendar */
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
    struct named_calendar *grown;

    for (size_t i = 0; i < opening->count; i++) {
        if (strcmp(opening->calendars[i].id, id) == 0) {
            calendar_free(opening->calendars[i].calendar);
            opening->calendars[i].calendar = calendar;
            return 0;
        }
    }
    grown = realloc(opening->calendars, (opening->count + 1) * sizeof(*grown));
    if (grown == NULL) {
        calendar_free(calendar);
        return -1;
    }
    opening->calendars = grown;
    grown[opening->count].id = strdup(id);
    if (grown[opening->count].id == NULL) {
        calendar_free(calendar);
        return -1;
    }
    grown[opening->count++].calendar = calendar;
    return 0;
}

int64_t opening_local_minute(int64_t utc_ms)
{
    time_t seconds = (time_t)(utc_ms / 1000);
    struct tm local;
    int64_t days;

    if (localtime_r(&seconds, &local) == NULL)
        return utc_ms / 60000;
    days = civil_days_from_date(
        (struct civil_date){local.tm_year + 1900, local.tm_mon + 1, local.tm_mday});
    return days * SCHEDULE_MINUTES_PER_DAY + local.tm_hour * 60 + local.tm_min;
}

int64_t opening_utc_ms(int64_t local_minute)
{
    int64_t day = local_minute / SCHEDULE_MINUTES_PER_DAY;
    int minute_of_day = (int)(local_minute - day * SCHEDULE_MINUTES_PER_DAY);
    struct civil_date date = civil_date_from_days(day);
    struct tm local = {0};
    time_t seconds;

    local.tm_year = date.year - 1900;
    local.tm_mon = date.month - 1;
    local.tm_mday = date.day;
    local.tm_hour = minute_of_day / 60;
    local.tm_min = minute_of_day % 60;
    local.tm_isdst = -1;
    seconds = mktime(&local);
    return (int64_t)seconds * 1000;
}

void opening_format_local(int64_t utc_ms, char out[32])
{
    time_t seconds = (time_t)(utc_ms / 1000);
    struct tm local;
    char stamp[24];
    long offset, magnitude;

    if (localtime_r(&seconds, &local) == NULL ||
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &local) == 0) {
        snprintf(out, 32, "1970-01-01T00:00:00Z");
        return;
    }
    offset = local.tm_gmtoff / 60;
    magnitude = offset < 0 ? -offset : offset;
    snprintf(out, 32, "%s%c%02ld:%02ld", stamp, offset < 0 ? '-' : '+', magnitude / 60 % 100,
             magnitude % 60);
}

static void *compile(const json_t *static_json, void *data)
{
    const char *calendar = json_string_value(json_object_get(static_json, "calendar"));
    struct compiled *compiled;
    char error[256];

    (void)data;
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
        schedule_open_at(compiled->schedule, calendar, opening_local_minute(now_ms), &next_minute);

    *next_change_ms = next_minute >= 0 ? opening_utc_ms(next_minute) : -1;
    return open;
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
    return (struct snapshot_opening){compile, is_open, release, opening, opening_format_local};
}
