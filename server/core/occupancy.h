/* occupancy.h: attendant update requests: parsing and validation; pure, no I/O. */
#ifndef PARKSHARE_OCCUPANCY_H
#define PARKSHARE_OCCUPANCY_H

#include "field_error.h"

#include <jansson.h>
#include <parkshare/wire.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum occupancy_error {
    OCCUPANCY_ERROR_INVALID = FIELD_ERROR_INVALID, /* the field error says why */
    OCCUPANCY_ERROR_NO_MEMORY = -2,
};

/* One update: a delta (never 0) or a recount. */
struct occupancy_update {
    char lot_id[WIRE_ID_MAX + 1];
    bool recount;
    int64_t value;
    bool has_idempotency_key;
    char idempotency_key[WIRE_IDEMPOTENCY_KEY_MAX + 1];
    int space; /* the space type counted (core/space.h), or -1 for the whole lot */
};

/*
 * Whether key is a usable Idempotency-Key: 1 to 128 printable ASCII
 * characters (0x21..0x7e; no spaces or control characters).
 */
bool occupancy_key_is_valid(const char *key);

/*
 * Parse the body of POST /v1/lots/{id}/occupancy: {"delta": n} with n a
 * non-zero integer, or {"occupied": n} with n an integer >= 0; exactly one,
 * and optionally "space", a space type whose count this is; nothing else. lot_id is the path's
 * (already validated). The caller sets the idempotency key from the header. Returns 0, or
 * OCCUPANCY_ERROR_INVALID with *error filled.
 */
int occupancy_parse_single(const json_t *body, const char *lot_id, struct occupancy_update *update,
                           struct field_error *error);

/*
 * Parse one item of a POST /v1/occupancy batch: {"id": …, "delta"|"occupied":
 * …, "idempotency_key": …, "space"?}. Same returns as occupancy_parse_single.
 */
int occupancy_parse_item(const json_t *item, struct occupancy_update *update,
                         struct field_error *error);

/*
 * Check a batch's envelope: {"updates": [ 1..WIRE_BATCH_MAX items ]}.
 * Returns the array (borrowed) or NULL with *error filled.
 */
const json_t *occupancy_batch_items(const json_t *body, struct field_error *error);

#endif
