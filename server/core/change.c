/* change.c: the messages of the change channel, one format for every change; pure. */
#include "change.h"

#include "space.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = {
    [CHANGE_OCCUPANCY] = "occupancy",
    [CHANGE_LOT] = "lot",
    [CHANGE_LOT_DELETED] = "delete",
    [CHANGE_CALENDAR] = "calendar",
    [CHANGE_CALENDAR_DELETED] = "calendar_deleted",
    [CHANGE_GROUP] = "group",
    [CHANGE_GROUP_DELETED] = "group_deleted",
    [CHANGE_CLOSURES] = "closures",
};

#define TYPE_COUNT (sizeof(type_names) / sizeof(type_names[0]))

static int read_type(const json_t *message, enum change_type *type)
{
    const char *word = json_string_value(json_object_get(message, "type"));
    for (size_t i = 0; word != NULL && i < TYPE_COUNT; i++) {
        if (strcmp(word, type_names[i]) == 0) {
            *type = (enum change_type)i;
            return 0;
        }
    }
    return CHANGE_ERROR_TYPE;
}

static int read_id(const json_t *message, char id[WIRE_ID_MAX + 1])
{
    const json_t *value = json_object_get(message, "id");
    size_t length = json_string_length(value);
    /* jansson refuses "\u0000" by default, so length is the C string's. */
    if (!json_is_string(value) || length == 0 || length > WIRE_ID_MAX)
        return CHANGE_ERROR_MEMBER;
    memcpy(id, json_string_value(value), length + 1);
    return 0;
}

/* An integer member; with null_allowed, null reads as -1. */
static int read_integer(const json_t *message, const char *name, bool null_allowed, int64_t *value)
{
    const json_t *member = json_object_get(message, name);
    if (null_allowed && json_is_null(member)) {
        *value = -1;
        return 0;
    }
    if (!json_is_integer(member))
        return CHANGE_ERROR_MEMBER;
    *value = json_integer_value(member);
    return 0;
}

/* An occupancy report of one space type names it; a word outside the vocabulary is refused. */
static int read_space(const json_t *message, struct change *change)
{
    const json_t *space = json_object_get(message, "space");
    if (space == NULL)
        return 0;
    change->has_space = true;
    change->space = space_type_from_name(json_string_value(space));
    return change->space >= 0 ? 0 : CHANGE_ERROR_MEMBER;
}

static int read_lot_members(const json_t *message, struct change *change)
{
    bool is_lot = change->type == CHANGE_LOT;
    const json_t *static_fields = json_object_get(message, "lot");

    if (read_integer(message, "version", false, &change->version) != 0 || change->version < 0)
        return CHANGE_ERROR_MEMBER;
    if (change->type == CHANGE_LOT_DELETED)
        return 0;
    /* A lot never reported has no count yet: null, where an occupancy report has one. */
    if (read_integer(message, "occupied", is_lot, &change->occupied) != 0 ||
        read_integer(message, "updated_at", is_lot, &change->updated_at_ms) != 0)
        return CHANGE_ERROR_MEMBER;
    if (!is_lot)
        return read_space(message, change);
    if (!json_is_object(static_fields))
        return CHANGE_ERROR_MEMBER;
    change->static_json = json_dumps(static_fields, JSON_COMPACT | JSON_PRESERVE_ORDER);
    return change->static_json != NULL ? 0 : CHANGE_ERROR_NO_MEMORY;
}

/* CLOSURES: the lot's closures after the change, and which one was announced or withdrawn. */
static int read_closure_members(const json_t *message, struct change *change)
{
    const char *event = json_string_value(json_object_get(message, "event"));
    const json_t *closures = json_object_get(message, "closures");
    const json_t *closure = json_object_get(message, "closure");

    if (read_integer(message, "version", false, &change->version) != 0 || change->version < 0 ||
        event == NULL || (strcmp(event, "announced") != 0 && strcmp(event, "withdrawn") != 0) ||
        !json_is_array(closures) || !json_is_object(closure))
        return CHANGE_ERROR_MEMBER;
    snprintf(change->closure_event, sizeof(change->closure_event), "%s", event);
    change->closures_json = json_dumps(closures, JSON_COMPACT | JSON_PRESERVE_ORDER);
    change->closure_json = json_dumps(closure, JSON_COMPACT | JSON_PRESERVE_ORDER);
    return change->closures_json && change->closure_json ? 0 : CHANGE_ERROR_NO_MEMORY;
}

int change_parse(const char *text, size_t length, struct change *change)
{
    json_t *message = json_loadb(text, length, 0, NULL);
    int result = CHANGE_ERROR_NOT_JSON;

    *change = (struct change){.occupied = -1, .updated_at_ms = -1};
    if (json_is_object(message)) {
        result = read_type(message, &change->type);
        if (result == 0)
            result = read_id(message, change->id);
        /* Calendars and groups carry only their id: receivers read them again. */
        if (result == 0 && (change->type == CHANGE_OCCUPANCY || change->type == CHANGE_LOT ||
                            change->type == CHANGE_LOT_DELETED))
            result = read_lot_members(message, change);
        if (result == 0 && change->type == CHANGE_CLOSURES)
            result = read_closure_members(message, change);
    }
    json_decref(message);
    if (result != 0)
        change_deinit(change);
    return result;
}

void change_deinit(struct change *change)
{
    free(change->static_json);
    change->static_json = NULL;
    free(change->closures_json);
    change->closures_json = NULL;
    free(change->closure_json);
    change->closure_json = NULL;
}
