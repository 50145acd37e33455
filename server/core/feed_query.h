/* feed_query.h: the filters and pages of ParkAPI v3's parking-site list, parsed; pure. */
#ifndef PARKSHARE_FEED_QUERY_H
#define PARKSHARE_FEED_QUERY_H

#include "field_error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ParkAPI's own page limit (PaginationLimitValidator(max_value=1000)). */
#define FEED_QUERY_LIMIT_MAX 1000
/* The page a list without limit gets: ParkAPI's largest, so that a city of up to 1,000 lots is
 * one page as ParkAPI answers it, and a larger one is answered (and kept) a page at a time,
 * never every site in one request (docs/feeds.md). */
#define FEED_QUERY_LIMIT_DEFAULT FEED_QUERY_LIMIT_MAX
/* The uid of parkshare as a ParkAPI source: every site's source. */
#define FEED_QUERY_SOURCE_UID "parkshare"
/* A name filter longer than any name is refused rather than searched. */
#define FEED_QUERY_NAME_MAX 200
/* The canonical form of a query fits here (see feed_query_canonical). */
#define FEED_QUERY_CANONICAL_SIZE 512

enum feed_query_error {
    FEED_QUERY_ERROR_INVALID = FIELD_ERROR_INVALID, /* the field error says why */
};

struct snapshot_lot;

/*
 * GET /v3/parking-sites's parameters as ParkAPI v3 defines them
 * (ParkingSiteSearchInput): source_uid, source_uids, name, purpose,
 * lat/lon/radius (or the older location=lat,lon with radius),
 * ignore_duplicates, limit and start (cursor pagination by site number).
 */
struct feed_query {
    bool given;                         /* any parameter at all */
    bool source_excluded;               /* source_uid(s) name no source of ours: nothing matches */
    bool purpose_excluded;              /* a purpose other than CAR: nothing matches */
    char name[FEED_QUERY_NAME_MAX + 1]; /* "" for none; matched without ASCII case */
    bool has_circle;
    double lat, lon, radius_m;
    bool ignore_duplicates; /* accepted for compatibility: parkshare has no duplicates */
    int64_t limit;          /* FEED_QUERY_LIMIT_DEFAULT when not given; 0 (no pages) only
                               for callers that build a query themselves */
    int64_t start;          /* 0: from the first site; else the first number to include */
};

/* Gives the value of a query parameter by name, or NULL. */
typedef const char *(*feed_query_lookup)(const char *name, void *data);

/*
 * Parse the parameters (looked up by name; the caller has refused unknown
 * ones with feed_query_parameters); no limit is FEED_QUERY_LIMIT_DEFAULT,
 * so a request never renders more sites than one page. Returns 0, or FEED_QUERY_ERROR_INVALID
 * with *error naming the parameter and its rule.
 */
int feed_query_parse(feed_query_lookup lookup, void *data, struct feed_query *query,
                     struct field_error *error);

/* The parameter names ParkAPI v3 defines for the list. */
extern const char *const feed_query_parameters[];
extern const size_t feed_query_parameter_count;

/*
 * The query as one canonical parameter string ("limit=10&start=5&…", the
 * same for every spelling of the same query), with start replaced by
 * start_override when that is > 0. Used as the cache key and in next_path.
 * out holds FEED_QUERY_CANONICAL_SIZE bytes.
 */
void feed_query_canonical(const struct feed_query *query, int64_t start_override, char *out,
                          size_t size);

/* Whether lot passes every filter (not the pages). */
bool feed_query_matches(const struct feed_query *query, const struct snapshot_lot *lot);

#endif
