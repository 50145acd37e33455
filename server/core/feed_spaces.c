/* feed_spaces.c: a lot's space types in the feeds' words (ParkAPI v3 restrictions, DATEX II
 * assignedFor); pure. */
#include "feed_spaces.h"

#include "feed_datex.h"
#include "space.h"

#include <stdio.h>

/* How each type is said: ParkAPI's restriction and field suffix, DATEX's assignment. */
struct spoken_type {
    const char *restriction; /* NULL: ParkAPI has no such restriction */
    const char *suffix;      /* of capacity_<suffix> */
    const char *member;      /* DATEX assignedFor member: user, vehicleType or fuelType */
    const char *value;
};

static const struct spoken_type spoken[SPACE_TYPE_COUNT] = {
    [SPACE_DISABLED] = {"DISABLED", "disabled", "user", "disabled"},
    [SPACE_CHARGING] = {"CHARGING", "charging", "fuelType", "battery"},
    [SPACE_FAMILY] = {"FAMILY", "family", "user", "families"},
    [SPACE_WOMEN] = {"WOMEN", "woman", "user", "women"},
    [SPACE_CARSHARING] = {"CARSHARING", "carsharing", "user", "other"},
    [SPACE_BUS] = {"BUS", "bus", "vehicleType", "bus"},
    [SPACE_TRUCK] = {"TRUCK", "truck", "vehicleType", "lorry"},
    [SPACE_MOTORCYCLE] = {NULL, NULL, "vehicleType", "motorcycle"},
    [SPACE_RESERVED] = {NULL, NULL, "user", "other"},
};

/* One declared type's ParkAPI fields; the restriction appended to restrictions. */
static int parkapi_type(json_t *site, json_t *restrictions, const struct snapshot_lot *lot,
                        enum space_type type, int64_t capacity)
{
    int64_t free_spaces =
        space_free(lot->space_plan, snapshot_lot_counts(lot), lot->spaces_fresh, type);
    char name[64];
    int result;

    result =
        json_array_append_new(restrictions, json_pack("{s:s}", "type", spoken[type].restriction));
    snprintf(name, sizeof(name), "capacity_%s", spoken[type].suffix);
    result |= json_object_set_new(site, name, json_integer(capacity));
    if (free_spaces >= 0) {
        snprintf(name, sizeof(name), "realtime_free_capacity_%s", spoken[type].suffix);
        result |= json_object_set_new(site, name, json_integer(free_spaces));
    }
    return result;
}

int feed_spaces_parkapi(json_t *site, const struct snapshot_lot *lot)
{
    json_t *restrictions = json_array();
    int result = restrictions != NULL ? 0 : -1;

    for (int type = 0; result == 0 && type < SPACE_TYPE_COUNT; type++) {
        int64_t capacity = space_capacity(lot->space_plan, (enum space_type)type);
        if (capacity >= 0 && spoken[type].restriction != NULL)
            result = parkapi_type(site, restrictions, lot, (enum space_type)type, capacity);
    }
    if (result == 0 && json_array_size(restrictions) > 0)
        return json_object_set_new(site, "restrictions", restrictions);
    json_decref(restrictions);
    return result;
}

/* The assignment of one declared type. */
static json_t *datex_type(const struct snapshot_lot *lot, enum space_type type,
                          enum feed_datex_language language)
{
    int64_t free_spaces =
        space_free(lot->space_plan, snapshot_lot_counts(lot), lot->spaces_fresh, type);
    json_t *assignment = json_pack("{s:o,s:o}", "typeOfAssignment", feed_datex_enum("onlyFor"),
                                   spoken[type].member, feed_datex_enum(spoken[type].value));
    const json_t *declared =
        json_object_get(json_object_get(lot->space_plan, "spaces"), space_type_name(type));
    const char *note = json_string_value(json_object_get(declared, "note"));
    int result = assignment != NULL ? 0 : -1;

    /* DATEX has no user for car sharing, and a reserved type's purpose is its note: Chinese
     * text, so the English publication says only that the spaces are reserved. */
    if (result == 0 && type == SPACE_CARSHARING)
        result = json_object_set_new(assignment, "additionalAssignment", json_string("carsharing"));
    else if (result == 0 && type == SPACE_RESERVED && language == FEED_DATEX_ENGLISH)
        result = json_object_set_new(assignment, "additionalAssignment", json_string("reserved"));
    else if (result == 0 && note != NULL)
        result = json_object_set_new(assignment, "additionalAssignment", json_string(note));
    if (result == 0 && free_spaces >= 0)
        result = json_object_set_new(assignment, "availableSpaces", json_integer(free_spaces));
    if (result != 0) {
        json_decref(assignment);
        return NULL;
    }
    return assignment;
}

int feed_spaces_datex(json_t *site, const struct snapshot_lot *lot,
                      enum feed_datex_language language)
{
    json_t *assigned = json_array();
    int result = assigned != NULL ? 0 : -1;

    for (int type = 0; result == 0 && type < SPACE_TYPE_COUNT; type++) {
        if (space_capacity(lot->space_plan, (enum space_type)type) >= 0)
            result =
                json_array_append_new(assigned, datex_type(lot, (enum space_type)type, language));
    }
    if (result == 0 && json_array_size(assigned) > 0)
        return json_object_set_new(site, "assignedFor", assigned);
    json_decref(assigned);
    return result;
}
