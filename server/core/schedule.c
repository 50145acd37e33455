/* schedule.c: opening schedules (the hours object) evaluated against a holiday calendar; pure. */
#include "schedule.h"

#include "civil.h"
#include "osm_hours.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Day classes, in the order of the hours object's keys. */
enum day_class {
    CLASS_WORKDAY = 0,
    CLASS_WEEKEND,
    CLASS_HOLIDAY,
    CLASS_MONDAY, /* ... through CLASS_MONDAY + 6, Sunday */
    CLASS_COUNT = CLASS_MONDAY + 7,
};

static const char *const class_keys[CLASS_COUNT] = {"workday", "weekend", "holiday", "mo", "tu",
                                                    "we",      "th",      "fr",      "sa", "su"};

struct dated_rule {
    int64_t day;
    struct schedule_rule rule;
};

/* A part of the year with its own day classes; from > to crosses the new year. */
struct season {
    int from; /* month * 100 + day */
    int to;
    struct schedule_rule classes[CLASS_COUNT];
};

struct schedule {
    bool always_open;      /* no hours at all */
    struct osm_hours *osm; /* an OSM schedule, or NULL for an hours object */
    struct schedule_rule classes[CLASS_COUNT];
    struct dated_rule *dates; /* sorted by day */
    size_t date_count;
    /* The first that holds a date wins. Allocated for the lots that have any:
     * held inline, twelve seasons made every compiled schedule 10 KB. */
    struct season *seasons;
    size_t season_count;
};

static const char *const day_type_names[] = {"workday", "weekend", "holiday", "makeup_workday"};

const char *schedule_day_type_name(enum schedule_day_type type)
{
    return (unsigned)type < 4 ? day_type_names[type] : "workday";
}

/* "HH:MM" from 00:00 to 24:00; returns minutes or -1. */
static int parse_clock(const char *text)
{
    int hours, minutes;
    if (text[0] < '0' || text[0] > '9' || text[1] < '0' || text[1] > '9' || text[2] != ':' ||
        text[3] < '0' || text[3] > '5' || text[4] < '0' || text[4] > '9')
        return -1;
    hours = (text[0] - '0') * 10 + (text[1] - '0');
    minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (hours > 24 || (hours == 24 && minutes != 0))
        return -1;
    return hours * 60 + minutes;
}

int schedule_parse_value(const char *text, struct schedule_rule *rule)
{
    const char *p = text;

    memset(rule, 0, sizeof(*rule));
    rule->set = true;
    if (strcmp(text, "off") == 0)
        return 0;
    if (strcmp(text, "24h") == 0) {
        rule->ranges[rule->count++] = (struct schedule_range){0, SCHEDULE_MINUTES_PER_DAY};
        return 0;
    }
    for (;;) {
        int start, end;
        while (*p == ' ')
            p++;
        if (strlen(p) < 11 || p[5] != '-' || rule->count == SCHEDULE_RANGES_MAX)
            return SCHEDULE_ERROR_INVALID;
        start = parse_clock(p);
        end = parse_clock(p + 6);
        if (start < 0 || end < 0 || start == SCHEDULE_MINUTES_PER_DAY || start == end)
            return SCHEDULE_ERROR_INVALID;
        /* An end not after its start runs past midnight and belongs to this day. */
        if (end < start)
            end += SCHEDULE_MINUTES_PER_DAY;
        rule->ranges[rule->count++] = (struct schedule_range){start, end};
        p += 11;
        while (*p == ' ')
            p++;
        if (*p == '\0')
            return 0;
        if (*p++ != ',')
            return SCHEDULE_ERROR_INVALID;
    }
}

static int compare_dated(const void *left, const void *right)
{
    const struct dated_rule *a = left, *b = right;
    return a->day < b->day ? -1 : a->day > b->day;
}

static const char value_rule[] = "must be \"off\", \"24h\" or ranges such as \"08:00-12:00, "
                                 "18:30-07:30\"";

static int parse_dates(struct schedule *schedule, const json_t *dates, char *error,
                       size_t error_size)
{
    const char *date;
    json_t *value;
    struct civil_date parsed;

    if (!json_is_object(dates)) {
        snprintf(error, error_size, "hours.dates: must be an object of \"YYYY-MM-DD\": hours");
        return SCHEDULE_ERROR_INVALID;
    }
    schedule->dates = calloc(json_object_size(dates) + 1, sizeof(*schedule->dates));
    if (schedule->dates == NULL)
        return SCHEDULE_ERROR_NO_MEMORY;
    json_object_foreach((json_t *)dates, date, value)
    {
        struct dated_rule *entry = &schedule->dates[schedule->date_count];
        if (civil_date_parse(date, strlen(date), &parsed) != 0) {
            snprintf(error, error_size, "hours.dates.%.40s: must be keyed by a date YYYY-MM-DD",
                     date);
            return SCHEDULE_ERROR_INVALID;
        }
        if (!json_is_string(value) ||
            schedule_parse_value(json_string_value(value), &entry->rule) != 0) {
            snprintf(error, error_size, "hours.dates.%.40s: %s", date, value_rule);
            return SCHEDULE_ERROR_INVALID;
        }
        entry->day = civil_days_from_date(parsed);
        schedule->date_count++;
    }
    qsort(schedule->dates, schedule->date_count, sizeof(*schedule->dates), compare_dated);
    return 0;
}

/* One day class key of an hours object into classes; place prefixes messages ("hours"). */
static int parse_class(struct schedule_rule *classes, const char *place, const char *key,
                       const json_t *value, char *error, size_t error_size)
{
    int index = -1;
    for (int i = 0; i < CLASS_COUNT && index < 0; i++) {
        if (strcmp(key, class_keys[i]) == 0)
            index = i;
    }
    if (index < 0) {
        snprintf(error, error_size,
                 "%s.%.40s: unknown day class; expected workday, weekend, holiday, mo..su%s", place,
                 key, strcmp(place, "hours") == 0 ? ", dates or seasons" : "");
        return SCHEDULE_ERROR_INVALID;
    }
    if (!json_is_string(value) ||
        schedule_parse_value(json_string_value(value), &classes[index]) != 0) {
        snprintf(error, error_size, "%s.%s: %s", place, key, value_rule);
        return SCHEDULE_ERROR_INVALID;
    }
    return 0;
}

/* "MM-DD" of a day that exists in some year (02-29 does); month * 100 + day, or -1. */
static int parse_month_day(const char *text)
{
    static const int days_in_month[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int month, day;
    if (text == NULL || strlen(text) != 5 || text[2] != '-' || text[0] < '0' || text[0] > '9' ||
        text[1] < '0' || text[1] > '9' || text[3] < '0' || text[3] > '9' || text[4] < '0' ||
        text[4] > '9')
        return -1;
    month = (text[0] - '0') * 10 + (text[1] - '0');
    day = (text[3] - '0') * 10 + (text[4] - '0');
    if (month < 1 || month > 12 || day < 1 || day > days_in_month[month - 1])
        return -1;
    return month * 100 + day;
}

/* One entry of hours.seasons: {"from": "MM-DD", "to": "MM-DD", "hours": {day classes}}. */
static int parse_season(struct season *season, size_t index, const json_t *item, char *error,
                        size_t error_size)
{
    const json_t *hours = json_object_get(item, "hours");
    const char *key;
    json_t *value;
    char place[48];

    snprintf(place, sizeof(place), "hours.seasons[%zu]", index);
    if (!json_is_object(item) || json_object_size(item) != 3 || !json_is_object(hours)) {
        snprintf(error, error_size, "%s: must be an object {from, to, hours} with hours an object",
                 place);
        return SCHEDULE_ERROR_INVALID;
    }
    season->from = parse_month_day(json_string_value(json_object_get(item, "from")));
    season->to = parse_month_day(json_string_value(json_object_get(item, "to")));
    if (season->from < 0 || season->to < 0) {
        snprintf(error, error_size, "%s.%s: must be a day of the year MM-DD, such as 05-01", place,
                 season->from < 0 ? "from" : "to");
        return SCHEDULE_ERROR_INVALID;
    }
    snprintf(place, sizeof(place), "hours.seasons[%zu].hours", index);
    json_object_foreach((json_t *)hours, key, value)
    {
        int result = parse_class(season->classes, place, key, value, error, error_size);
        if (result != 0)
            return result;
    }
    return 0;
}

static int parse_seasons(struct schedule *schedule, const json_t *seasons, char *error,
                         size_t error_size)
{
    if (!json_is_array(seasons) || json_array_size(seasons) > SCHEDULE_SEASONS_MAX) {
        snprintf(error, error_size, "hours.seasons: must be an array of at most %d seasons",
                 SCHEDULE_SEASONS_MAX);
        return SCHEDULE_ERROR_INVALID;
    }
    if (json_array_size(seasons) == 0)
        return 0;
    schedule->seasons = calloc(json_array_size(seasons), sizeof(*schedule->seasons));
    if (schedule->seasons == NULL)
        return SCHEDULE_ERROR_NO_MEMORY;
    for (size_t i = 0; i < json_array_size(seasons); i++) {
        int result =
            parse_season(&schedule->seasons[i], i, json_array_get(seasons, i), error, error_size);
        if (result != 0)
            return result;
        schedule->season_count = i + 1;
    }
    return 0;
}

static int parse_hours(struct schedule *schedule, const json_t *hours, char *error,
                       size_t error_size)
{
    const char *key;
    json_t *value;

    if (!json_is_object(hours)) {
        snprintf(error, error_size, "hours: must be an object such as {\"weekend\": \"24h\"}");
        return SCHEDULE_ERROR_INVALID;
    }
    json_object_foreach((json_t *)hours, key, value)
    {
        int result;
        if (strcmp(key, "dates") == 0)
            result = parse_dates(schedule, value, error, error_size);
        else if (strcmp(key, "seasons") == 0)
            result = parse_seasons(schedule, value, error, error_size);
        else
            result = parse_class(schedule->classes, "hours", key, value, error, error_size);
        if (result != 0)
            return result;
    }
    return 0;
}

int schedule_from_hours(const json_t *hours, struct schedule **out, char *error, size_t error_size)
{
    struct schedule *schedule = calloc(1, sizeof(*schedule));
    int result = 0;

    if (schedule == NULL)
        return SCHEDULE_ERROR_NO_MEMORY;
    if (hours == NULL)
        schedule->always_open = true;
    else
        result = parse_hours(schedule, hours, error, error_size);
    if (result != 0) {
        schedule_free(schedule);
        return result;
    }
    *out = schedule;
    return 0;
}

int schedule_from_osm(const char *text, struct schedule **out, char *error, size_t error_size)
{
    struct schedule *schedule = calloc(1, sizeof(*schedule));
    if (schedule == NULL || (schedule->osm = calloc(1, sizeof(*schedule->osm))) == NULL) {
        free(schedule);
        return SCHEDULE_ERROR_NO_MEMORY;
    }
    if (osm_hours_parse(text, schedule->osm, error, error_size) != 0) {
        schedule_free(schedule);
        return SCHEDULE_ERROR_INVALID;
    }
    *out = schedule;
    return 0;
}

int schedule_from_lot(const json_t *static_json, struct schedule **out, char *error,
                      size_t error_size)
{
    const json_t *hours = json_object_get(static_json, "hours");
    const char *osm = json_string_value(json_object_get(static_json, "opening_hours"));
    if (hours == NULL && osm != NULL)
        return schedule_from_osm(osm, out, error, error_size);
    return schedule_from_hours(hours, out, error, error_size);
}

void schedule_free(struct schedule *schedule)
{
    if (schedule == NULL)
        return;
    free(schedule->osm);
    free(schedule->dates);
    free(schedule->seasons);
    free(schedule);
}

enum schedule_day_type schedule_day_type(const struct calendar *calendar, int64_t day,
                                         const char **name)
{
    const char *found = NULL;
    enum calendar_day kind = calendar_lookup(calendar, day, &found);
    if (name != NULL)
        *name = kind == CALENDAR_DAY_OFF ? found : NULL;
    if (kind == CALENDAR_DAY_OFF)
        return SCHEDULE_DAY_HOLIDAY;
    /* A make-up workday is a weekend day turned into a workday; a weekday a
     * calendar lists as a workday (holiday-cn lists some) is a plain one. */
    if (kind == CALENDAR_DAY_MAKEUP_WORKDAY && civil_weekday(day) >= 5)
        return SCHEDULE_DAY_MAKEUP_WORKDAY;
    return civil_weekday(day) >= 5 ? SCHEDULE_DAY_WEEKEND : SCHEDULE_DAY_WORKDAY;
}

/* The day classes in force on day: the first season that holds it, else the schedule's own. */
static const struct schedule_rule *classes_for_day(const struct schedule *schedule, int64_t day)
{
    struct civil_date date = civil_date_from_days(day);
    int month_day = date.month * 100 + date.day;
    for (size_t i = 0; i < schedule->season_count; i++) {
        const struct season *season = &schedule->seasons[i];
        bool within = season->from <= season->to
                          ? month_day >= season->from && month_day <= season->to
                          : month_day >= season->from || month_day <= season->to;
        if (within)
            return season->classes;
    }
    return schedule->classes;
}

/*
 * The rule a day takes, first match wins: a dates entry; then, from the
 * season's day classes (or the schedule's own): a day off takes holiday
 * (else weekend); a make-up workday takes workday; the weekday's own key;
 * workday or weekend.
 */
static const struct schedule_rule *rule_for_day(const struct schedule *schedule,
                                                const struct calendar *calendar, int64_t day)
{
    static const struct schedule_rule always = {true, 1, {{0, SCHEDULE_MINUTES_PER_DAY}}};
    const struct dated_rule key = {day, {0}};
    const struct dated_rule *dated;
    const struct schedule_rule *rule, *classes;
    enum schedule_day_type type;

    if (schedule->always_open)
        return &always;
    /* bsearch must not see a NULL array, even of zero elements. */
    dated = schedule->date_count > 0
                ? bsearch(&key, schedule->dates, schedule->date_count, sizeof(key), compare_dated)
                : NULL;
    if (dated != NULL)
        return &dated->rule;
    classes = classes_for_day(schedule, day);
    type = schedule_day_type(calendar, day, NULL);
    if (type == SCHEDULE_DAY_HOLIDAY) {
        rule = &classes[CLASS_HOLIDAY];
        return rule->set ? rule : &classes[CLASS_WEEKEND];
    }
    if (type == SCHEDULE_DAY_MAKEUP_WORKDAY)
        return &classes[CLASS_WORKDAY];
    rule = &classes[CLASS_MONDAY + civil_weekday(day)];
    if (rule->set)
        return rule;
    return &classes[type == SCHEDULE_DAY_WEEKEND ? CLASS_WEEKEND : CLASS_WORKDAY];
}

int schedule_windows(const struct schedule *schedule, const struct calendar *calendar, int64_t from,
                     int64_t to, struct time_window **out, size_t *out_count)
{
    /* A range starts on its day and may run into the next: begin a day early. */
    int64_t first_day = from / SCHEDULE_MINUTES_PER_DAY - 1 - (from < 0);
    int64_t last_day = to / SCHEDULE_MINUTES_PER_DAY;
    size_t capacity = (size_t)(last_day - first_day + 1) * SCHEDULE_RANGES_MAX + 1;
    struct time_window *windows;
    size_t count = 0;

    if (schedule->osm != NULL)
        return osm_hours_windows(schedule->osm, calendar, from, to, out, out_count) == 0
                   ? 0
                   : SCHEDULE_ERROR_NO_MEMORY;
    windows = calloc(capacity, sizeof(*windows));
    if (windows == NULL)
        return SCHEDULE_ERROR_NO_MEMORY;
    for (int64_t day = first_day; day <= last_day; day++) {
        const struct schedule_rule *rule = rule_for_day(schedule, calendar, day);
        for (size_t i = 0; rule->set && i < rule->count; i++) {
            int64_t start = day * SCHEDULE_MINUTES_PER_DAY + rule->ranges[i].start;
            int64_t end = day * SCHEDULE_MINUTES_PER_DAY + rule->ranges[i].end;
            if (end <= from || start >= to)
                continue;
            windows[count++] =
                (struct time_window){start < from ? from : start, end > to ? to : end};
        }
    }
    *out = windows;
    *out_count = time_windows_merge(windows, count);
    return 0;
}

/*
 * Where the state found at from (open or not) ends within [from, to): -1
 * when it lasts through to. windows are those of [from, to).
 */
static int64_t change_in(const struct time_window *windows, size_t count, int64_t from, int64_t to,
                         bool open)
{
    if (!open)
        return count > 0 ? windows[0].start : -1;
    if (count == 0 || windows[0].start > from)
        return from;
    return windows[0].end < to ? windows[0].end : -1;
}

bool schedule_open_at(const struct schedule *schedule, const struct calendar *calendar, int64_t now,
                      int64_t *next_change)
{
    /* Look ahead a month at a time: most lots change within a day. */
    const int64_t step = 31LL * SCHEDULE_MINUTES_PER_DAY;
    const int64_t horizon = now + (int64_t)SCHEDULE_HORIZON_DAYS * SCHEDULE_MINUTES_PER_DAY;
    struct time_window *windows = NULL;
    size_t count = 0;
    bool open = false;

    *next_change = -1;
    /* A lot without hours never changes: no year of windows to walk for it. */
    if (schedule->always_open)
        return true;
    for (int64_t from = now; from < horizon && *next_change < 0; from += step) {
        int64_t to = from + step > horizon ? horizon : from + step;
        if (schedule_windows(schedule, calendar, from, to, &windows, &count) != 0)
            return false;
        if (from == now)
            open = count > 0 && windows[0].start == now;
        *next_change = change_in(windows, count, from, to, open);
        free(windows);
        windows = NULL;
    }
    return open;
}

/* A rule as OSM times: "off", or ranges joined by ','; 24h is 00:00-24:00. */
static void osm_times(const struct schedule_rule *rule, char *out, size_t size)
{
    size_t used = 0;
    if (!rule->set || rule->count == 0) {
        snprintf(out, size, "off");
        return;
    }
    out[0] = '\0';
    for (size_t i = 0; i < rule->count && used < size; i++) {
        int start = rule->ranges[i].start, end = rule->ranges[i].end;
        /* OSM wraps a range whose end is before its start, as we do. */
        if (end > SCHEDULE_MINUTES_PER_DAY)
            end -= SCHEDULE_MINUTES_PER_DAY;
        used += (size_t)snprintf(out + used, size - used, "%s%02d:%02d-%02d:%02d", i ? "," : "",
                                 start / 60, start % 60, end / 60, end % 60);
    }
}

static const char *const osm_days[7] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};

/* Append "Mo-Fr" (three or more in a row), "Sa,Su" or "Mo,We" for the days in mask. */
static size_t osm_day_list(unsigned mask, char *out, size_t size)
{
    size_t used = 0;
    for (int day = 0; day < 7 && used < size; day++) {
        int last = day;
        if (!(mask & (1u << day)))
            continue;
        while (last + 1 < 7 && (mask & (1u << (last + 1))))
            last++;
        if (last - day >= 2) {
            used += (size_t)snprintf(out + used, size - used, "%s%s-%s", used ? "," : "",
                                     osm_days[day], osm_days[last]);
            day = last;
        } else {
            used +=
                (size_t)snprintf(out + used, size - used, "%s%s", used ? "," : "", osm_days[day]);
        }
    }
    return used;
}

char *schedule_osm_string(const json_t *hours)
{
    struct schedule *schedule = NULL;
    char times[7][160], holiday[160], text[1024], error[64];
    const struct schedule_rule *holiday_rule;
    unsigned done = 0;
    size_t used = 0;
    bool all_day_every_day = true;

    if (hours == NULL)
        return strdup("24/7");
    if (schedule_from_hours(hours, &schedule, error, sizeof(error)) != 0)
        return NULL;
    for (int day = 0; day < 7; day++) {
        const struct schedule_rule *rule = &schedule->classes[CLASS_MONDAY + day];
        if (!rule->set)
            rule = &schedule->classes[day < 5 ? CLASS_WORKDAY : CLASS_WEEKEND];
        osm_times(rule, times[day], sizeof(times[day]));
        all_day_every_day &= strcmp(times[day], "00:00-24:00") == 0;
    }
    holiday_rule = schedule->classes[CLASS_HOLIDAY].set ? &schedule->classes[CLASS_HOLIDAY]
                                                        : &schedule->classes[CLASS_WEEKEND];
    osm_times(holiday_rule, holiday, sizeof(holiday));
    schedule_free(schedule);
    if (all_day_every_day && strcmp(holiday, "00:00-24:00") == 0)
        return strdup("24/7");
    text[0] = '\0';
    /* Days with the same times form one rule; closed days need none. */
    for (int day = 0; day < 7; day++) {
        unsigned mask = 0;
        if ((done & (1u << day)) || strcmp(times[day], "off") == 0)
            continue;
        for (int other = day; other < 7; other++) {
            if (strcmp(times[other], times[day]) == 0)
                mask |= 1u << other;
        }
        done |= mask;
        if (used > 0 && used < sizeof(text))
            used += (size_t)snprintf(text + used, sizeof(text) - used, "; ");
        if (used < sizeof(text))
            used += osm_day_list(mask, text + used, sizeof(text) - used);
        if (used < sizeof(text))
            used += (size_t)snprintf(text + used, sizeof(text) - used, " %s", times[day]);
    }
    if (used < sizeof(text))
        snprintf(text + used, sizeof(text) - used, "%sPH %s", used ? "; " : "", holiday);
    return strdup(text);
}
