/* calendar.c: holiday calendars: days off and make-up workdays; pure. */
#include "calendar.h"

#include "civil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 100

struct calendar *calendar_new(const char *timezone)
{
    struct calendar *calendar = calloc(1, sizeof(*calendar));
    if (calendar == NULL)
        return NULL;
    calendar->timezone = strdup(timezone);
    if (calendar->timezone == NULL) {
        free(calendar);
        return NULL;
    }
    return calendar;
}

static void free_entries(struct calendar_entry *entries, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(entries[i].name);
    free(entries);
}

void calendar_free(struct calendar *calendar)
{
    if (calendar == NULL)
        return;
    free_entries(calendar->entries, calendar->count);
    free(calendar->timezone);
    free(calendar);
}

static int compare_entries(const void *left, const void *right)
{
    const struct calendar_entry *a = left, *b = right;
    return a->day < b->day ? -1 : a->day > b->day;
}

/* Sort and refuse a day given twice; "place" names the list in messages. */
static int sort_unique(struct calendar_entry *entries, size_t count, const char *place,
                       struct field_error *error)
{
    qsort(entries, count, sizeof(*entries), compare_entries);
    for (size_t i = 1; i < count; i++) {
        if (entries[i].day == entries[i - 1].day) {
            char date[11];
            civil_date_format(civil_date_from_days(entries[i].day), date);
            return field_error_set(error, place, "%s is given twice", date);
        }
    }
    return 0;
}

static bool only_members(const json_t *object, const char *const *allowed, size_t count,
                         const char **unknown)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)object, key, value)
    {
        bool known = false;
        for (size_t i = 0; i < count && !known; i++)
            known = strcmp(key, allowed[i]) == 0;
        if (!known) {
            *unknown = key;
            return false;
        }
    }
    return true;
}

static int read_name(const json_t *value, const char *place, char **out, struct field_error *error)
{
    const char *name = json_string_value(value);
    if (value == NULL) {
        *out = strdup("");
    } else if (name == NULL || strlen(name) > NAME_MAX_BYTES) {
        return field_error_set_member(error, place, "name", "must be text of at most 100 bytes");
    } else {
        *out = strdup(name);
    }
    return *out == NULL ? CALENDAR_ERROR_NO_MEMORY : 0;
}

static int read_date(const json_t *value, const char *place, int64_t *day, int *year,
                     struct field_error *error)
{
    const char *text = json_string_value(value);
    struct civil_date date;
    if (text == NULL || civil_date_parse(text, strlen(text), &date) != 0)
        return field_error_set_member(error, place, "date", "must be a date YYYY-MM-DD");
    *day = civil_days_from_date(date);
    *year = date.year;
    return 0;
}

/* The members a form of day entry allows, and the rule a non-object breaks. */
struct entry_form {
    const char *const *members;
    size_t member_count;
    const char *object_rule;
};

/* Room for an entry's place in errors, "days[N]". */
#define PLACE_SIZE 32

/*
 * What every form checks first, of the entry at index of days: an object of
 * its members only, with a valid date. place receives "days[index]" for the
 * caller's own errors.
 */
static int read_entry_date(const json_t *item, size_t index, const struct entry_form *form,
                           char place[PLACE_SIZE], int64_t *day, int *year,
                           struct field_error *error)
{
    const char *unknown = NULL;

    snprintf(place, PLACE_SIZE, "days[%zu]", index);
    if (!json_is_object(item))
        return field_error_set(error, place, "%s", form->object_rule);
    if (!only_members(item, form->members, form->member_count, &unknown))
        return field_error_set_member(error, place, unknown, "unknown field");
    return read_date(json_object_get(item, "date"), place, day, year, error);
}

/* One native entry {"date", "kind", "name"}. */
static int read_native_entry(const json_t *item, size_t index, struct calendar_entry *entry,
                             struct field_error *error)
{
    static const char *const members[] = {"date", "kind", "name"};
    static const struct entry_form form = {members, 3, "must be an object {date, kind, name}"};
    const char *kind = json_string_value(json_object_get(item, "kind"));
    char place[PLACE_SIZE];
    int year;
    int result = read_entry_date(item, index, &form, place, &entry->day, &year, error);

    if (result != 0)
        return result;
    entry->source_year = year;
    if (kind != NULL && strcmp(kind, "holiday") == 0)
        entry->kind = CALENDAR_DAY_OFF;
    else if (kind != NULL && strcmp(kind, "workday") == 0)
        entry->kind = CALENDAR_DAY_MAKEUP_WORKDAY;
    else
        return field_error_set_member(error, place, "kind", "must be \"holiday\" or \"workday\"");
    return read_name(json_object_get(item, "name"), place, &entry->name, error);
}

static bool timezone_is_valid(const char *zone)
{
    if (zone == NULL || zone[0] == '\0' || zone[0] == '/' || strstr(zone, "..") != NULL ||
        strlen(zone) > 64)
        return false;
    for (const char *p = zone; *p; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              strchr("/_+-", *p)))
            return false;
    }
    return true;
}

int calendar_check_timezone(const struct calendar *calendar, const char *deployment_zone,
                            calendar_zone_exists zone_exists, void *data, struct field_error *error)
{
    if (!zone_exists(calendar->timezone, data))
        return field_error_set(error, "timezone",
                               "names no zone of the tz database; give %s, the deployment's zone",
                               deployment_zone);
    if (strcmp(calendar->timezone, deployment_zone) != 0)
        return field_error_set(error, "timezone",
                               "must be %s: every day is judged in the deployment's zone",
                               deployment_zone);
    return 0;
}

int calendar_parse(const json_t *document, struct calendar **out, struct field_error *error)
{
    static const char *const members[] = {"timezone", "days"};
    const json_t *days = json_object_get(document, "days");
    const char *zone = json_string_value(json_object_get(document, "timezone"));
    const char *unknown = NULL;
    struct calendar *calendar;
    int result = 0;

    if (!json_is_object(document))
        return field_error_set(error, "body", "must be an object {timezone, days}");
    if (!only_members(document, members, 2, &unknown))
        return field_error_set(error, unknown, "unknown field");
    if (!timezone_is_valid(zone))
        return field_error_set(error, "timezone", "must be a zone name such as Asia/Shanghai");
    if (!json_is_array(days))
        return field_error_set(error, "days", "must be an array");
    calendar = calendar_new(zone);
    if (calendar == NULL)
        return CALENDAR_ERROR_NO_MEMORY;
    calendar->entries = calloc(json_array_size(days) + 1, sizeof(*calendar->entries));
    if (calendar->entries == NULL)
        result = CALENDAR_ERROR_NO_MEMORY;
    for (size_t i = 0; result == 0 && i < json_array_size(days); i++) {
        result = read_native_entry(json_array_get(days, i), i, &calendar->entries[i], error);
        if (result == 0 || calendar->entries[i].name != NULL)
            calendar->count = i + 1;
    }
    if (result == 0)
        result = sort_unique(calendar->entries, calendar->count, "days", error);
    if (result != 0) {
        calendar_free(calendar);
        return result;
    }
    *out = calendar;
    return 0;
}

/* One holiday-cn entry {"name", "date", "isOffDay"} of year. */
static int read_year_entry(const json_t *item, size_t index, int year, struct calendar_entry *entry,
                           struct field_error *error)
{
    static const char *const members[] = {"name", "date", "isOffDay"};
    static const struct entry_form form = {members, 3, "must be an object {name, date, isOffDay}"};
    const json_t *off = json_object_get(item, "isOffDay");
    char place[PLACE_SIZE];
    int entry_year;
    int result = read_entry_date(item, index, &form, place, &entry->day, &entry_year, error);

    if (result != 0)
        return result;
    if (entry_year != year &&
        !(entry_year == year - 1 && civil_date_from_days(entry->day).month == 12))
        return field_error_set_member(error, place, "date", "must lie in %d or the December before",
                                      year);
    entry->source_year = year;
    if (!json_is_boolean(off))
        return field_error_set_member(error, place, "isOffDay", "must be true or false");
    entry->kind = json_is_true(off) ? CALENDAR_DAY_OFF : CALENDAR_DAY_MAKEUP_WORKDAY;
    return read_name(json_object_get(item, "name"), place, &entry->name, error);
}

static int year_of(int64_t day)
{
    return civil_date_from_days(day).year;
}
int calendar_merge_year(struct calendar *calendar, const json_t *file, struct field_error *error)
{
    static const char *const members[] = {"year", "days", "$schema", "$id", "papers"};
    const json_t *year_value = json_object_get(file, "year");
    const json_t *days = json_object_get(file, "days");
    const char *unknown = NULL;
    struct calendar_entry *merged = NULL;
    size_t kept = 0, added = 0;
    int year, result = 0;

    if (!json_is_object(file))
        return field_error_set(error, "body", "must be a holiday-cn year file {year, days}");
    if (!only_members(file, members, 5, &unknown))
        return field_error_set(error, unknown, "unknown field");
    if (!json_is_integer(year_value) || json_integer_value(year_value) < 1900 ||
        json_integer_value(year_value) > 2200)
        return field_error_set(error, "year", "must be an integer from 1900 to 2200");
    if (!json_is_array(days))
        return field_error_set(error, "days", "must be an array");
    year = (int)json_integer_value(year_value);
    merged = calloc(calendar->count + json_array_size(days) + 1, sizeof(*merged));
    if (merged == NULL)
        return CALENDAR_ERROR_NO_MEMORY;
    for (size_t i = 0; result == 0 && i < json_array_size(days); i++) {
        result = read_year_entry(json_array_get(days, i), i, year, &merged[added], error);
        if (result == 0 || merged[added].name != NULL)
            added++;
    }
    if (result == 0)
        result = sort_unique(merged, added, "days", error);
    if (result != 0) {
        free_entries(merged, added);
        return result;
    }
    /* The year's old entries go, and any entry on a date the file gives;
     * the rest move over. */
    for (size_t i = 0; i < calendar->count; i++) {
        struct calendar_entry *entry = &calendar->entries[i];
        if (entry->source_year == year ||
            (added > 0 && bsearch(entry, merged, added, sizeof(*merged), compare_entries) != NULL))
            free(entry->name);
        else
            merged[added + kept++] = *entry;
    }
    free(calendar->entries);
    calendar->entries = merged;
    calendar->count = added + kept;
    qsort(calendar->entries, calendar->count, sizeof(*calendar->entries), compare_entries);
    return 0;
}

/* The result of a parse, with its field error written as one line when it is one. */
static int with_line(int result, const struct field_error *field_error, char *error,
                     size_t error_size)
{
    if (result == CALENDAR_ERROR_INVALID)
        field_error_format(field_error, error, error_size);
    return result;
}

int calendar_from_json(const json_t *document, struct calendar **calendar, char *error,
                       size_t error_size)
{
    struct field_error field_error;
    return with_line(calendar_parse(document, calendar, &field_error), &field_error, error,
                     error_size);
}

int calendar_import_year(struct calendar *calendar, const json_t *year_file, char *error,
                         size_t error_size)
{
    struct field_error field_error;
    return with_line(calendar_merge_year(calendar, year_file, &field_error), &field_error, error,
                     error_size);
}

json_t *calendar_to_json(const struct calendar *calendar, int year)
{
    json_t *days = json_array();
    for (size_t i = 0; days != NULL && i < calendar->count; i++) {
        const struct calendar_entry *entry = &calendar->entries[i];
        char date[11];
        if (year != 0 && year_of(entry->day) != year)
            continue;
        civil_date_format(civil_date_from_days(entry->day), date);
        json_array_append_new(days,
                              json_pack("{s:s, s:s, s:s}", "date", date, "kind",
                                        entry->kind == CALENDAR_DAY_OFF ? "holiday" : "workday",
                                        "name", entry->name));
    }
    return json_pack("{s:s, s:o}", "timezone", calendar->timezone, "days", days);
}

enum calendar_day calendar_lookup(const struct calendar *calendar, int64_t day, const char **name)
{
    size_t low = 0, high = calendar ? calendar->count : 0;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        const struct calendar_entry *entry = &calendar->entries[middle];
        if (entry->day == day) {
            if (name != NULL)
                *name = entry->name;
            return entry->kind;
        }
        if (entry->day < day)
            low = middle + 1;
        else
            high = middle;
    }
    return CALENDAR_DAY_ORDINARY;
}
