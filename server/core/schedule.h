/* schedule.h: opening schedules (the hours object) evaluated against a holiday calendar; pure. */
#ifndef PARKSHARE_SCHEDULE_H
#define PARKSHARE_SCHEDULE_H

#include "calendar.h"
#include "time_window.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Local wall-clock time is counted in minutes since 1970-01-01T00:00 local
 * ("local minutes"); a day is local_minute / 1440. Converting to and from
 * UTC is the caller's business (the deployment's timezone).
 */
#define SCHEDULE_MINUTES_PER_DAY 1440

/* How far next_change looks ahead: a lot closed for longer has none. */
#define SCHEDULE_HORIZON_DAYS 400

#define SCHEDULE_RANGES_MAX 8

/* At most this many entries in hours.seasons. */
#define SCHEDULE_SEASONS_MAX 12

enum schedule_error {
    SCHEDULE_ERROR_INVALID = -1, /* the text names the key and the rule */
    SCHEDULE_ERROR_NO_MEMORY = -2,
};

/* One opening: minutes from the day's midnight; end > 1440 runs into the next day. */
struct schedule_range {
    int start;
    int end;
};

/* The openings of a day class: "off" has none; a class never given is unset. */
struct schedule_rule {
    bool set;
    size_t count;
    struct schedule_range ranges[SCHEDULE_RANGES_MAX];
};

/* The kind of a day, as the schedule answer names it. */
enum schedule_day_type {
    SCHEDULE_DAY_WORKDAY = 0,
    SCHEDULE_DAY_WEEKEND,
    SCHEDULE_DAY_HOLIDAY,
    SCHEDULE_DAY_MAKEUP_WORKDAY,
};

struct schedule;

/*
 * Parse one value of the hours object: "off", "24h", or comma-separated
 * "HH:MM-HH:MM" ranges (00:00..24:00; an end not after its start runs past
 * midnight). Returns 0 or SCHEDULE_ERROR_INVALID.
 */
int schedule_parse_value(const char *text, struct schedule_rule *rule);

/*
 * Compile an hours object ({"workday": …, "weekend": …, "holiday": …,
 * "mo"…"su": …, "dates": {"YYYY-MM-DD": …}, "seasons": [{"from": "MM-DD",
 * "to": "MM-DD", "hours": {day classes}}]}). A date takes its dates entry,
 * else the day classes of the first season that holds it (from after to
 * crosses the new year; a class a season leaves out is closed), else the
 * object's own. NULL hours means open around the clock (a lot with no
 * schedule). On error the text names the key ("hours.seasons[0].from").
 */
int schedule_from_hours(const json_t *hours, struct schedule **schedule, char *error,
                        size_t error_size);

/*
 * Compile an OSM opening_hours string of the supported subset (see
 * osm_hours.h); anything else is refused with the construct named.
 */
int schedule_from_osm(const char *text, struct schedule **schedule, char *error, size_t error_size);

/*
 * Compile a lot's schedule from its static JSON: its "hours" object, else
 * its "opening_hours" string, else open around the clock.
 */
int schedule_from_lot(const json_t *static_json, struct schedule **schedule, char *error,
                      size_t error_size);

/* Free; accepts NULL. */
void schedule_free(struct schedule *schedule);

/*
 * The type of a day and, for days off, the holiday's name (*name may be
 * NULL). A make-up workday is a weekend day the calendar makes a workday; a
 * weekday it lists as a workday is a plain workday.
 */
enum schedule_day_type schedule_day_type(const struct calendar *calendar, int64_t day,
                                         const char **name);

/* The name of a day type: "workday", "weekend", "holiday", "makeup_workday". */
const char *schedule_day_type_name(enum schedule_day_type type);

/*
 * The open windows overlapping [from, to) in local minutes, merged and
 * clipped to the range, in a new array (*windows, freed by the caller).
 * calendar may be NULL (no exceptions). Returns 0 or SCHEDULE_ERROR_NO_MEMORY.
 */
int schedule_windows(const struct schedule *schedule, const struct calendar *calendar, int64_t from,
                     int64_t to, struct time_window **windows, size_t *count);

/*
 * Whether the lot is open at local minute now, and when that next flips
 * (*next_change, -1 when not within SCHEDULE_HORIZON_DAYS).
 */
bool schedule_open_at(const struct schedule *schedule, const struct calendar *calendar, int64_t now,
                      int64_t *next_change);

/*
 * The OSM opening_hours string for map clients, derived from an hours
 * object (NULL hours: "24/7"): weekday rules grouped ("Mo-Fr 18:30-07:30;
 * Sa,Su 00:00-24:00"), then the holiday rule as PH. Make-up workdays,
 * dates entries and seasons cannot be said in the OSM subset the project
 * reads and are left out. The hours
 * must have compiled (schedule_from_hours). A new string, or NULL when out
 * of memory.
 */
char *schedule_osm_string(const json_t *hours);

#endif
