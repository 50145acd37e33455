/* change.h: the messages of the change channel, one format for every change; pure. */
#ifndef PARKSHARE_CHANGE_H
#define PARKSHARE_CHANGE_H

#include <parkshare/wire.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why a message is not understood. */
enum change_error {
    CHANGE_ERROR_NO_MEMORY = -1,
    CHANGE_ERROR_NOT_JSON = -2, /* not one JSON object */
    CHANGE_ERROR_TYPE = -3,     /* "type" missing, not a string, or unknown */
    CHANGE_ERROR_MEMBER = -4,   /* a member of the type missing or of the wrong kind */
};

/* Every kind of change, with the "type" word it travels under. */
enum change_type {
    CHANGE_OCCUPANCY = 0,    /* "occupancy": a lot's count was reported */
    CHANGE_LOT,              /* "lot": a lot was created or replaced */
    CHANGE_LOT_DELETED,      /* "delete": a lot was deleted */
    CHANGE_CALENDAR,         /* "calendar": a calendar was stored or replaced */
    CHANGE_CALENDAR_DELETED, /* "calendar_deleted": a calendar was deleted */
    CHANGE_GROUP,            /* "group": a group's names were stored or replaced */
    CHANGE_GROUP_DELETED,    /* "group_deleted": a group's names were deleted */
    CHANGE_CLOSURES,         /* "closures": a closure of a lot was announced or withdrawn */
};

/*
 * One parsed message: {"type": ..., "id": ...} and the members of its type.
 * Lot changes (OCCUPANCY, LOT, LOT_DELETED) carry "version", the lot's
 * version after the change (an integer >= 0). OCCUPANCY carries "occupied"
 * and "updated_at" (integers); LOT carries them too, null when the lot was
 * never reported, and "lot", the static fields as an object. OCCUPANCY
 * may carry "space", a space type (core/space.h): then "occupied" and
 * "updated_at" are that type's count. CLOSURES carries "closures" (an
 * array), "event" and "closure" (an object). Other members are ignored.
 */
struct change {
    enum change_type type;
    char id[WIRE_ID_MAX + 1]; /* the lot's, calendar's or group's id, never empty */
    int64_t version;          /* lot changes; 0 for calendars and groups */
    int64_t occupied;         /* OCCUPANCY, LOT; -1 when never reported or not carried */
    int64_t updated_at_ms;    /* OCCUPANCY, LOT; -1 when never reported or not carried */
    char *static_json;        /* LOT: the "lot" object as compact JSON text (owned); else NULL */
    bool has_space; /* OCCUPANCY: a space type's count, not the lot's (zeroed: the lot's) */
    int space;      /* OCCUPANCY with has_space: the space type (core/space.h) */
    /* CLOSURES: "closures", the lot's closures (core/closure.h's stored form) as JSON text;
     * "event", "announced" or "withdrawn"; "closure", that one record as JSON text (owned). */
    char *closures_json;
    char closure_event[16];
    char *closure_json;
};

/*
 * Parse length bytes of text into *change. Returns 0 (then call
 * change_deinit), or an enum change_error and *change holds nothing to free.
 */
int change_parse(const char *text, size_t length, struct change *change);

/* Free what change_parse allocated in change; accepts a zeroed change. */
void change_deinit(struct change *change);

#endif
