/* lot.c: the lot model: its static fields, validation and canonical JSON; pure. */
#include "lot.h"

#include "leave_by.h"

#include "schedule.h"
#include "space.h"
#include "text.h"

#include <math.h>
#include <parkshare/wire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_CHARACTERS  200
#define TEXT_MAX_CHARACTERS  200
#define NOTES_MAX_CHARACTERS 4000
#define OSM_MAX_CHARACTERS   500
#define GROUPS_MAX           32
#define NAMES_MAX            8
#define LANGUAGE_TAG_MAX     35

const char lot_id_rule[] = "must match [a-z0-9][a-z0-9_-]{0,63}";

bool lot_id_is_valid(const char *id)
{
    size_t length = id ? strlen(id) : 0;
    if (length == 0 || length > WIRE_ID_MAX)
        return false;
    for (size_t i = 0; i < length; i++) {
        char c = id[i];
        bool alphanumeric = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alphanumeric && (i == 0 || (c != '_' && c != '-')))
            return false;
    }
    return true;
}

/* Whether value is a string of 1..max characters, single-line unless multiline; else recorded. */
static bool check_text(const json_t *value, const char *field, size_t max, bool multiline,
                       struct field_errors *errors)
{
    const char *text = json_string_value(value);

    if (text == NULL || text[0] == '\0' || text_characters(text) > max) {
        field_errors_add(errors, field, "must be text of 1 to %zu characters", max);
        return false;
    }
    if (text_has_control(text, multiline)) {
        field_errors_add(errors, field, "must not contain control characters%s",
                         multiline ? " other than line breaks and tabs" : "");
        return false;
    }
    return true;
}

/*
 * A text field: a string of 1..max characters; single-line unless
 * multiline. required: absence is an error. The copy goes to *out.
 */
static int take_text(const json_t *body, const char *field, size_t max, bool required,
                     bool multiline, char **out, struct field_errors *errors)
{
    const json_t *value = json_object_get(body, field);

    if (value == NULL) {
        if (required)
            field_errors_add(errors, field, "is required: text of 1 to %zu characters", max);
        return 0;
    }
    if (!check_text(value, field, max, multiline, errors))
        return 0;
    *out = strdup(json_string_value(value));
    return *out == NULL ? LOT_ERROR_NO_MEMORY : 0;
}

/* A BCP 47 language tag as names use it: "en", "en-GB", "zh-Hant"; letters and digits. */
static bool is_language_tag(const char *tag)
{
    size_t length = strlen(tag), primary = strspn(tag, "abcdefghijklmnopqrstuvwxyz");

    if (length > LANGUAGE_TAG_MAX || primary < 2 || primary > 3)
        return false;
    for (const char *p = tag + primary; *p != '\0';) {
        size_t subtag;
        if (*p++ != '-')
            return false;
        subtag = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        if (subtag < 1 || subtag > 8)
            return false;
        p += subtag;
    }
    return true;
}

/* names: the lot's name in other languages, by language tag ({"en": "City Hall"}). */
static int take_names(const json_t *body, struct lot *lot, struct field_errors *errors)
{
    const json_t *names = json_object_get(body, "names");
    const char *tag;
    json_t *value;

    if (names == NULL)
        return 0;
    if (!json_is_object(names) || json_object_size(names) > NAMES_MAX) {
        field_errors_add(errors, "names",
                         "must be an object of at most %d names by language tag, such as "
                         "{\"en\": \"City Hall\"}",
                         NAMES_MAX);
        return 0;
    }
    json_object_foreach((json_t *)names, tag, value)
    {
        char field[64];
        snprintf(field, sizeof(field), "names.%.*s", LANGUAGE_TAG_MAX + 1, tag);
        if (!is_language_tag(tag))
            field_errors_add(errors, field, "is not a language tag such as en or en-GB");
        else
            check_text(value, field, NAME_MAX_CHARACTERS, false, errors);
    }
    lot->names = json_deep_copy(names);
    return lot->names == NULL ? LOT_ERROR_NO_MEMORY : 0;
}

static int take_id_field(const json_t *body, const char *field, char **out,
                         struct field_errors *errors)
{
    const json_t *value = json_object_get(body, field);
    if (value == NULL)
        return 0;
    if (!json_is_string(value) || !lot_id_is_valid(json_string_value(value))) {
        field_errors_add(errors, field, "%s", lot_id_rule);
        return 0;
    }
    *out = strdup(json_string_value(value));
    return *out == NULL ? LOT_ERROR_NO_MEMORY : 0;
}

static void take_kind(const json_t *body, struct lot *lot, struct field_errors *errors)
{
    static const char *const names[] = {"government", "reclaimed", "public"};
    const char *kind = json_string_value(json_object_get(body, "kind"));
    for (size_t i = 0; kind != NULL && i < 3; i++) {
        if (strcmp(kind, names[i]) == 0) {
            lot->kind = (enum lot_kind)i;
            return;
        }
    }
    field_errors_add(errors, "kind", "is required: government, reclaimed or public");
}

static void take_fee(const json_t *body, struct lot *lot, struct field_errors *errors)
{
    const json_t *value = json_object_get(body, "fee");
    const char *fee = json_string_value(value);
    if (value == NULL)
        return;
    if (fee != NULL && strcmp(fee, "free") == 0)
        lot->fee = LOT_FEE_FREE;
    else if (fee != NULL && strcmp(fee, "paid") == 0)
        lot->fee = LOT_FEE_PAID;
    else
        field_errors_add(errors, "fee", "must be \"free\" or \"paid\"");
}

static void take_capacity(const json_t *body, struct lot *lot, struct field_errors *errors)
{
    const json_t *value = json_object_get(body, "capacity");
    if (!json_is_integer(value) || json_integer_value(value) < 1 ||
        json_integer_value(value) > WIRE_CAPACITY_MAX) {
        field_errors_add(errors, "capacity", "%s an integer from 1 to %d",
                         value == NULL ? "is required:" : "must be", WIRE_CAPACITY_MAX);
        return;
    }
    lot->capacity = json_integer_value(value);
}

static void take_coordinate(const json_t *location, const char *name, double limit, double *out,
                            struct field_errors *errors)
{
    const json_t *value = json_object_get(location, name);
    char field[32];
    snprintf(field, sizeof(field), "location.%s", name);
    if (!json_is_number(value) || !isfinite(json_number_value(value)) ||
        fabs(json_number_value(value)) > limit) {
        field_errors_add(errors, field, "must be a number from %g to %g (WGS84 degrees)", -limit,
                         limit);
        return;
    }
    *out = json_number_value(value);
}

static void take_location(const json_t *body, struct lot *lot, struct field_errors *errors)
{
    const json_t *location = json_object_get(body, "location");
    const char *key;
    json_t *value;

    if (!json_is_object(location)) {
        field_errors_add(errors, "location", "is required: {\"lat\": …, \"lon\": …}");
        return;
    }
    json_object_foreach((json_t *)location, key, value)
    {
        if (strcmp(key, "lat") != 0 && strcmp(key, "lon") != 0) {
            char field[96];
            snprintf(field, sizeof(field), "location.%s", key);
            field_errors_add(errors, field, "unknown field; expected lat and lon");
        }
    }
    take_coordinate(location, "lat", 90, &lot->latitude, errors);
    take_coordinate(location, "lon", 180, &lot->longitude, errors);
}

static int take_groups(const json_t *body, struct lot *lot, struct field_errors *errors)
{
    const json_t *groups = json_object_get(body, "groups");
    size_t index;
    json_t *value;

    if (groups == NULL)
        return 0;
    if (!json_is_array(groups) || json_array_size(groups) > GROUPS_MAX) {
        field_errors_add(errors, "groups", "must be an array of at most 32 group ids");
        return 0;
    }
    lot->groups = calloc(json_array_size(groups) + 1, sizeof(char *));
    if (lot->groups == NULL)
        return LOT_ERROR_NO_MEMORY;
    json_array_foreach(groups, index, value)
    {
        char field[32];
        const char *group = json_string_value(value);
        snprintf(field, sizeof(field), "groups[%zu]", index);
        if (group == NULL || !lot_id_is_valid(group)) {
            field_errors_add(errors, field, "%s", lot_id_rule);
            continue;
        }
        for (size_t i = 0; i < lot->group_count; i++) {
            if (strcmp(lot->groups[i], group) == 0) {
                field_errors_add(errors, field, "repeats group '%s'", group);
                group = NULL;
                break;
            }
        }
        if (group == NULL)
            continue;
        lot->groups[lot->group_count] = strdup(group);
        if (lot->groups[lot->group_count++] == NULL)
            return LOT_ERROR_NO_MEMORY;
    }
    return 0;
}

/* The hours object is the schedule engine's to judge; its message is "field: rule". */
static void check_hours(const json_t *hours, struct field_errors *errors)
{
    struct schedule *schedule = NULL;
    struct field_error error;
    char message[256];

    if (schedule_from_hours(hours, &schedule, message, sizeof(message)) == 0) {
        schedule_free(schedule);
        return;
    }
    field_error_from_message(&error, message, "hours");
    field_errors_append(errors, &error);
}

/* The leave-by rule, kept in its canonical form {"time", "on"}. */
static int take_leave_by(const json_t *body, struct lot *lot, struct field_errors *errors)
{
    const json_t *value = json_object_get(body, "leave_by");
    struct field_error error;
    struct leave_by rule;

    if (json_is_string(value)) {
        field_errors_add(errors, "leave_by",
                         "is the live deadline in answers; give the rule as {\"time\": \"07:30\", "
                         "\"on\": \"next_workday\"}");
        return 0;
    }
    if (leave_by_parse(value, &rule, &error) != 0) {
        field_errors_append(errors, &error);
        return 0;
    }
    if (rule.on == LEAVE_BY_NONE)
        return 0;
    lot->leave_by = leave_by_to_json(&rule);
    return lot->leave_by != NULL ? 0 : LOT_ERROR_NO_MEMORY;
}

static int take_schedule(const json_t *body, struct lot *lot, struct field_errors *errors)
{
    const json_t *hours = json_object_get(body, "hours");
    int result = 0;

    if (hours != NULL && json_object_get(body, "opening_hours") != NULL)
        field_errors_add(errors, "opening_hours", "give hours or opening_hours, not both");
    if (hours != NULL) {
        check_hours(hours, errors);
        lot->hours = json_deep_copy(hours);
        if (lot->hours == NULL)
            return LOT_ERROR_NO_MEMORY;
    }
    result = take_text(body, "opening_hours", OSM_MAX_CHARACTERS, false, false, &lot->opening_hours,
                       errors);
    /* OSM text is evaluated when it is the lot's only schedule: it must fit the subset. */
    if (result == 0 && lot->opening_hours != NULL && hours == NULL) {
        struct schedule *schedule = NULL;
        char message[256];
        if (schedule_from_osm(lot->opening_hours, &schedule, message, sizeof(message)) != 0)
            field_errors_add(errors, "opening_hours", "%s", message);
        schedule_free(schedule);
    }
    if (result == 0)
        result = take_id_field(body, "calendar", &lot->calendar, errors);
    if (result == 0)
        result = take_leave_by(body, lot, errors);
    return result;
}

/* Every member must be a known static field. */
static void check_members(const char *id, const json_t *body, struct field_errors *errors)
{
    static const char *const fields[] = {
        "name",     "names",         "kind",     "operator", "city",     "district", "groups",
        "location", "address",       "contact",  "notes",    "capacity", "fee",      "fee_note",
        "hours",    "opening_hours", "calendar", "spaces",   "vehicles", "entry",    "leave_by",
    };
    static const char *const live[] = {
        "occupied", "free",        "state",      "version",       "updated_at",
        "open_now", "next_change", "distance_m", "leave_by_rule", "opening_hours_note"};
    const char *key;
    json_t *value;

    json_object_foreach((json_t *)body, key, value)
    {
        bool known = false;
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && !known; i++)
            known = strcmp(key, fields[i]) == 0;
        if (known)
            continue;
        if (strcmp(key, "id") == 0) {
            if (!json_is_string(value) || strcmp(json_string_value(value), id) != 0)
                field_errors_add(errors, "id", "must equal the id in the path, or be left out");
            continue;
        }
        if (strcmp(key, "leave_by_rule") == 0 || strcmp(key, "opening_hours_note") == 0) {
            field_errors_add(errors, key,
                             "is shown in answers from leave_by; give the rule as "
                             "leave_by");
            continue;
        }
        for (size_t i = 0; i < sizeof(live) / sizeof(live[0]) && !known; i++)
            known = strcmp(key, live[i]) == 0;
        if (known)
            field_errors_add(errors, key,
                             "is a live field; report occupancy with POST "
                             "/v1/lots/{id}/occupancy");
        else
            field_errors_add(errors, key, "unknown field");
    }
}

int lot_from_json(const char *id, const json_t *body, struct lot **out, struct field_errors *errors)
{
    struct lot *lot = calloc(1, sizeof(*lot));
    int result = 0;

    if (lot == NULL)
        return LOT_ERROR_NO_MEMORY;
    if (!lot_id_is_valid(id))
        field_errors_add(errors, "id", "%s", lot_id_rule);
    if (!json_is_object(body)) {
        field_errors_add(errors, "body", "must be a JSON object");
        lot_free(lot);
        return LOT_ERROR_INVALID;
    }
    check_members(id, body, errors);
    lot->id = strdup(id);
    if (lot->id == NULL)
        result = LOT_ERROR_NO_MEMORY;
    if (result == 0)
        result = take_text(body, "name", NAME_MAX_CHARACTERS, true, false, &lot->name, errors);
    if (result == 0)
        result = take_names(body, lot, errors);
    take_kind(body, lot, errors);
    if (result == 0)
        result = take_text(body, "operator", TEXT_MAX_CHARACTERS, false, false, &lot->operator_name,
                           errors);
    if (result == 0)
        result = take_id_field(body, "city", &lot->city, errors);
    if (result == 0)
        result = take_id_field(body, "district", &lot->district, errors);
    if (result == 0)
        result = take_groups(body, lot, errors);
    take_location(body, lot, errors);
    if (result == 0)
        result =
            take_text(body, "address", TEXT_MAX_CHARACTERS, false, false, &lot->address, errors);
    if (result == 0)
        result =
            take_text(body, "contact", TEXT_MAX_CHARACTERS, false, false, &lot->contact, errors);
    if (result == 0)
        result = take_text(body, "notes", NOTES_MAX_CHARACTERS, false, true, &lot->notes, errors);
    take_capacity(body, lot, errors);
    take_fee(body, lot, errors);
    if (result == 0)
        result =
            take_text(body, "fee_note", TEXT_MAX_CHARACTERS, false, false, &lot->fee_note, errors);
    if (result == 0)
        result = take_schedule(body, lot, errors);
    if (result == 0)
        result = space_take_lot_fields(body, lot->capacity, &lot->spaces, &lot->vehicles,
                                       &lot->entry, errors);
    if (result == 0 && errors->count > 0)
        result = LOT_ERROR_INVALID;
    if (result != 0) {
        lot_free(lot);
        return result;
    }
    *out = lot;
    return 0;
}

static int set_text(json_t *object, const char *key, const char *text)
{
    return text == NULL ? 0 : json_object_set_new(object, key, json_string(text));
}

json_t *lot_static_to_json(const struct lot *lot)
{
    static const char *const kinds[] = {"government", "reclaimed", "public"};
    json_t *object = json_object(), *groups = json_array();
    int failed = object == NULL || groups == NULL;

    for (size_t i = 0; !failed && i < lot->group_count; i++)
        failed |= json_array_append_new(groups, json_string(lot->groups[i]));
    failed |= set_text(object, "name", lot->name);
    if (lot->names != NULL)
        failed |= json_object_set(object, "names", lot->names);
    failed |= json_object_set_new(object, "kind", json_string(kinds[lot->kind]));
    failed |= set_text(object, "operator", lot->operator_name);
    failed |= set_text(object, "city", lot->city);
    failed |= set_text(object, "district", lot->district);
    failed |= json_object_set_new(object, "groups", groups);
    failed |= json_object_set_new(
        object, "location", json_pack("{s:f, s:f}", "lat", lot->latitude, "lon", lot->longitude));
    failed |= set_text(object, "address", lot->address);
    failed |= set_text(object, "contact", lot->contact);
    failed |= set_text(object, "notes", lot->notes);
    failed |= json_object_set_new(object, "capacity", json_integer(lot->capacity));
    if (lot->fee != LOT_FEE_UNSET)
        failed |= json_object_set_new(object, "fee",
                                      json_string(lot->fee == LOT_FEE_FREE ? "free" : "paid"));
    failed |= set_text(object, "fee_note", lot->fee_note);
    if (lot->hours != NULL)
        failed |= json_object_set(object, "hours", lot->hours);
    failed |= set_text(object, "opening_hours", lot->opening_hours);
    failed |= set_text(object, "calendar", lot->calendar);
    if (lot->spaces != NULL)
        failed |= json_object_set(object, "spaces", lot->spaces);
    if (lot->vehicles != NULL)
        failed |= json_object_set(object, "vehicles", lot->vehicles);
    failed |= set_text(object, "entry", lot->entry);
    if (lot->leave_by != NULL)
        failed |= json_object_set(object, "leave_by", lot->leave_by);
    if (failed) {
        json_decref(object);
        return NULL;
    }
    return object;
}

void lot_free(struct lot *lot)
{
    if (lot == NULL)
        return;
    for (size_t i = 0; i < lot->group_count; i++)
        free(lot->groups[i]);
    free(lot->groups);
    free(lot->id);
    free(lot->name);
    json_decref(lot->names);
    free(lot->operator_name);
    free(lot->city);
    free(lot->district);
    free(lot->address);
    free(lot->contact);
    free(lot->notes);
    free(lot->fee_note);
    json_decref(lot->hours);
    free(lot->opening_hours);
    free(lot->calendar);
    json_decref(lot->spaces);
    json_decref(lot->vehicles);
    free(lot->entry);
    json_decref(lot->leave_by);
    free(lot);
}
