/* api_schedule.c: GET /v1/lots/{id}/schedule: a lot's openings, day by day. */
#include "api_schedule.h"

#include "civil.h"
#include "clock.h"
#include "endpoint.h"
#include "ical.h"
#include "leave_by.h"
#include "schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAYS_DEFAULT 14
#define DAYS_MAX     366

static json_t *local_time(int64_t local_minute)
{
    char text[32];
    clock_format_local(clock_utc_ms(local_minute), text);
    return json_string(text);
}

/* The lot's leave-by rule (LEAVE_BY_NONE when it has none; stored rules were validated). */
static void lot_leave_by(const struct snapshot_lot *lot, struct leave_by *rule)
{
    struct field_error error;
    json_t *fields = snapshot_lot_static(lot);
    if (leave_by_parse(json_object_get(fields, "leave_by"), rule, &error) != 0)
        rule->on = LEAVE_BY_NONE;
    json_decref(fields);
}

/* The lot's schedule, compiled from its stored hours (schedule_from_lot). */
static int lot_hours(const struct snapshot_lot *lot, struct schedule **schedule, char *error,
                     size_t error_size)
{
    json_t *fields = snapshot_lot_static(lot);
    int result = fields != NULL ? schedule_from_lot(fields, schedule, error, error_size) : -1;

    json_decref(fields);
    return result;
}

/* A day's leave-by deadline, or null. */
static json_t *day_leave_by(const struct leave_by *rule, const struct schedule *schedule,
                            const struct calendar *calendar, int64_t day)
{
    int64_t deadline = leave_by_for_day(rule, schedule, calendar, day);
    return deadline >= 0 ? local_time(deadline) : json_null();
}

/*
 * One day: its type, its holiday's name, its entry windows clipped to the
 * day, and the deadline for cars that entered (null without one).
 */
static json_t *describe_day(const struct schedule *schedule, const struct calendar *calendar,
                            const struct leave_by *rule, int64_t day)
{
    struct time_window *windows = NULL;
    const char *holiday = NULL;
    enum schedule_day_type type = schedule_day_type(calendar, day, &holiday);
    json_t *open = json_array();
    char date[11];
    size_t count = 0;

    if (schedule_windows(schedule, calendar, day * SCHEDULE_MINUTES_PER_DAY,
                         (day + 1) * SCHEDULE_MINUTES_PER_DAY, &windows, &count) != 0) {
        json_decref(open);
        return NULL;
    }
    for (size_t i = 0; open != NULL && i < count; i++)
        json_array_append_new(open, json_pack("{s:o, s:o}", "start", local_time(windows[i].start),
                                              "end", local_time(windows[i].end)));
    free(windows);
    civil_date_format(civil_date_from_days(day), date);
    return json_pack("{s:s, s:s, s:s?, s:o, s:o}", "date", date, "day_type",
                     schedule_day_type_name(type), "holiday_name",
                     holiday != NULL && holiday[0] ? holiday : NULL, "open", open, "leave_by",
                     day_leave_by(rule, schedule, calendar, day));
}

/* from (default today, local) and days (default 14, at most 366). */
static int parse_range(struct http_exchange *exchange, int64_t *first_day, int64_t *days)
{
    static const char *const known[] = {"from", "days"};
    const char *from = http_exchange_query(exchange, "from");
    const char *unknown = http_exchange_unknown_query(exchange, known, 2);
    struct civil_date date;

    if (unknown != NULL) {
        http_reply_invalid(exchange, unknown, "unknown query parameter; expected from or days");
        return -1;
    }
    *first_day = clock_local_minute(clock_now_ms()) / SCHEDULE_MINUTES_PER_DAY;
    if (from != NULL) {
        if (civil_date_parse(from, strlen(from), &date) != 0) {
            http_reply_invalid(exchange, "from", "must be a date YYYY-MM-DD");
            return -1;
        }
        *first_day = civil_days_from_date(date);
    }
    return http_exchange_query_integer(exchange, "days", "an integer", 1, DAYS_MAX, DAYS_DEFAULT,
                                       days);
}

/* The rule and its note at the top of the schedule answer, when the lot has one. */
static void add_leave_by_rule(json_t *document, const struct leave_by *rule)
{
    char note[160];
    if (document == NULL || rule->on == LEAVE_BY_NONE)
        return;
    leave_by_note(rule, note, sizeof(note));
    json_object_set_new(document, "leave_by_rule", leave_by_to_json(rule));
    json_object_set_new(document, "opening_hours_note", json_string(note));
}

void api_schedule_days(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct endpoint_context *context = data;
    const char *id = http_exchange_parameter(exchange, "id");
    const struct snapshot_lot *lot = snapshot_find(context->snapshot, id);
    const struct calendar *calendar = NULL;
    const char *calendar_id;
    struct schedule *schedule = NULL;
    struct leave_by rule;
    json_t *days_json, *document;
    int64_t first_day;
    int64_t days;
    char error[256];

    if (lot == NULL) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no lot '%s'", id);
        return;
    }
    if (parse_range(exchange, &first_day, &days) != 0)
        return;
    if (lot_hours(lot, &schedule, error, sizeof(error)) != 0) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "the lot's stored hours do not compile");
        return;
    }
    calendar_id = snapshot_lot_string(lot, "calendar");
    if (calendar_id != NULL)
        calendar = opening_calendar(context->opening, calendar_id);
    lot_leave_by(lot, &rule);
    days_json = json_array();
    for (int64_t i = 0; days_json != NULL && i < days; i++)
        json_array_append_new(days_json, describe_day(schedule, calendar, &rule, first_day + i));
    schedule_free(schedule);
    document =
        json_pack("{s:s, s:s, s:s?, s:b, s:o, s:o}", "id", id, "timezone", context->timezone,
                  "calendar", calendar_id, "open_now", lot->open_now, "next_change",
                  lot->next_change_ms >= 0 ? local_time(clock_local_minute(lot->next_change_ms))
                                           : json_null(),
                  "days", days_json);
    add_leave_by_rule(document, &rule);
    if (document == NULL)
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
    else
        http_reply_json(exchange, 200, document, HTTP_REPLY_PUBLIC);
    json_decref(document);
}

/* The lot's compiled schedule and calendar; replies 404/500 itself and returns -1. */
static int lot_schedule(struct http_exchange *exchange, struct endpoint_context *context,
                        const struct snapshot_lot **lot, struct schedule **schedule,
                        const struct calendar **calendar)
{
    const char *id = http_exchange_parameter(exchange, "id");
    const char *calendar_id;
    char error[256];

    *lot = snapshot_find(context->snapshot, id);
    if (*lot == NULL) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no lot '%s'", id);
        return -1;
    }
    if (lot_hours(*lot, schedule, error, sizeof(error)) != 0) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "the lot's stored hours do not compile");
        return -1;
    }
    calendar_id = snapshot_lot_string(*lot, "calendar");
    *calendar = calendar_id ? opening_calendar(context->opening, calendar_id) : NULL;
    return 0;
}

/*
 * The lot's closures that overlap [from_ms, to_ms) as iCalendar closures
 * (strings borrowed from the lot): a new array (*count set), or NULL.
 */
static struct ical_closure *closures_within(const struct snapshot_lot *lot, int64_t from_ms,
                                            int64_t to_ms, size_t *count)
{
    struct ical_closure *closures = calloc(json_array_size(lot->closures) + 1, sizeof(*closures));
    const json_t *record;
    size_t index;

    *count = 0;
    json_array_foreach(lot->closures, index, record)
    {
        struct ical_closure closure = {json_integer_value(json_object_get(record, "from")),
                                       json_integer_value(json_object_get(record, "to")),
                                       json_string_value(json_object_get(record, "id")),
                                       json_string_value(json_object_get(record, "reason"))};
        if (closures != NULL && closure.end_ms > from_ms && closure.start_ms < to_ms)
            closures[(*count)++] = closure;
    }
    return closures;
}

/* The openings with the lot's closures cut out and rendered with them; NULL without memory. */
static char *render_with_closures(const struct snapshot_lot *lot, const struct ical_calendar *about,
                                  const struct ical_event *events, size_t count, int64_t from_ms,
                                  int64_t to_ms, size_t *length)
{
    size_t closure_count = 0, cut_count = 0;
    struct ical_closure *closures = closures_within(lot, from_ms, to_ms, &closure_count);
    struct ical_event *cut =
        closures ? ical_cut_openings(events, count, closures, closure_count, &cut_count) : NULL;
    char *text =
        cut ? ical_render_with_closures(about, cut, cut_count, closures, closure_count, length)
            : NULL;
    free(cut);
    free(closures);
    return text;
}

/* GET /v1/lots/{id}/schedule.ics?days=N: the openings from today as RFC 5545 events. */
void api_schedule_ical(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct endpoint_context *context = data;
    const struct snapshot_lot *lot;
    const struct calendar *calendar;
    struct schedule *schedule = NULL;
    struct ical_event *events = NULL;
    struct leave_by rule;
    const char *fee_note;
    size_t count = 0, length = 0;
    int64_t first_day;
    int64_t days;
    char *text = NULL, leave_summary[200];

    if (parse_range(exchange, &first_day, &days) != 0 ||
        lot_schedule(exchange, context, &lot, &schedule, &calendar) != 0)
        return;
    lot_leave_by(lot, &rule);
    leave_by_note(&rule, leave_summary, sizeof(leave_summary));
    fee_note = snapshot_lot_string(lot, "fee_note");
    if (ical_schedule_events(schedule, calendar, &rule, leave_summary,
                             first_day * SCHEDULE_MINUTES_PER_DAY,
                             (first_day + days) * SCHEDULE_MINUTES_PER_DAY, &events, &count) == 0) {
        struct ical_calendar about = {lot->id, snapshot_lot_string(lot, "name"),
                                      snapshot_lot_string(lot, "address"),
                                      fee_note ? fee_note : snapshot_lot_string(lot, "fee"),
                                      /* Stamped with the first day, so the same request gives the
                                       * same bytes (and ETag) all day. */
                                      clock_utc_ms(first_day * SCHEDULE_MINUTES_PER_DAY)};
        /* Openings cut by announced closures, each closure an event with its reason. */
        text = render_with_closures(
            lot, &about, events, count, clock_utc_ms(first_day * SCHEDULE_MINUTES_PER_DAY),
            clock_utc_ms((first_day + days) * SCHEDULE_MINUTES_PER_DAY), &length);
    }
    if (text == NULL)
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
    else
        http_reply(exchange, 200, "text/calendar; charset=utf-8", text, length, NULL,
                   HTTP_REPLY_PUBLIC);
    free(text);
    free(events);
    schedule_free(schedule);
}
