/* test-geo-index.c: the location grid against a brute-force scan, and distances. */
#include "check.h"
#include "geo_index.h"

#include <math.h>
#include <stdlib.h>

struct point {
    double lat, lon;
    bool seen;
};

static bool mark(void *item, void *data)
{
    struct point *point = item;
    (void)data;
    point->seen = true;
    return true;
}

static void test_box_queries_find_every_point_inside(void)
{
    struct geo_index *index = geo_index_new();
    static struct point points[2000];
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
    geo_index_query(index, 26.55, 106.45, 26.6, 106.5, mark, NULL);
    for (size_t i = 0; i < 2000; i++) {
        bool inside = points[i].lat >= 26.55 && points[i].lat <= 26.6 && points[i].lon >= 106.45 &&
                      points[i].lon <= 106.5;
        if (inside && i % 10 != 0 && !points[i].seen)
            missed++;
        if (i % 10 == 0 && points[i].seen)
            missed++;
    }
    CHECK_INT_EQ(missed, 0);
    geo_index_free(index);
    geo_index_free(NULL);
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
    RUN_TEST(test_distances);
    return check_exit_status();
}
