/* test-geo-index.c: the location grid against a brute-force scan, and distances. */
#include "check.h"
#include "geo_index.h"

#include <math.h>
#include <stdlib.h>

/* A point that counts its visits: every query must visit each match exactly once. */
struct counted {
    double lat, lon;
    int visits;
};

static bool count_visit(void *item, void *data)
{
    struct counted *point = item;
    (void)data;
    point->visits++;
    return true;
}

static void test_box_queries_find_every_point_inside(void)
{
    struct geo_index *index = geo_index_new();
    static struct counted points[2000];
    unsigned seed = 7;
    int missed = 0;

    for (size_t i = 0; i < 2000; i++) {
        seed = seed * 1103515245u + 12345u;
        points[i].lat = 26.5 + (seed % 10000) / 50000.0;
        seed = seed * 1103515245u + 12345u;
        points[i].lon = 106.4 + (seed % 10000) / 50000.0;
        CHECK_INT_EQ(geo_index_insert(index, &points[i], points[i].lat, points[i].lon), 0);
    }
    /* Remove every tenth point: it must no longer be found. */
    for (size_t i = 0; i < 2000; i += 10)
        geo_index_remove(index, &points[i], points[i].lat, points[i].lon);
    geo_index_query(index, 26.55, 106.45, 26.6, 106.5, count_visit, NULL);
    for (size_t i = 0; i < 2000; i++) {
        bool inside = points[i].lat >= 26.55 && points[i].lat <= 26.6 && points[i].lon >= 106.45 &&
                      points[i].lon <= 106.5;
        if (inside && i % 10 != 0 && points[i].visits != 1)
            missed++;
        if (i % 10 == 0 && points[i].visits != 0)
            missed++;
    }
    CHECK_INT_EQ(missed, 0);
    geo_index_free(index);
    geo_index_free(NULL);
}

static bool stop_at_first(void *item, void *data)
{
    (void)item;
    ++*(int *)data;
    return false;
}

static unsigned next_random(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 8) & 0xffffff;
}

/* The centre of a grid cell: no rounding doubt about which cell or box it falls in. */
static double cell_centre(double origin, int cell)
{
    return origin + (cell + 0.5) * 0.01;
}

/* How many points are visited exactly once, and whether any other point was visited. */
static int query_and_count(const struct geo_index *index, struct counted *points, size_t count,
                           double min_lat, double min_lon, double max_lat, double max_lon,
                           bool *wrong)
{
    int inside = 0;
    for (size_t i = 0; i < count; i++)
        points[i].visits = 0;
    geo_index_query(index, min_lat, min_lon, max_lat, max_lon, count_visit, NULL);
    *wrong = false;
    for (size_t i = 0; i < count; i++) {
        bool expected = points[i].lat >= min_lat && points[i].lat <= max_lat &&
                        points[i].lon >= min_lon && points[i].lon <= max_lon;
        if (points[i].visits != (expected ? 1 : 0))
            *wrong = true;
        inside += points[i].visits;
    }
    return inside;
}

static void test_world_box_visits_every_item_once(void)
{
    struct geo_index *index = geo_index_new();
    static struct counted points[] = {{-90, -180, 0},  {90, 180, 0},       {0, 0, 0},
                                      {0, 0, 0},       {26.57, 106.47, 0}, {-33.9, 151.2, 0},
                                      {51.5, -0.12, 0}};
    size_t count = sizeof(points) / sizeof(points[0]);
    bool wrong;
    int stopped = 0;

    for (size_t i = 0; i < count; i++)
        CHECK_INT_EQ(geo_index_insert(index, &points[i], points[i].lat, points[i].lon), 0);
    CHECK_INT_EQ(query_and_count(index, points, count, -90, -180, 90, 180, &wrong), 7);
    CHECK(!wrong);
    /* Past the poles, as a near box at high latitude asks. */
    CHECK_INT_EQ(query_and_count(index, points, count, -90.5, -180, 90.5, 180, &wrong), 7);
    CHECK(!wrong);
    geo_index_query(index, -90, -180, 90, 180, stop_at_first, &stopped);
    CHECK_INT_EQ(stopped, 1);
    geo_index_free(index);
}

static void test_boxes_at_the_poles(void)
{
    struct geo_index *index = geo_index_new();
    static struct counted points[] = {{90, 0, 0},     {89.995, 45, 0}, {89.95, -120, 0},
                                      {-90, 179, 0},  {-89.999, 0, 0}, {-89.5, 10, 0},
                                      {89.5, 180, 0}, {0, 0, 0}};
    size_t count = sizeof(points) / sizeof(points[0]);
    bool wrong;

    for (size_t i = 0; i < count; i++)
        CHECK_INT_EQ(geo_index_insert(index, &points[i], points[i].lat, points[i].lon), 0);
    CHECK_INT_EQ(query_and_count(index, points, count, 89.9, -180, 90, 180, &wrong), 3);
    CHECK(!wrong);
    CHECK_INT_EQ(query_and_count(index, points, count, 89.4, -180, 90.45, 180, &wrong), 4);
    CHECK(!wrong);
    CHECK_INT_EQ(query_and_count(index, points, count, -90.45, -180, -89.9, 180, &wrong), 2);
    CHECK(!wrong);
    /* The polar cells alone: a box of one row. */
    CHECK_INT_EQ(query_and_count(index, points, count, 90, -180, 90, 180, &wrong), 1);
    CHECK(!wrong);
    CHECK_INT_EQ(query_and_count(index, points, count, -90, 170, -90, 180, &wrong), 1);
    CHECK(!wrong);
    geo_index_free(index);
}

/*
 * Points and box edges on cell centres, so the grid's answer is exactly the
 * points inside. Small boxes cover fewer cells than are occupied (the walk
 * over the box), large ones more (the walk over the table): both must agree
 * with a brute-force scan.
 */
static void test_random_boxes_match_brute_force(void)
{
    struct geo_index *index = geo_index_new();
    static struct counted points[3000];
    unsigned seed = 11;
    int mismatches = 0, found = 0;

    for (size_t i = 0; i < 3000; i++) {
        points[i].lat = cell_centre(40.0, (int)(next_random(&seed) % 300));
        points[i].lon = cell_centre(-5.0, (int)(next_random(&seed) % 300));
        CHECK_INT_EQ(geo_index_insert(index, &points[i], points[i].lat, points[i].lon), 0);
    }
    for (size_t i = 0; i < 3000; i += 7)
        geo_index_remove(index, &points[i], points[i].lat, points[i].lon);
    for (size_t i = 0; i < 3000; i += 7)
        points[i].lat = -1000; /* removed: never inside, so any visit is wrong */
    for (int box = 0; box < 400; box++) {
        int spans[] = {1, 5, 30, 150, 400, 5000};
        int span = spans[box % 6];
        int first_row = (int)(next_random(&seed) % 350) - 50;
        int first_column = (int)(next_random(&seed) % 350) - 50;
        int last_column = first_column + (int)(next_random(&seed) % (unsigned)span);
        /* Edges from the points' own origins: equal values where a point sits on an edge. */
        double min_lat = cell_centre(40.0, first_row),
               max_lat = cell_centre(40.0, first_row + span);
        double min_lon = cell_centre(-5.0, first_column);
        double max_lon = cell_centre(-5.0, last_column);
        bool wrong;
        found += query_and_count(index, points, 3000, min_lat, min_lon, max_lat, max_lon, &wrong);
        mismatches += wrong;
    }
    CHECK_INT_EQ(mismatches, 0);
    CHECK(found > 3000); /* the boxes did find points, in both walks */
    geo_index_free(index);
}

static void test_empty_index_visits_nothing(void)
{
    struct geo_index *index = geo_index_new();
    int visits = 0;

    geo_index_query(index, -90, -180, 90, 180, stop_at_first, &visits);
    geo_index_query(index, 26.5, 106.4, 26.6, 106.5, stop_at_first, &visits);
    CHECK_INT_EQ(visits, 0);
    geo_index_free(index);
}

/* Visits of a query, with the expectation given by a box (which may cross the antimeridian). */
static int query_box(const struct geo_index *index, struct counted *points, size_t count,
                     const struct geo_box *box, bool *wrong)
{
    int inside = 0;
    for (size_t i = 0; i < count; i++)
        points[i].visits = 0;
    geo_index_query(index, box->min_lat, box->min_lon, box->max_lat, box->max_lon, count_visit,
                    NULL);
    *wrong = false;
    for (size_t i = 0; i < count; i++) {
        if (points[i].visits != (geo_box_holds(box, points[i].lat, points[i].lon) ? 1 : 0))
            *wrong = true;
        inside += points[i].visits;
    }
    return inside;
}

static void test_boxes_across_the_antimeridian(void)
{
    struct geo_index *index = geo_index_new();
    static struct counted points[] = {
        {0, 179.995, 0}, {0, 180, 0},    {0, -180, 0}, {5, -175, 0}, {-10, 170, 0},  {10, -170, 0},
        {0, 169.5, 0},   {0, -169.5, 0}, {11, 175, 0}, {0, 0, 0},    {-65, 178.5, 0}};
    size_t count = sizeof(points) / sizeof(points[0]);
    struct geo_box across = {-10, 170, 10, -170}, thin = {-90, 179.99, 90, -179.99};
    struct geo_box world_around = {-90, 0.02, 90, -0.02}, touching = {-90, 0.0001, 90, 0};
    bool wrong;
    int stopped = 0;

    for (size_t i = 0; i < count; i++)
        CHECK_INT_EQ(geo_index_insert(index, &points[i], points[i].lat, points[i].lon), 0);
    /* 170..180 and -180..-170, the edges inside; not 0, not 169.5, not -169.5, not lat 11. */
    CHECK_INT_EQ(query_box(index, points, count, &across, &wrong), 6);
    CHECK(!wrong);
    CHECK_INT_EQ(query_box(index, points, count, &thin, &wrong), 3);
    CHECK(!wrong);
    /* Every longitude but a sliver around 0: all but the point at 0,0. */
    CHECK_INT_EQ(query_box(index, points, count, &world_around, &wrong), 10);
    CHECK(!wrong);
    /* Halves that meet in one column: its items are visited once, not once per half. */
    CHECK_INT_EQ(query_box(index, points, count, &touching, &wrong), 11);
    CHECK(!wrong);
    CHECK(!geo_box_holds(&touching, 0, 0.00005));
    /* Stopping in the eastern half does not walk the western one. */
    geo_index_query(index, -10, 170, 10, -170, stop_at_first, &stopped);
    CHECK_INT_EQ(stopped, 1);
    geo_index_free(index);
}

/* Every point of a ring at radius_m around lat, lon lies in the box geo_box_around gives. */
static int ring_outside_box(double lat, double lon, double radius_m)
{
    const double radians = M_PI / 180.0, arc = radius_m / 6371008.8;
    struct geo_box box = geo_box_around(lat, lon, radius_m);
    int outside = 0;
    for (int step = 0; step < 3600; step++) {
        double bearing = step * 0.1 * radians, phi = lat * radians;
        double lat2 = asin(sin(phi) * cos(arc) + cos(phi) * sin(arc) * cos(bearing));
        double lon2 = lon * radians +
                      atan2(sin(bearing) * sin(arc) * cos(phi), cos(arc) - sin(phi) * sin(lat2));
        double lon_degrees = remainder(lon2 / radians, 360.0);
        if (!geo_box_holds(&box, lat2 / radians, lon_degrees))
            outside++;
    }
    return outside;
}

static void test_boxes_around_circles(void)
{
    struct geo_box box;

    /* Away from the edges: a plain box, a little wider than the arc at that latitude. */
    box = geo_box_around(26.57, 106.47, 2000);
    CHECK(box.min_lon < box.max_lon && box.min_lat < box.max_lat);
    CHECK(fabs(box.max_lat - 26.57 - 2001 / 111195.08) < 1e-6);
    CHECK_INT_EQ(ring_outside_box(26.57, 106.47, 2000), 0);
    /* Near the antimeridian, either side: the box crosses it. */
    box = geo_box_around(0, 179.99, 5000);
    CHECK(box.min_lon > box.max_lon);
    CHECK(box.min_lon < 179.99 && box.max_lon > -180.0 && box.max_lon < -179.9);
    CHECK_INT_EQ(ring_outside_box(0, 179.99, 5000), 0);
    box = geo_box_around(-45, -179.98, 50000);
    CHECK(box.min_lon > box.max_lon);
    CHECK_INT_EQ(ring_outside_box(-45, -179.98, 50000), 0);
    CHECK_INT_EQ(ring_outside_box(0, 180, 50000), 0);
    /* Near a pole the longitudes widen faster than arc / cos(lat): the ring still fits. */
    CHECK_INT_EQ(ring_outside_box(89.0, 10.0, 50000), 0);
    CHECK_INT_EQ(ring_outside_box(-88.5, -179.5, 50000), 0);
    /* A circle round the pole: every longitude, the latitude clamped at the pole. */
    box = geo_box_around(89.8, 45.0, 50000);
    CHECK(box.min_lon == -180.0 && box.max_lon == 180.0 && box.max_lat == 90.0);
    CHECK(box.min_lat < 89.8);
    CHECK_INT_EQ(ring_outside_box(89.8, 45.0, 50000), 0);
    box = geo_box_around(-90.0, 0.0, 1);
    CHECK(box.min_lat == -90.0 && box.min_lon == -180.0 && box.max_lon == 180.0);
}

static void test_distances(void)
{
    /* One degree of latitude is about 111.2 km on the mean sphere. */
    CHECK(fabs(geo_distance_m(0, 0, 1, 0) - 111195.08) < 0.1);
    CHECK(fabs(geo_distance_m(26.5, 106.4, 26.5, 106.4)) < 1e-9);
    /* Across the antimeridian the short way round. */
    CHECK(fabs(geo_distance_m(0, 179.9, 0, -179.9) - 22239.0) < 1.0);
}

int main(void)
{
    RUN_TEST(test_box_queries_find_every_point_inside);
    RUN_TEST(test_world_box_visits_every_item_once);
    RUN_TEST(test_boxes_at_the_poles);
    RUN_TEST(test_random_boxes_match_brute_force);
    RUN_TEST(test_empty_index_visits_nothing);
    RUN_TEST(test_boxes_across_the_antimeridian);
    RUN_TEST(test_boxes_around_circles);
    RUN_TEST(test_distances);
    return check_exit_status();
}
