/* occupancy.c: attendant update requests: parsing and validation; pure, no I/O. */
#include "occupancy.h"

#include "lot.h"
#include "space.h"

#include <stdio.h>
#include <string.h>

bool occupancy_key_is_valid(const char *key)
{
    size_t length = strlen(key);
    if (length == 0 || length > WIRE_IDEMPOTENCY_KEY_MAX)
        return false;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        if (*p < 0x21 || *p > 0x7e)
            return false;
    }
    return true;
}

/* The number of a "delta" or "occupied" member, checked for its rule. */
static int parse_count(const char *name, const json_t *value, struct occupancy_update *update,
                       struct field_error *error)
{
    json_int_t number;

    if (strcmp(name, "delta") == 0) {
        if (!json_is_integer(value))
            return field_error_set(error, "delta",
                                   "must be an integer (not a string or a fraction)");
        number = json_integer_value(value);
        if (number == 0 || number < -WIRE_CAPACITY_MAX || number > WIRE_CAPACITY_MAX)
            return field_error_set(error, "delta",
                                   "must be a non-zero integer from -100000 to 100000");
        update->recount = false;
    } else {
        if (!json_is_integer(value))
            return field_error_set(error, "occupied",
                                   "must be an integer (not a string or a fraction)");
        number = json_integer_value(value);
        if (number < 0 || number > WIRE_CAPACITY_MAX)
            return field_error_set(error, "occupied", "must be an integer from 0 to 100000");
        update->recount = true;
    }
    update->value = (int64_t)number;
    return 0;
}

/*
 * Walk an object's members: "delta"/"occupied" exactly once between them,
 * and in a batch item also "id" and "idempotency_key"; any other member is
 * refused by name so that a misspelt field never passes unnoticed.
 */
static int parse_members(const json_t *object, bool item, struct occupancy_update *update,
                         struct field_error *error)
{
    const char *name;
    json_t *value;
    int counts = 0;

    if (!json_is_object(object))
        return field_error_set(error, item ? "item" : "body", "must be a JSON object");
    json_object_foreach((json_t *)object, name, value)
    {
        int result = 0;
        if (strcmp(name, "delta") == 0 || strcmp(name, "occupied") == 0) {
            counts++;
            result = parse_count(name, value, update, error);
        } else if (strcmp(name, "space") == 0) {
            update->space = space_type_from_name(json_string_value(value));
            if (update->space < 0)
                return field_error_set(error, "space", "must be a space type: %s", space_type_list);
        } else if (item && strcmp(name, "id") == 0) {
            if (!json_is_string(value) || !lot_id_is_valid(json_string_value(value)))
                return field_error_set(error, "id", "must be a lot id ([a-z0-9][a-z0-9_-]{0,63})");
            snprintf(update->lot_id, sizeof(update->lot_id), "%s", json_string_value(value));
        } else if (item && strcmp(name, "idempotency_key") == 0) {
            if (!json_is_string(value) || !occupancy_key_is_valid(json_string_value(value)))
                return field_error_set(
                    error, "idempotency_key",
                    "must be 1 to 128 printable ASCII characters without spaces");
            update->has_idempotency_key = true;
            snprintf(update->idempotency_key, sizeof(update->idempotency_key), "%s",
                     json_string_value(value));
        } else {
            return field_error_set(error, name, "unknown field; expected %s",
                                   item ? "id, delta or occupied, idempotency_key and space"
                                        : "delta or occupied, and space");
        }
        if (result != 0)
            return result;
    }
    if (counts != 1)
        return field_error_set(error, counts == 0 ? "delta" : "occupied",
                               "give exactly one of delta (a change) or occupied (a recount)");
    if (item && update->lot_id[0] == '\0')
        return field_error_set(error, "id", "is required");
    return 0;
}

int occupancy_parse_single(const json_t *body, const char *lot_id, struct occupancy_update *update,
                           struct field_error *error)
{
    memset(update, 0, sizeof(*update));
    update->space = -1;
    snprintf(update->lot_id, sizeof(update->lot_id), "%s", lot_id);
    return parse_members(body, false, update, error);
}

int occupancy_parse_item(const json_t *item, struct occupancy_update *update,
                         struct field_error *error)
{
    memset(update, 0, sizeof(*update));
    update->space = -1;
    return parse_members(item, true, update, error);
}

const json_t *occupancy_batch_items(const json_t *body, struct field_error *error)
{
    const char *name;
    json_t *value;
    const json_t *updates;

    if (!json_is_object(body)) {
        field_error_set(error, "body", "must be a JSON object {\"updates\": [...]}");
        return NULL;
    }
    json_object_foreach((json_t *)body, name, value)
    {
        if (strcmp(name, "updates") != 0) {
            field_error_set(error, name, "unknown field; expected updates");
            return NULL;
        }
    }
    updates = json_object_get(body, "updates");
    if (!json_is_array(updates) || json_array_size(updates) == 0 ||
        json_array_size(updates) > WIRE_BATCH_MAX) {
        field_error_set(error, "updates", "must be an array of 1 to 500 updates");
        return NULL;
    }
    return updates;
}
