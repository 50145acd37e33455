/* calendar.h: holiday calendars: days off and make-up workdays; pure. */
#ifndef PARKSHARE_CALENDAR_H
#define PARKSHARE_CALENDAR_H

#include "field_error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum calendar_error {
    CALENDAR_ERROR_INVALID = FIELD_ERROR_INVALID, /* the field error says why */
    CALENDAR_ERROR_NO_MEMORY = -2,
};

/* What the calendar says of a date. */
enum calendar_day {
    CALENDAR_DAY_ORDINARY = 0,   /* no exception: the weekday decides */
    CALENDAR_DAY_OFF,            /* a statutory day off (法定节假日) */
    CALENDAR_DAY_MAKEUP_WORKDAY, /* a weekend day that is a working day (调休补班) */
};

struct calendar_entry {
    int64_t day; /* days since 1970-01-01 */
    enum calendar_day kind;
    char *name;
    int source_year; /* the year file it came from; its own year for native entries */
};

/* A calendar: its timezone and its exceptions, sorted by day, one per day. */
struct calendar {
    char *timezone;
    struct calendar_entry *entries;
    size_t count;
};

/* An empty calendar in timezone (copied); NULL when out of memory. */
struct calendar *calendar_new(const char *timezone);

/* Free; accepts NULL. */
void calendar_free(struct calendar *calendar);

/*
 * Parse the native form {"timezone": …, "days": [{"date": "YYYY-MM-DD",
 * "kind": "holiday"|"workday", "name": …}]} strictly: unknown members, bad
 * dates or kinds and a date given twice are refused, with *error naming the
 * place ("days[3].date") and the rule. Returns 0 with *calendar owned by the
 * caller, CALENDAR_ERROR_INVALID or CALENDAR_ERROR_NO_MEMORY.
 */
int calendar_parse(const json_t *document, struct calendar **calendar, struct field_error *error);

/*
 * Merge one holiday-cn year file ({"year": 2026, "days": [{"name", "date",
 * "isOffDay"}], "$schema", "$id", "papers"}): the entries an earlier import
 * of that year brought (or, for native entries, those dated in that year)
 * are replaced by the file's; other years stay. A year's holiday may begin
 * in the last days of December before (New Year 2007 began on 2006-12-30),
 * so dates from the previous December are accepted and win over an entry
 * on the same date. Same returns as calendar_parse; on failure the calendar
 * is unchanged.
 */
int calendar_merge_year(struct calendar *calendar, const json_t *year_file,
                        struct field_error *error);

/* Whether a zone name (already well formed) is in the system's tz database; I/O, at the edge. */
typedef bool (*calendar_zone_exists)(const char *zone, void *data);

/*
 * Whether a calendar may be stored in a deployment that judges every day in
 * deployment_zone: its timezone must be in the tz database (zone_exists,
 * given data) and be deployment_zone, because the calendar's dates are the
 * deployment's local dates; a calendar that claimed another zone would have
 * it echoed back and ignored. Returns 0, or CALENDAR_ERROR_INVALID with
 * *error naming "timezone" and the rule.
 */
int calendar_check_timezone(const struct calendar *calendar, const char *deployment_zone,
                            calendar_zone_exists zone_exists, void *data,
                            struct field_error *error);

/* calendar_parse with the error as one line "field: rule" in error (for logs). */
int calendar_from_json(const json_t *document, struct calendar **calendar, char *error,
                       size_t error_size);

/* calendar_merge_year with the error as one line "field: rule" in error (for logs). */
int calendar_import_year(struct calendar *calendar, const json_t *year_file, char *error,
                         size_t error_size);

/*
 * The native form, all years (year 0) or one year. A new reference, or NULL
 * when out of memory.
 */
json_t *calendar_to_json(const struct calendar *calendar, int year);

/* What the calendar says of day (binary search); *name is set for exceptions. */
enum calendar_day calendar_lookup(const struct calendar *calendar, int64_t day, const char **name);

#endif
