/* closure.h: announced closures of a lot: the request's rules, the stored list, what is in force;
 * pure. */
#ifndef PARKSHARE_CLOSURE_H
#define PARKSHARE_CLOSURE_H

#include "field_error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Current and upcoming closures a lot may hold at once (past ones are pruned first). */
#define CLOSURE_MAX_PER_LOT 20
/* A reason is shown on signs and pages: one line, at most this many characters. */
#define CLOSURE_REASON_MAX_CHARACTERS 200
/* How far ahead a closure may be announced, and how long one may last. */
#define CLOSURE_HORIZON_MS (400LL * 86400000LL)
/* The lot answer's upcoming_closures: those starting within this time. */
#define CLOSURE_UPCOMING_MS (7LL * 86400000LL)

enum closure_error {
    CLOSURE_ERROR_INVALID = FIELD_ERROR_INVALID, /* a broken rule, in *error */
    CLOSURE_ERROR_NO_MEMORY = -2,
};

/* Writes an instant as RFC 3339 (the deployment's zone, or UTC). */
typedef void (*closure_format_time)(int64_t utc_ms, char out[32]);

/*
 * Validate a POST body {"from", "to"?, "reason", "names"?} at now_ms. from
 * and to are RFC 3339 with an offset; to after from and in the future;
 * neither further than CLOSURE_HORIZON_MS from now. Without to the closure
 * is open-ended: it lasts until withdrawn and expires max_open_ms after
 * from (which must then still be ahead). On success *record is a new
 * object {"from": ms, "to": ms, "reason", "names"?, "open_ended"} (the
 * stored form without its id) and 0 is returned; otherwise an enum
 * closure_error, with the field and rule in *error for INVALID.
 */
int closure_parse_request(const json_t *body, int64_t now_ms, int64_t max_open_ms, json_t **record,
                          struct field_error *error);

/*
 * A lot's stored closures (the hash field's JSON text, may be NULL or
 * empty) as a new array of well-formed records {"id", "from", "to",
 * "reason", "names"?, "open_ended"}, sorted by from; malformed entries are
 * left out. NULL only when out of memory.
 */
json_t *closure_list_parse(const char *text);

/*
 * The closure in force at now_ms, or NULL (borrowed from closures). Of
 * overlapping ones, the one that ends last. *until (may be NULL) receives
 * when the lot opens again as far as closures go: the end of the chain of
 * closures that overlap or touch it.
 */
const json_t *closure_active(const json_t *closures, int64_t now_ms, int64_t *until);

/*
 * The first instant after now_ms at which closures change the lot's
 * answer (one starts or ends, or enters the upcoming window), or -1.
 */
int64_t closure_next_boundary(const json_t *closures, int64_t now_ms);

/* One record as the API shows it: {"id","from","to","reason","names"?,"open_ended"}. New. */
json_t *closure_public(const json_t *record, closure_format_time format);

/*
 * The records not yet over at now_ms as the API shows them, in order of
 * start; with within_ms >= 0 only those starting within within_ms and not
 * yet started. A new array, or NULL when out of memory.
 */
json_t *closure_public_list(const json_t *closures, int64_t now_ms, int64_t within_ms,
                            closure_format_time format);

/* The record with id in closures, or NULL (borrowed). */
const json_t *closure_find(const json_t *closures, const char *id);

/* Whether id can name a closure: 1 to 20 digits. */
bool closure_id_is_valid(const char *id);

#endif
