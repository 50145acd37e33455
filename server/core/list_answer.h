/* list_answer.h: the lot list's answer bytes, spliced from prebuilt lot bodies and cached; pure. */
#ifndef PARKSHARE_LIST_ANSWER_H
#define PARKSHARE_LIST_ANSWER_H

#include "list_cache.h"
#include "lot_names.h"
#include "lot_query.h"
#include "snapshot.h"

#include <stddef.h>

enum list_answer_error {
    LIST_ANSWER_ERROR_NO_MEMORY = -1,
};

/* Which document the lots go in. */
enum list_answer_format {
    LIST_ANSWER_LOTS = 0, /* {"lots":[…], "next_cursor":…} */
    LIST_ANSWER_GEOJSON,  /* a GeoJSON FeatureCollection (RFC 7946) */
};

/*
 * The answer to query in format around hits (count of them, after the
 * cursor and in the answer's order, as lot_query_select gives them; only
 * the first query->limit are shown, and one more says that a next page
 * exists): the bytes list_answer_render makes. *body is a new string
 * (freed by the caller) of *length bytes. Returns 0 or
 * LIST_ANSWER_ERROR_NO_MEMORY.
 */
int list_answer_write(const struct lot_query *query, enum list_answer_format format,
                      const struct lot_query_hit *hits, size_t count, char **body, size_t *length);

/*
 * The answer to query in format, built now: each lot is its prebuilt body
 * (snapshot_lot.body, with "distance_m" added last under near), a GeoJSON
 * Feature wraps it as "properties", and "next_cursor" follows: where to
 * resume when more lots match than the limit shows, else null. Byte for byte what jansson would
 * print compact and in order. *body is a new string (freed by the caller) of *length bytes. Returns
 * 0 or LIST_ANSWER_ERROR_NO_MEMORY.
 */
int list_answer_render(const struct snapshot *snapshot, const struct lot_query *query,
                       enum list_answer_format format, char **body, size_t *length);

/*
 * The answer to query in format, from the snapshot's list cache at its
 * current revision, else rendered and kept there. A query naming a city or
 * a group no lot has (names, core/lot_names.h; NULL: not asked) is answered
 * the empty list without a pass over the lots and without a cache entry.
 * *answer points into the cache (valid until the cache next changes), or at
 * *uncached when the cache could not keep it: the caller then frees
 * uncached->body (always safe: it is NULL otherwise). Returns 0 or
 * LIST_ANSWER_ERROR_NO_MEMORY.
 */
int list_answer_get(struct snapshot *snapshot, struct lot_names *names,
                    const struct lot_query *query, enum list_answer_format format,
                    const struct list_cache_answer **answer, struct list_cache_answer *uncached);

/* The media type of format's documents. */
const char *list_answer_content_type(enum list_answer_format format);

/* Picks a query's hits as lot_query_select does, from whatever data holds. */
typedef int (*list_answer_selector)(const struct lot_query *query, struct lot_query_hit **hits,
                                    size_t *count, void *data);

/*
 * The answer to query in format, kept in cache for revision, else built
 * from the hits select picks (given data) and kept there: the one way
 * every loop keeps its lists. *answer and *uncached as list_answer_get's.
 * Returns 0 or LIST_ANSWER_ERROR_NO_MEMORY.
 */
int list_answer_kept(struct list_cache *cache, uint64_t revision, const struct lot_query *query,
                     enum list_answer_format format, list_answer_selector select, void *data,
                     const struct list_cache_answer **answer, struct list_cache_answer *uncached);

/*
 * The gzip copy of answer, from list_answer_get with the same uncached:
 * kept in the list cache beside the answer (see list_cache_gzip), or NULL
 * for an answer the cache could not keep (uncached) or when there is none.
 */
const struct gzip_copy *list_answer_gzip(struct snapshot *snapshot,
                                         const struct list_cache_answer *answer,
                                         const struct list_cache_answer *uncached);

#endif
