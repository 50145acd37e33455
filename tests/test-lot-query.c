/* test-lot-query.c: parsing the filters of the lot list, and its cursors. */
#include "check.h"
#include "lot_query.h"

#include <math.h>

struct parameters {
    const char *names[8];
    const char *values[8];
};

static const char *lookup(const char *name, void *data)
{
    const struct parameters *parameters = data;
    for (size_t i = 0; i < 8 && parameters->names[i]; i++) {
        if (strcmp(parameters->names[i], name) == 0)
            return parameters->values[i];
    }
    return NULL;
}

static void test_defaults_and_values(void)
{
    struct parameters none = {{NULL}, {NULL}};
    struct parameters all = {{"near", "radius", "open", "min_free", "limit", "cursor", "kind"},
                             {"26.57,106.47", "500", "true", "3", "20", "1500_gov-a", "public"}};
    struct lot_query query;
    const char *field = NULL, *rule = NULL;
    char cursor[64];

    CHECK_INT_EQ(lot_query_parse(lookup, &none, &query, &field, &rule), 0);
    CHECK(!query.near);
    CHECK_INT_EQ(query.limit, 50);
    CHECK_INT_EQ(query.min_free, -1);
    CHECK_INT_EQ(query.radius_m, 2000);
    CHECK_INT_EQ(lot_query_parse(lookup, &all, &query, &field, &rule), 0);
    CHECK(query.near);
    CHECK(fabs(query.near_lat - 26.57) < 1e-12);
    CHECK_INT_EQ(query.radius_m, 500);
    CHECK_INT_EQ(query.open, LOT_QUERY_OPEN_ONLY);
    CHECK_INT_EQ(query.min_free, 3);
    CHECK_INT_EQ(query.limit, 20);
    CHECK(query.has_cursor);
    CHECK_INT_EQ(query.cursor_millimetres, 1500);
    CHECK_STR_EQ(query.cursor_id, "gov-a");
    lot_query_cursor(&query, 2501, "rec-b", cursor, sizeof(cursor));
    CHECK_STR_EQ(cursor, "2501_rec-b");
    query.near = false;
    lot_query_cursor(&query, 0, "rec-b", cursor, sizeof(cursor));
    CHECK_STR_EQ(cursor, "rec-b");
}

static void expect_refusal(const char *name, const char *value, const char *field_wanted,
                           const char *rule_wanted)
{
    struct parameters parameters = {{name, NULL}, {value, NULL}};
    struct lot_query query;
    const char *field = NULL, *rule = NULL;
    CHECK_INT_EQ(lot_query_parse(lookup, &parameters, &query, &field, &rule),
                 LOT_QUERY_ERROR_INVALID);
    CHECK_STR_EQ(field, field_wanted);
    CHECK_STR_EQ(rule, rule_wanted);
}

static void test_refusals(void)
{
    expect_refusal("near", "91,0", "near", "must be lat,lon in WGS84 degrees");
    expect_refusal("near", "1,2,3", "near", "must be lat,lon in WGS84 degrees");
    expect_refusal("near", "nan,2", "near", "must be lat,lon in WGS84 degrees");
    expect_refusal("radius", "10", "radius", "goes with near");
    expect_refusal("bbox", "10,20,5,30", "bbox",
                   "crosses the antimeridian (minlon > maxlon); ask for the two halves");
    expect_refusal("bbox", "1,30,2,20", "bbox",
                   "must be minlon,minlat,maxlon,maxlat in WGS84 degrees");
    expect_refusal("open", "1", "open", "must be true or false");
    expect_refusal("min_free", "x", "min_free", "must be an integer from 0 to 100000");
    expect_refusal("limit", "501", "limit", "must be an integer from 1 to 500");
    expect_refusal("kind", "castle", "kind", "must be government, reclaimed or public");
    expect_refusal("cursor", "Not An Id", "cursor", "must be a next_cursor from an earlier answer");
}

int main(void)
{
    RUN_TEST(test_defaults_and_values);
    RUN_TEST(test_refusals);
    return check_exit_status();
}
