/* feed_cities.h: the cities the snapshot's lots are in, so that a city with none costs no pass over
 * the lots; pure. */
#ifndef PARKSHARE_FEED_CITIES_H
#define PARKSHARE_FEED_CITIES_H

#include "snapshot.h"

#include <stdint.h>

/*
 * The distinct cities of the snapshot's lots with how many lots each has,
 * in a hash table of copied names. It is built in one pass over the lots
 * when snapshot_layout has moved since the last build (a lot
 * added, deleted or given new static fields, a load), never because of a
 * count or of what clients ask: a lookup costs a hash of the name and a
 * few probes whatever the number of lots.
 */
struct feed_cities;

/* An empty set, built on first use; NULL when out of memory. */
struct feed_cities *feed_cities_new(void);

/* Free; accepts NULL. */
void feed_cities_free(struct feed_cities *cities);

/*
 * How many of snapshot's lots are in city (0: none), after a build when
 * the snapshot's layout (snapshot_layout) has moved. Returns -1 when memory ran out
 * for a build: nothing is known then, and the caller passes over the lots
 * itself (the set tries again on the next call).
 */
int64_t feed_cities_lots(struct feed_cities *cities, const struct snapshot *snapshot,
                         const char *city);

/* How many times the set was built (for tests and counts). */
uint64_t feed_cities_builds(const struct feed_cities *cities);

#endif
