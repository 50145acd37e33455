/* space.h: a lot's space types (its per-lot plan), who may park, and the type counts; pure. */
#ifndef PARKSHARE_SPACE_H
#define PARKSHARE_SPACE_H

#include "field_error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

enum space_error {
    SPACE_ERROR_NO_MEMORY = -2,
};

/*
 * The fixed vocabulary, aligned with ParkAPI v3 restriction types and
 * DATEX II assignedFor; "reserved" is kept for a stated purpose (its note).
 */
enum space_type {
    SPACE_DISABLED = 0,
    SPACE_CHARGING,
    SPACE_FAMILY,
    SPACE_WOMEN,
    SPACE_CARSHARING,
    SPACE_BUS,
    SPACE_TRUCK,
    SPACE_MOTORCYCLE,
    SPACE_RESERVED,
    SPACE_TYPE_COUNT,
};

/* The vocabulary as a refusal lists it: "disabled, charging, …, reserved". */
extern const char space_type_list[];

/* The wire name of type ("charging"); type must be below SPACE_TYPE_COUNT. */
const char *space_type_name(enum space_type type);

/* The type named name, or -1 when name (may be NULL) is not in the vocabulary. */
int space_type_from_name(const char *name);

/*
 * The lot body's "spaces", "vehicles" and "entry", validated against the
 * lot's capacity (0: the capacity itself is invalid, so the sums are not
 * judged). Every broken rule goes to errors. On success the canonical
 * forms go to *spaces (types in vocabulary order, {"capacity", "note"?}),
 * *vehicles ({"max_seats"?, "commercial"?}) and *entry (a new string);
 * each NULL when absent. The caller owns them, also after errors. Returns
 * 0 or SPACE_ERROR_NO_MEMORY.
 */
int space_take_lot_fields(const json_t *body, int64_t capacity, json_t **spaces, json_t **vehicles,
                          char **entry, struct field_errors *errors);

/* A type's capacity in a lot's canonical static JSON, or -1 when the lot has none of it. */
int64_t space_capacity(const json_t *static_json, enum space_type type);

/* The live counts of a lot's space types, by type. */
struct space_counts {
    int64_t occupied[SPACE_TYPE_COUNT];      /* -1 when never reported */
    int64_t updated_at_ms[SPACE_TYPE_COUNT]; /* -1 when never reported */
    int64_t version[SPACE_TYPE_COUNT];       /* the lot's version that last set it; -1 */
};

/* Every count unknown, set by no version. */
void space_counts_clear(struct space_counts *counts);

/*
 * Which of the lot's declared types have a count no older than
 * stale_after_ms at now_ms: bit (1 << type). Types the lot does not
 * declare are never fresh.
 */
unsigned space_counts_fresh(const json_t *static_json, const struct space_counts *counts,
                            int64_t now_ms, int64_t stale_after_ms);

/* The earliest instant a fresh type count turns stale, or -1. */
int64_t space_counts_next_stale(unsigned fresh, const struct space_counts *counts,
                                int64_t stale_after_ms);

/* A type's free spaces when its count is fresh (never below 0), else -1. */
int64_t space_free(const json_t *static_json, const struct space_counts *counts, unsigned fresh,
                   enum space_type type);

/*
 * The answer's "spaces": {"charging": {"capacity", "note"?, "occupied",
 * "free", "updated_at"}} for the declared types; occupied null when never
 * reported, free null unless fresh (the lot count's rule), updated_at by
 * format_time. NULL when the lot declares no types or memory is out.
 */
json_t *space_answer(const json_t *static_json, const struct space_counts *counts, unsigned fresh,
                     json_t *(*format_time)(int64_t utc_ms, const void *data), const void *data);

#endif
