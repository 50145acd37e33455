/* lot.h: the lot model: its static fields, validation and canonical JSON; pure. */
#ifndef PARKSHARE_LOT_H
#define PARKSHARE_LOT_H

#include "field_error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum lot_error_code {
    LOT_ERROR_INVALID = -1, /* the body breaks rules: see the field errors */
    LOT_ERROR_NO_MEMORY = -2,
};

enum lot_kind {
    LOT_KIND_GOVERNMENT = 0,
    LOT_KIND_RECLAIMED,
    LOT_KIND_PUBLIC,
};

enum lot_fee {
    LOT_FEE_UNSET = 0,
    LOT_FEE_FREE,
    LOT_FEE_PAID,
};

/* A lot's static fields; every string is owned, optional ones may be NULL. */
struct lot {
    char *id;
    char *name;
    json_t *names; /* {"en": "City Hall"}: the name in other languages (owned), or NULL */
    enum lot_kind kind;
    char *operator_name; /* "operator" on the wire */
    char *city;
    char *district;
    char **groups;
    size_t group_count;
    double latitude;
    double longitude;
    char *address;
    char *contact;
    char *notes;
    int64_t capacity;
    enum lot_fee fee;
    char *fee_note;
    json_t *hours; /* the hours object as given (owned), or NULL */
    char *opening_hours;
    char *calendar;
    json_t *spaces;   /* {"charging": {"capacity": n, "note"?}} in vocabulary order, or NULL */
    json_t *vehicles; /* {"max_seats"?, "commercial"?}, or NULL */
    char *entry;      /* "free" or "registration", or NULL */
    json_t *leave_by; /* the leave-by rule {"time", "on"} (owned), or NULL */
};

/* Whether id matches [a-z0-9][a-z0-9_-]{0,63}: lots, groups, cities, calendars. */
bool lot_id_is_valid(const char *id);

/* The rule lot_id_is_valid checks, as a refusal says it: "must match [a-z0-9]…". */
extern const char lot_id_rule[];

/*
 * Validate the body of PUT /v1/lots/{id} strictly and build the lot.
 * Every rule is checked and every failure recorded in errors (which the
 * caller zero-initialises). Unknown fields, live fields and an "id" that
 * differs from the path are errors. Returns 0 with *lot owned by the
 * caller, LOT_ERROR_INVALID, or LOT_ERROR_NO_MEMORY.
 */
int lot_from_json(const char *id, const json_t *body, struct lot **lot,
                  struct field_errors *errors);

/*
 * The canonical JSON of the static fields (without the id, which is the
 * key): name, names, kind, operator, city, district, groups, location, address,
 * contact, notes, capacity, fee, fee_note, hours, opening_hours, calendar,
 * spaces, vehicles, entry, leave_by, in that order, absent optionals left out. lot_from_json of
 * it rebuilds an equal lot. A new reference, or NULL when out of memory.
 */
json_t *lot_static_to_json(const struct lot *lot);

/* Free a lot; accepts NULL. */
void lot_free(struct lot *lot);

#endif
