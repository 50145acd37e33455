/* feed_parkapi.h: lots shaped as ParkAPI v3 parking sites and as the legacy ParkAPI v1 city; pure.
 */
#ifndef PARKSHARE_FEED_PARKAPI_H
#define PARKSHARE_FEED_PARKAPI_H

#include "snapshot.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The stable ParkAPI number of an id (a lot's or a group's): the first 48
 * bits of its SHA-256, at least 1, so a JSON reader holds it exactly.
 */
int64_t feed_parkapi_number(const char *id);

/*
 * The lots' ParkAPI numbers, sorted, so that a path naming a number costs a
 * binary search, not a hash of every lot. Rebuilt when the snapshot has
 * changed, at most once a second whatever clients ask: a lot created less
 * than a second ago may not be found by its number yet (by its id it is).
 */
struct feed_numbers;

/* An empty index; NULL when out of memory. */
struct feed_numbers *feed_numbers_new(void);

/* Free; accepts NULL. */
void feed_numbers_free(struct feed_numbers *numbers);

/*
 * The lot that a ParkAPI v3 path names: the lot with that id, else the lot
 * whose feed_parkapi_number is that decimal number (looked up in numbers,
 * rebuilt from snapshot when due at now_ms; none when numbers is NULL or out
 * of memory); NULL when none.
 */
const struct snapshot_lot *feed_parkapi_v3_find(const struct snapshot *snapshot,
                                                struct feed_numbers *numbers, const char *argument,
                                                int64_t now_ms);

/*
 * One lot as a ParkAPI v3 ParkingSite (see docs/feeds.md). Realtime fields
 * only while the count is fresh; otherwise has_realtime_data is false.
 * A new reference, or NULL when out of memory.
 */
json_t *feed_parkapi_v3_site(const struct snapshot *snapshot, const struct snapshot_lot *lot,
                             int64_t now_ms);

struct feed_query;

/*
 * The sites that query selects, in ParkAPI's order (by number), as
 * {"items":[…],"total_count":n} where total_count counts every match
 * before the pages, plus "next_id" and "next_path" (path and the canonical
 * query with start=next_id) when a page of query->limit is followed by more.
 * *complete is false when a lot added less than a second ago may be
 * missing (the numbers index is not rebuilt yet): such an answer must not
 * be kept. A new reference, or NULL when out of memory.
 */
json_t *feed_parkapi_v3_list(const struct snapshot *snapshot, struct feed_numbers *numbers,
                             const struct feed_query *query, const char *path, int64_t now_ms,
                             bool *complete);

/*
 * The lots of city in the ParkAPI v1 city format, last_downloaded now_ms.
 * A new reference; NULL with *found false when no lot is in city, NULL
 * with *found true when out of memory.
 */
json_t *feed_parkapi_v1_city(const struct snapshot *snapshot, const char *city, int64_t now_ms,
                             bool *found);

#endif
