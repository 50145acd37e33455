/* space.c: a lot's space types (its per-lot plan), who may park, and the type counts; pure. */
#include "space.h"

#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTE_MAX_CHARACTERS 200
#define SEATS_MAX           99

static const char *const type_names[SPACE_TYPE_COUNT] = {
    [SPACE_DISABLED] = "disabled", [SPACE_CHARGING] = "charging",     [SPACE_FAMILY] = "family",
    [SPACE_WOMEN] = "women",       [SPACE_CARSHARING] = "carsharing", [SPACE_BUS] = "bus",
    [SPACE_TRUCK] = "truck",       [SPACE_MOTORCYCLE] = "motorcycle", [SPACE_RESERVED] = "reserved",
};

const char space_type_list[] =
    "disabled, charging, family, women, carsharing, bus, truck, motorcycle or reserved";

const char *space_type_name(enum space_type type)
{
    return type_names[type];
}

int space_type_from_name(const char *name)
{
    for (int i = 0; name != NULL && i < SPACE_TYPE_COUNT; i++) {
        if (strcmp(name, type_names[i]) == 0)
            return i;
    }
    return -1;
}

/* A type's note: single-line text of 1..200 characters; required for "reserved". */
static int take_note(const json_t *plan, const char *field_prefix, bool required, json_t *out,
                     struct field_errors *errors)
{
    const json_t *note = json_object_get(plan, "note");
    const char *text = json_string_value(note);
    char field[96];

    snprintf(field, sizeof(field), "%s.note", field_prefix);
    if (note == NULL) {
        if (required)
            field_errors_add(errors, field, "is required: the purpose the spaces are kept for");
        return 0;
    }
    if (text == NULL || text[0] == '\0' || text_characters(text) > NOTE_MAX_CHARACTERS ||
        text_has_control(text, false)) {
        field_errors_add(errors, field, "must be single-line text of 1 to %d characters",
                         NOTE_MAX_CHARACTERS);
        return 0;
    }
    return json_object_set_new(out, "note", json_string(text)) == 0 ? 0 : SPACE_ERROR_NO_MEMORY;
}

/* One type's plan {"capacity": n, "note"?: text}; its capacity (or 0) goes to *taken. */
static int take_type(const json_t *plan, enum space_type type, int64_t lot_capacity, json_t *out,
                     int64_t *taken, struct field_errors *errors)
{
    const json_t *capacity = json_object_get(plan, "capacity");
    json_t *canonical;
    const char *key;
    json_t *value;
    char field[64];
    int result;

    *taken = 0;
    snprintf(field, sizeof(field), "spaces.%s", type_names[type]);
    if (!json_is_object(plan)) {
        field_errors_add(errors, field, "must be an object {\"capacity\": n}");
        return 0;
    }
    json_object_foreach((json_t *)plan, key, value)
    {
        if (strcmp(key, "capacity") != 0 && strcmp(key, "note") != 0)
            field_errors_add(errors, field, "unknown member '%.24s'; expected capacity and note",
                             key);
    }
    snprintf(field, sizeof(field), "spaces.%s.capacity", type_names[type]);
    if (!json_is_integer(capacity) || json_integer_value(capacity) < 1 ||
        (lot_capacity > 0 && json_integer_value(capacity) > lot_capacity)) {
        field_errors_add(errors, field, "must be an integer from 1 to the lot's capacity %lld",
                         (long long)lot_capacity);
        return 0;
    }
    *taken = json_integer_value(capacity);
    canonical = json_pack("{s:I}", "capacity", (json_int_t)*taken);
    if (canonical == NULL)
        return SPACE_ERROR_NO_MEMORY;
    snprintf(field, sizeof(field), "spaces.%s", type_names[type]);
    result = take_note(plan, field, type == SPACE_RESERVED, canonical, errors);
    if (result == 0 && json_object_set_new(out, type_names[type], canonical) != 0)
        return SPACE_ERROR_NO_MEMORY;
    if (result != 0)
        json_decref(canonical);
    return result;
}

/* "spaces": the known types, each within the lot's capacity, together too. */
static int take_spaces(const json_t *body, int64_t capacity, json_t **out,
                       struct field_errors *errors)
{
    const json_t *spaces = json_object_get(body, "spaces");
    int64_t sum = 0, taken;
    const char *key;
    json_t *value;
    int result = 0;

    if (spaces == NULL)
        return 0;
    if (!json_is_object(spaces)) {
        field_errors_add(errors, "spaces", "must be an object of capacities by space type");
        return 0;
    }
    json_object_foreach((json_t *)spaces, key, value)
    {
        if (space_type_from_name(key) < 0)
            field_errors_add(errors, "spaces", "unknown space type '%.24s'; expected %s", key,
                             space_type_list);
    }
    *out = json_object();
    if (*out == NULL)
        return SPACE_ERROR_NO_MEMORY;
    /* Canonical order is the vocabulary's, whatever order the body gave. */
    for (int type = 0; result == 0 && type < SPACE_TYPE_COUNT; type++) {
        const json_t *plan = json_object_get(spaces, type_names[type]);
        if (plan == NULL)
            continue;
        result = take_type(plan, (enum space_type)type, capacity, *out, &taken, errors);
        sum += taken;
    }
    if (capacity > 0 && sum > capacity)
        field_errors_add(errors, "spaces",
                         "the types' capacities sum to %lld, above the lot's capacity %lld",
                         (long long)sum, (long long)capacity);
    return result;
}

/* "vehicles": {"max_seats": 1..99, "commercial": bool}, at least one of them. */
static int take_vehicles(const json_t *body, json_t **out, struct field_errors *errors)
{
    const json_t *vehicles = json_object_get(body, "vehicles");
    const json_t *seats = json_object_get(vehicles, "max_seats");
    const json_t *commercial = json_object_get(vehicles, "commercial");
    const char *key;
    json_t *value;

    if (vehicles == NULL)
        return 0;
    if (!json_is_object(vehicles) || json_object_size(vehicles) == 0) {
        field_errors_add(errors, "vehicles",
                         "must be an object such as {\"max_seats\": 7, \"commercial\": false}");
        return 0;
    }
    json_object_foreach((json_t *)vehicles, key, value)
    {
        if (strcmp(key, "max_seats") != 0 && strcmp(key, "commercial") != 0)
            field_errors_add(errors, "vehicles",
                             "unknown member '%.24s'; expected max_seats and commercial", key);
    }
    if (seats != NULL && (!json_is_integer(seats) || json_integer_value(seats) < 1 ||
                          json_integer_value(seats) > SEATS_MAX))
        field_errors_add(errors, "vehicles.max_seats", "must be an integer from 1 to %d",
                         SEATS_MAX);
    if (commercial != NULL && !json_is_boolean(commercial))
        field_errors_add(errors, "vehicles.commercial",
                         "must be true (commercial vehicles admitted) or false");
    *out = json_object();
    if (*out == NULL)
        return SPACE_ERROR_NO_MEMORY;
    if (json_is_integer(seats) && json_object_set(*out, "max_seats", (json_t *)seats) != 0)
        return SPACE_ERROR_NO_MEMORY;
    if (json_is_boolean(commercial) &&
        json_object_set(*out, "commercial", (json_t *)commercial) != 0)
        return SPACE_ERROR_NO_MEMORY;
    return 0;
}

static int take_entry(const json_t *body, char **out, struct field_errors *errors)
{
    const json_t *value = json_object_get(body, "entry");
    const char *entry = json_string_value(value);

    if (value == NULL)
        return 0;
    if (entry == NULL || (strcmp(entry, "free") != 0 && strcmp(entry, "registration") != 0)) {
        field_errors_add(errors, "entry",
                         "must be \"free\" or \"registration\" (registration at the gate)");
        return 0;
    }
    *out = strdup(entry);
    return *out == NULL ? SPACE_ERROR_NO_MEMORY : 0;
}

int space_take_lot_fields(const json_t *body, int64_t capacity, json_t **spaces, json_t **vehicles,
                          char **entry, struct field_errors *errors)
{
    int result = take_spaces(body, capacity, spaces, errors);
    if (result == 0)
        result = take_vehicles(body, vehicles, errors);
    if (result == 0)
        result = take_entry(body, entry, errors);
    return result;
}

int64_t space_capacity(const json_t *static_json, enum space_type type)
{
    const json_t *plan = json_object_get(json_object_get(static_json, "spaces"), type_names[type]);
    const json_t *capacity = json_object_get(plan, "capacity");
    return json_is_integer(capacity) ? json_integer_value(capacity) : -1;
}

void space_counts_clear(struct space_counts *counts)
{
    for (int type = 0; type < SPACE_TYPE_COUNT; type++) {
        counts->occupied[type] = -1;
        counts->updated_at_ms[type] = -1;
        counts->version[type] = -1;
    }
}

unsigned space_counts_fresh(const json_t *static_json, const struct space_counts *counts,
                            int64_t now_ms, int64_t stale_after_ms)
{
    unsigned fresh = 0;

    if (json_object_get(static_json, "spaces") == NULL)
        return 0;
    for (int type = 0; type < SPACE_TYPE_COUNT; type++) {
        if (space_capacity(static_json, (enum space_type)type) >= 0 &&
            counts->occupied[type] >= 0 && counts->updated_at_ms[type] >= 0 &&
            now_ms - counts->updated_at_ms[type] <= stale_after_ms)
            fresh |= 1u << type;
    }
    return fresh;
}

int64_t space_counts_next_stale(unsigned fresh, const struct space_counts *counts,
                                int64_t stale_after_ms)
{
    int64_t earliest = -1;
    for (int type = 0; type < SPACE_TYPE_COUNT; type++) {
        int64_t when = counts->updated_at_ms[type] + stale_after_ms + 1;
        if ((fresh & (1u << type)) != 0 && (earliest < 0 || when < earliest))
            earliest = when;
    }
    return earliest;
}

/* A count shown against a capacity lowered since it was stored is shown as at most it. */
static int64_t shown_occupied(int64_t occupied, int64_t capacity)
{
    return occupied > capacity ? capacity : occupied;
}

int64_t space_free(const json_t *static_json, const struct space_counts *counts, unsigned fresh,
                   enum space_type type)
{
    int64_t capacity = space_capacity(static_json, type);
    if (capacity < 0 || (fresh & (1u << type)) == 0)
        return -1;
    return capacity - shown_occupied(counts->occupied[type], capacity);
}

/* One declared type's answer: its plan, then the live members. */
static json_t *type_answer(const json_t *plan, enum space_type type,
                           const struct space_counts *counts, unsigned fresh,
                           json_t *(*format_time)(int64_t utc_ms, const void *data),
                           const void *data)
{
    json_t *answer = json_deep_copy(plan);
    int64_t capacity = json_integer_value(json_object_get(plan, "capacity"));
    int64_t occupied = counts->occupied[type];
    int failed = answer == NULL;

    if (failed)
        return NULL;
    failed |= json_object_set_new(answer, "occupied",
                                  occupied >= 0 ? json_integer(shown_occupied(occupied, capacity))
                                                : json_null());
    failed |= json_object_set_new(answer, "free",
                                  (fresh & (1u << type)) != 0
                                      ? json_integer(capacity - shown_occupied(occupied, capacity))
                                      : json_null());
    failed |=
        json_object_set_new(answer, "updated_at", format_time(counts->updated_at_ms[type], data));
    if (failed) {
        json_decref(answer);
        return NULL;
    }
    return answer;
}

json_t *space_answer(const json_t *static_json, const struct space_counts *counts, unsigned fresh,
                     json_t *(*format_time)(int64_t utc_ms, const void *data), const void *data)
{
    const json_t *spaces = json_object_get(static_json, "spaces");
    json_t *answer;

    if (!json_is_object(spaces))
        return NULL;
    answer = json_object();
    for (int type = 0; answer != NULL && type < SPACE_TYPE_COUNT; type++) {
        const json_t *plan = json_object_get(spaces, type_names[type]);
        json_t *one;
        if (plan == NULL)
            continue;
        one = type_answer(plan, (enum space_type)type, counts, fresh, format_time, data);
        if (one == NULL || json_object_set_new(answer, type_names[type], one) != 0) {
            json_decref(answer);
            return NULL;
        }
    }
    return answer;
}
