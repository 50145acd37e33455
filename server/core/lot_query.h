/* lot_query.h: the filters of GET /v1/lots and /v1/lots.geojson, parsed; pure. */
#ifndef PARKSHARE_LOT_QUERY_H
#define PARKSHARE_LOT_QUERY_H

#include "field_error.h"
#include "rendered_answer.h"

#include <parkshare/wire.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOT_QUERY_LIMIT_DEFAULT  50
#define LOT_QUERY_LIMIT_MAX      500
#define LOT_QUERY_RADIUS_DEFAULT 2000
#define LOT_QUERY_RADIUS_MAX     50000

enum lot_query_error {
    LOT_QUERY_ERROR_INVALID = FIELD_ERROR_INVALID, /* the field error says why */
    LOT_QUERY_ERROR_NO_MEMORY = -2,
    LOT_QUERY_ERROR_CURSOR =
        -3, /* a cursor this list never gave (a 400); the field error says so */
};

struct snapshot;
struct snapshot_lot;

/* Which lots: those of a city, a group, a kind, one lot id and/or a space type (NULL: any). */
struct lot_selection {
    const char *city;
    const char *group;
    const char *kind;
    const char *lot_id;
    const char *space; /* a space type's name: lots that declare it, counted by it (totals) */
};

/* Which tri-state a boolean filter is in. */
enum lot_query_open {
    LOT_QUERY_OPEN_ANY = 0,
    LOT_QUERY_OPEN_ONLY,   /* open=true */
    LOT_QUERY_CLOSED_ONLY, /* open=false */
};

struct lot_query {
    struct lot_selection selection; /* borrowed from the parameters; no lot id */
    bool near;
    double near_lat, near_lon;
    double radius_m;
    bool bbox;
    double min_lon, min_lat, max_lon, max_lat;
    enum lot_query_open open;
    int64_t min_free; /* -1: no filter */
    bool has_space;   /* space=: lots that declare the type; min_free is then the type's */
    int space;        /* the space type (core/space.h) when has_space */
    long limit;
    /* The cursor: after this id, or (near) after this distance and id. */
    bool has_cursor;
    int64_t cursor_millimetres;
    char cursor_id[WIRE_ID_MAX + 1];
};

/* Gives the value of a query parameter by name, or NULL. */
typedef const char *(*lot_query_lookup)(const char *name, void *data);

/*
 * Parse the parameters (looked up by name; the caller has checked that no
 * unknown one is present). A bbox with minlon > maxlon crosses the
 * antimeridian. Returns 0, or LOT_QUERY_ERROR_INVALID (a parameter breaks
 * its rule) or LOT_QUERY_ERROR_CURSOR (the cursor is not one that
 * lot_query_cursor wrote) with *error filled.
 */
int lot_query_parse(lot_query_lookup lookup, void *data, struct lot_query *query,
                    struct field_error *error);

/*
 * What the filters read of a lot, on whatever thread: its static fields
 * (borrowed from the snapshot's lot on the owner's loop, or from the lot
 * index on a worker's) and the live facts of the very answer a list
 * splices in, so that a lot is judged by what it shows.
 */
struct lot_query_subject {
    const char *id;
    const char *city, *kind;  /* NULL when absent */
    const char *group_list;   /* ",a,b,", NULL when the lot is in no group */
    unsigned declared_spaces; /* bit (1 << type) */
    double latitude, longitude;
    const struct lot_live_facts *live; /* NULL: only lot_query_selects may be asked */
};

/* The subject of the snapshot's lot (borrowing from it), with its answer's live facts. */
void lot_query_subject_of(const struct snapshot_lot *lot, struct lot_query_subject *subject);

/* Whether lot is one of selection's: the one rule for lists, signs and streams. */
bool lot_query_selects_subject(const struct lot_selection *selection,
                               const struct lot_query_subject *lot);

/* lot_query_selects_subject of the snapshot's lot. */
bool lot_query_selects(const struct lot_selection *selection, const struct snapshot_lot *lot);

/*
 * Whether lot passes every filter of query but the cursor and the radius
 * (the spatial index applies those): the selection, open, space, min_free
 * (with space, the type's free spaces), bbox.
 */
bool lot_query_matches(const struct lot_query *query, const struct lot_query_subject *lot);

/* The known parameter names, for the unknown-parameter check. */
extern const char *const lot_query_parameters[];
extern const size_t lot_query_parameter_count;

/*
 * Write the cursor that resumes after id (at distance millimetres when
 * near): "id.check" or "millimetres_id.check", the check 8 hex digits that
 * tell a cursor of ours from any other text. out holds 128 bytes.
 */
void lot_query_cursor(const struct lot_query *query, int64_t millimetres, const char *id, char *out,
                      size_t size);

/* One lot of an answer, in the answer's order: by distance and id with near, else by id. */
struct lot_query_hit {
    const struct rendered_answer *answer; /* the lot's answer (its id is the lot's), borrowed */
    const struct snapshot_lot *lot; /* the snapshot's lot on the owner's loop; NULL elsewhere */
    double latitude, longitude;
    int64_t millimetres; /* the distance with near, else 0 */
};

/* Whether hit comes after query's cursor in the answer's order. */
bool lot_query_after_cursor(const struct lot_query *query, const struct lot_query_hit *hit);

/* Put hits in the answer's order: by distance, then by id. */
void lot_query_sort(struct lot_query_hit *hits, size_t count);

/*
 * Every lot of snapshot that query takes, after its cursor and in the
 * answer's order (the limit is the caller's): through the spatial index
 * with near or bbox, else every lot in id order. *hits is a new array
 * (freed by the caller; the lots are borrowed from snapshot) of *count.
 * Returns 0 or LOT_QUERY_ERROR_NO_MEMORY.
 */
int lot_query_select(const struct snapshot *snapshot, const struct lot_query *query,
                     struct lot_query_hit **hits, size_t *count);

/*
 * A text that names query exactly, after prefix: queries parsed alike have
 * the same key, any two others differ.
 * A new string (freed by the caller), or NULL when out of memory.
 */
char *lot_query_key(const struct lot_query *query, const char *prefix);

#endif
