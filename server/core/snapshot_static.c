/* snapshot_static.c: a lot's static fields: the canonical text and its typed views; pure. */
#include "snapshot_private.h"

#include "json_text.h"
#include "schedule.h"
#include "space.h"

#include <stdlib.h>
#include <string.h>

/*
 * The text as jansson prints it compact and in order, when it is not
 * already: stored lots are written that way, so this is for data written
 * by hand or by another version. NULL when it is no JSON object.
 */
static char *canonical_text(const char *text, size_t *length)
{
    json_t *parsed;
    char *printed;

    if (json_text_is_canonical_object(text, *length))
        return strndup(text, *length);
    parsed = json_loadb(text, *length, 0, NULL);
    printed =
        json_is_object(parsed) ? json_dumps(parsed, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(parsed);
    if (printed != NULL)
        *length = strlen(printed);
    return printed;
}

/* Append "key\0value\0" to the strings being gathered. */
static void gather_string(struct json_text_buffer *strings, const struct json_text_member *member)
{
    char *value = json_text_string(member->value, member->value_length);

    if (value == NULL) {
        strings->failed = true;
        return;
    }
    json_text_append(strings, member->key, member->key_length);
    json_text_append(strings, "", 1);
    json_text_append(strings, value, strlen(value) + 1);
    free(value);
}

/* The names' strings ("names": {"en": …}) gathered as "names.en" and so on. */
static void gather_names(struct json_text_buffer *strings, const struct json_text_member *names)
{
    struct json_text_member member;
    size_t cursor = 0;

    while (json_text_next_member(names->value, names->value_length, &cursor, &member) == 1) {
        if (member.value[0] != '"')
            continue;
        json_text_append_text(strings, "names.");
        gather_string(strings, &member);
    }
}

/* A member's value parsed (a small one: groups, location, spaces, hours); NULL when it fails. */
static json_t *parse_value(const struct json_text_member *member)
{
    return json_loadb(member->value, member->value_length, JSON_DECODE_ANY, NULL);
}

/* A number's text as a double (strtod reads what jansson would); 0 when it is no number. */
static double number_of(const struct json_text_member *member)
{
    char digits[48];

    if (member->value_length >= sizeof(digits))
        return 0;
    memcpy(digits, member->value, member->value_length);
    digits[member->value_length] = '\0';
    return strtod(digits, NULL);
}

/* An integer's text (at most 19 digits) as an integer. */
static int64_t integer_of(const struct json_text_member *member)
{
    char digits[24];

    memcpy(digits, member->value, member->value_length);
    digits[member->value_length] = '\0';
    return strtoll(digits, NULL, 10);
}

/* latitude and longitude from the location's members lat and lon (canonical text: numbers). */
static void read_location(struct snapshot_lot *lot, const struct json_text_member *location)
{
    struct json_text_member member;
    size_t cursor = 0;

    while (json_text_next_member(location->value, location->value_length, &cursor, &member) == 1) {
        if (json_text_member_is(&member, "lat"))
            lot->latitude = number_of(&member);
        else if (json_text_member_is(&member, "lon"))
            lot->longitude = number_of(&member);
    }
}

/* The typed views a member gives; false when it is unusable or memory is out. */
static bool read_member(struct snapshot_lot *lot, const struct json_text_member *member,
                        json_t **hours)
{
    if (member->value[0] == '"') {
        return true; /* gathered into strings */
    } else if (json_text_member_is(member, "capacity")) {
        /* Canonical text: an integer is digits after an optional minus, nothing else. */
        bool integer = member->value_length > 0 && member->value_length < 20;
        for (size_t i = 0; integer && i < member->value_length; i++)
            integer = (member->value[i] >= '0' && member->value[i] <= '9') ||
                      (i == 0 && member->value[i] == '-' && member->value_length > 1);
        lot->capacity = integer ? integer_of(member) : 0;
        return integer;
    } else if (json_text_member_is(member, "location")) {
        read_location(lot, member);
    } else if (json_text_member_is(member, "groups") && member->value_length > 2) {
        lot->groups = parse_value(member);
        return lot->groups != NULL;
    } else if (json_text_member_is(member, "spaces")) {
        lot->space_plan = json_object();
        return lot->space_plan != NULL &&
               json_object_set_new(lot->space_plan, "spaces", parse_value(member)) == 0;
    } else if (json_text_member_is(member, "hours")) {
        *hours = parse_value(member);
        return *hours != NULL;
    }
    return true;
}

/* Clear the typed views (before they are read again). */
static void clear_views(struct snapshot_lot *lot)
{
    free(lot->strings);
    json_decref(lot->groups);
    json_decref(lot->space_plan);
    free(lot->opening_hours);
    lot->strings = NULL;
    lot->groups = NULL;
    lot->group_list = NULL;
    lot->declared_spaces = 0;
    lot->space_plan = NULL;
    lot->opening_hours = NULL;
    lot->city = NULL;
    lot->kind = NULL;
    lot->capacity = 0;
    lot->latitude = 0;
    lot->longitude = 0;
}

/*
 * The groups as one text, ",a,b,", so that a group is found with one
 * strstr of ",a," on any thread (ids hold no comma). It goes after the
 * strings' terminating empty key, where no lookup of a member reaches, so
 * that it costs no allocation of its own; its offset there, or 0 when the
 * lot is in no group.
 */
static size_t gather_group_list(struct json_text_buffer *strings, const json_t *groups)
{
    size_t index, offset = strings->length;
    json_t *value;

    if (json_array_size(groups) == 0)
        return 0;
    json_text_append(strings, ",", 1);
    json_array_foreach(groups, index, value)
    {
        if (!json_is_string(value))
            continue; /* stored lots were checked: never happens */
        json_text_append_text(strings, json_string_value(value));
        json_text_append(strings, ",", 1);
    }
    json_text_append(strings, "", 1);
    return offset;
}

/* Which space types the lot declares: what space= selects on. */
static unsigned declared_spaces(const json_t *space_plan)
{
    unsigned declared = 0;

    for (int type = 0; space_plan != NULL && type < SPACE_TYPE_COUNT; type++)
        if (space_capacity(space_plan, (enum space_type)type) >= 0)
            declared |= 1u << type;
    return declared;
}

/* Fill the typed views from lot->static_text. Returns -1 if unusable. */
static int read_views(struct snapshot_lot *lot)
{
    struct json_text_buffer strings = {0};
    struct json_text_member member;
    json_t *hours = NULL;
    bool capacity = false, usable = true;
    size_t cursor = 0, group_list;
    size_t length;

    while (usable &&
           json_text_next_member(lot->static_text, lot->static_length, &cursor, &member) == 1) {
        capacity |= json_text_member_is(&member, "capacity");
        usable = read_member(lot, &member, &hours);
        if (member.value[0] == '"')
            gather_string(&strings, &member);
        else if (member.value[0] == '{' && json_text_member_is(&member, "names"))
            gather_names(&strings, &member);
    }
    json_text_append(&strings, "", 1);
    group_list = gather_group_list(&strings, lot->groups);
    lot->strings = json_text_finish(&strings, &length);
    lot->group_list = lot->strings != NULL && group_list > 0 ? lot->strings + group_list : NULL;
    lot->city = snapshot_lot_string(lot, "city");
    lot->kind = snapshot_lot_string(lot, "kind");
    /* Given OSM text stands as it is; an hours object is said in OSM. */
    if (usable && hours == NULL && snapshot_lot_string(lot, "opening_hours") != NULL)
        lot->opening_hours = strdup(snapshot_lot_string(lot, "opening_hours"));
    else if (usable)
        lot->opening_hours = schedule_osm_string(hours);
    json_decref(hours);
    lot->declared_spaces = declared_spaces(lot->space_plan);
    return usable && capacity && lot->strings != NULL && lot->opening_hours != NULL ? 0 : -1;
}

int snapshot_lot_set_static(struct snapshot_lot *lot, const char *text, size_t length)
{
    char *canonical = canonical_text(text, &length);

    if (canonical == NULL)
        return -1;
    free(lot->static_text);
    lot->static_text = canonical;
    lot->static_length = length;
    clear_views(lot);
    return read_views(lot);
}

void snapshot_lot_clear_static(struct snapshot_lot *lot)
{
    clear_views(lot);
    free(lot->static_text);
    lot->static_text = NULL;
    lot->static_length = 0;
}

const struct space_counts *snapshot_lot_counts(const struct snapshot_lot *lot)
{
    static const struct space_counts unknown = {
        {-1, -1, -1, -1, -1, -1, -1, -1, -1},
        {-1, -1, -1, -1, -1, -1, -1, -1, -1},
        {-1, -1, -1, -1, -1, -1, -1, -1, -1},
    };
    _Static_assert(SPACE_TYPE_COUNT == 9, "unknown counts: one -1 per type");

    return lot->spaces != NULL ? lot->spaces : &unknown;
}

json_t *snapshot_lot_static(const struct snapshot_lot *lot)
{
    return json_loadb(lot->static_text, lot->static_length, 0, NULL);
}

json_t *snapshot_lot_member(const struct snapshot_lot *lot, const char *name)
{
    struct json_text_member member;
    size_t cursor = 0;

    while (json_text_next_member(lot->static_text, lot->static_length, &cursor, &member) == 1) {
        if (json_text_member_is(&member, name))
            return json_loadb(member.value, member.value_length, JSON_DECODE_ANY, NULL);
    }
    return NULL;
}

const char *snapshot_lot_next_string(const struct snapshot_lot *lot, const char **at,
                                     const char **key)
{
    const char *next = *at != NULL ? *at : lot->strings;
    const char *value;

    if (next == NULL || *next == '\0')
        return NULL;
    *key = next;
    value = next + strlen(next) + 1;
    *at = value + strlen(value) + 1;
    return value;
}

const char *snapshot_lot_string(const struct snapshot_lot *lot, const char *name)
{
    const char *at = lot->strings;

    while (at != NULL && *at != '\0') {
        const char *value = at + strlen(at) + 1;
        if (strcmp(at, name) == 0)
            return value;
        at = value + strlen(value) + 1;
    }
    return NULL;
}
