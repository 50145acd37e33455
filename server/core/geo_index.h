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
 * A box in WGS84 degrees. min_lon > max_lon means the box crosses the
 * antimeridian: it holds the longitudes from min_lon east to 180 and from
 * -180 east to max_lon (RFC 7946, 5.2).
 */
struct geo_box {
    double min_lat, min_lon, max_lat, max_lon;
};

/*
 * Call visit for every item whose cell overlaps the box (callers check the
 * exact position, e.g. with geo_box_holds); min_lon > max_lon is a box
 * across the antimeridian, walked as its two halves; latitudes past the
 * poles are clamped. The
 * order of the visits is unspecified (callers sort). The cost grows with
 * the smaller of the box's cells and the occupied cells. Stops early when
 * visit returns false.
 */
void geo_index_query(const struct geo_index *index, double min_lat, double min_lon, double max_lat,
                     double max_lon, bool (*visit)(void *item, void *data), void *data);

/* Whether lat, lon lies in box (edges included; across the antimeridian too). */
bool geo_box_holds(const struct geo_box *box, double lat, double lon);

/*
 * The smallest box that holds every point within radius_m metres (great
 * circle, as geo_distance_m, plus a metre for rounding) of lat, lon. It
 * crosses the antimeridian when the circle does; it spans every longitude
 * when the circle holds a pole, its latitudes then reaching that pole.
 */
struct geo_box geo_box_around(double lat, double lon, double radius_m);

/* Where a list looks: a circle (near) or a box, as every list judges a lot in it. */
struct geo_search {
    struct geo_box box; /* the box, or the smallest around the circle */
    bool by_distance;   /* a circle */
    double lat, lon, radius_m;
};

/* The circle of radius_m metres around lat, lon. */
struct geo_search geo_search_near(double lat, double lon, double radius_m);

/* The box (min_lon > max_lon crosses the antimeridian). */
struct geo_search geo_search_box(double min_lat, double min_lon, double max_lat, double max_lon);

/*
 * Whether lat, lon lies in search: in its box, and in a circle's radius by
 * the distance shown (whole metres), so that a lot at 1000.0000001 m is in
 * a 1000 m search. *distance_m is then the exact distance (0 for a box).
 */
bool geo_search_holds(const struct geo_search *search, double lat, double lon, double *distance_m);

/* Great-circle distance in metres (haversine, mean Earth radius). */
double geo_distance_m(double lat1, double lon1, double lat2, double lon2);

#endif
