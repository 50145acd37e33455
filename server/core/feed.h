/* feed.h: the open-data feeds (ParkAPI v3, ParkAPI v1, DATEX II Light), rendered and kept per
 * revision; pure. */
#ifndef PARKSHARE_FEED_H
#define PARKSHARE_FEED_H

#include "feed_parkapi.h"
#include "feed_slots.h"
#include "list_cache.h"
#include "lot_names.h"
#include "snapshot.h"

#include <stddef.h>
#include <stdint.h>

enum feed_error {
    FEED_ERROR_NO_MEMORY = -1,
    FEED_ERROR_NOT_FOUND = -2, /* no lot with that id, or no lot in that city */
};

/* Which document is asked for. */
enum feed_kind {
    FEED_PARKAPI_V3_LIST = 0, /* {"items":[…],"total_count":n,…}; argument NULL, a query */
    FEED_PARKAPI_V3_SITE,     /* one parking site; argument: a lot id or its ParkAPI number */
    FEED_PARKAPI_V1_CITY,     /* the legacy city document; argument: the city */
    FEED_DATEX_LIGHT,         /* a DATEX II Parking Light publication; argument: its language, "zh"
                                 (or NULL) or "en"; any other is not found */
};

/* The path of the ParkAPI v3 list, as next_path gives it. */
#define FEED_PARKAPI_V3_PATH "/v3/parking-sites"

struct feed_query;

/*
 * The document of kind for argument (and, for the v3 list, query: NULL
 * for every site) as compact JSON, built now from the
 * snapshot; timestamps of the build itself (last_downloaded,
 * publicationTime) are now_ms. *body is a new string of *length bytes,
 * freed by the caller. Returns 0, FEED_ERROR_NOT_FOUND or
 * FEED_ERROR_NO_MEMORY.
 */
int feed_render(const struct snapshot *snapshot, struct feed_numbers *numbers, enum feed_kind kind,
                const char *argument, const struct feed_query *query, int64_t now_ms, char **body,
                size_t *length);

/*
 * The same, from the snapshot's list cache at its current revision (the
 * daemon uses it for the v3 list and sites; the whole-city documents go
 * through feed_get_document, whose size the cache may refuse) (a v3
 * list that may miss a lot added less than a second ago is not kept), else
 * rendered and kept there (a later change of any lot moves the revision,
 * so the next read renders again). *answer points into the cache, or at
 * *uncached when the cache could not keep it: the caller then frees
 * uncached->body (always safe, NULL otherwise). Returns as feed_render.
 */
int feed_get(struct snapshot *snapshot, struct feed_numbers *numbers, enum feed_kind kind,
             const char *argument, const struct feed_query *query, int64_t now_ms,
             const struct list_cache_answer **answer, struct list_cache_answer *uncached);

/*
 * A whole-city document (kind FEED_PARKAPI_V1_CITY or FEED_DATEX_LIGHT)
 * from its slot in slots, outside the list cache and its budget whatever
 * its size, rebuilt from the snapshot when its revision has moved and
 * feed_slots_rebuild_due allows (until then the last build is served, with
 * its own ETag). Only a document that rendered is kept, so an unknown city
 * takes no slot; a city with no lot is refused from names (core/lot_names.h;
 * NULL: the build finds it has none), without a pass over the lots. *answer
 * is a new reference for the caller to drop
 * (rendered_answer_drop); its gzip copy is made on first demand. Returns
 * 0, FEED_ERROR_NOT_FOUND or FEED_ERROR_NO_MEMORY (*answer then NULL).
 */
int feed_get_document(struct feed_slots *slots, struct lot_names *names,
                      const struct snapshot *snapshot, struct feed_numbers *numbers,
                      enum feed_kind kind, const char *argument, int64_t now_ms,
                      struct rendered_answer **answer);

/* A UTC instant as RFC 3339 with a "Z" ("2026-11-24T15:07:50Z"), what the feeds' readers parse. */
void feed_format_time(int64_t utc_ms, char out[21]);

/* A lot's free spaces while its count is fresh (never below 0), else -1. */
int64_t feed_free_spaces(const struct snapshot_lot *lot);

/*
 * Where the lot's occupancy heads over the next hour, in DATEX II's words
 * ("increasing", "decreasing", "stable"), or NULL when the forecast has no
 * basis for the lot (or the refresh has not reached it yet).
 */
const char *feed_trend_word(const struct snapshot_lot *lot);

/* A string member of a lot's static JSON, or NULL. */
const char *feed_static_string(const struct snapshot_lot *lot, const char *name);

/* Set name to a new string value when value is not NULL; returns -1 when out of memory. */
int feed_set_string(json_t *object, const char *name, const char *value);

#endif
