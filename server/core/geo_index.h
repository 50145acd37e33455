/* geo_index.h: a grid of lots by location, for near and bounding-box queries; pure. */
#ifndef PARKSHARE_GEO_INDEX_H
#define PARKSHARE_GEO_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum geo_index_error {
    GEO_INDEX_ERROR_NO_MEMORY = -1,
};

struct geo_index;

/* An empty index; NULL when out of memory. */
struct geo_index *geo_index_new(void);

/* Free the index (not the items); accepts NULL. */
void geo_index_free(struct geo_index *index);

/* File item (borrowed, opaque) at lat, lon. Returns 0 or GEO_INDEX_ERROR_NO_MEMORY. */
int geo_index_insert(struct geo_index *index, void *item, double lat, double lon);

/* Remove item filed at lat, lon (the same coordinates it was inserted with). */
void geo_index_remove(struct geo_index *index, void *item, double lat, double lon);

/*
 * Call visit for every item whose cell overlaps the box (callers check the
 * exact position). min_lon <= max_lon: a box across the antimeridian is
 * the caller's to split; latitudes past the poles are clamped. The order of
 * the visits is unspecified (callers sort). The cost grows with the smaller
 * of the box's cells and the occupied cells. Stops early when visit returns
 * false.
 */
void geo_index_query(const struct geo_index *index, double min_lat, double min_lon, double max_lat,
                     double max_lon, bool (*visit)(void *item, void *data), void *data);

/* Great-circle distance in metres (haversine, mean Earth radius). */
double geo_distance_m(double lat1, double lon1, double lat2, double lon2);

#endif
