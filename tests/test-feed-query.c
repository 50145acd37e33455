/* test-feed-query.c: ParkAPI v3's list parameters: parsed, refused with their rule, canonical. */
#include "check.h"
#include "feed_query.h"

#include <stdlib.h>
#include <string.h>

/* "name=value&…" split in place; names[i] is NULL past the last. */
struct parameters {
    char text[256];
    const char *names[12];
    const char *values[12];
};

static void split(struct parameters *parameters, const char *query)
{
    size_t count = 0;
    char *pair = parameters->text;

    memset(parameters, 0, sizeof(*parameters));
    snprintf(parameters->text, sizeof(parameters->text), "%s", query);
    while (pair != NULL && *pair != '\0' && count < 12) {
        char *next = strchr(pair, '&');
        char *equals = strchr(pair, '=');
        if (next != NULL)
            *next++ = '\0';
        if (equals != NULL)
            *equals = '\0';
        parameters->names[count] = pair;
        parameters->values[count++] = equals ? equals + 1 : "";
        pair = next;
    }
}

static const char *lookup(const char *name, void *data)
{
    const struct parameters *parameters = data;
    for (size_t i = 0; i < 12 && parameters->names[i]; i++) {
        if (strcmp(parameters->names[i], name) == 0)
            return parameters->values[i];
    }
    return NULL;
}

static int parse(const char *text, struct feed_query *query, struct field_error *error)
{
    struct parameters parameters;
    split(&parameters, text);
    memset(error, 0, sizeof(*error));
    return feed_query_parse(lookup, &parameters, query, error);
}

static void test_nothing_given(void)
{
    struct feed_query query;
    struct field_error error;
    char canonical[FEED_QUERY_CANONICAL_SIZE];

    CHECK_INT_EQ(parse("", &query, &error), 0);
    CHECK(!query.given);
    CHECK(query.ignore_duplicates);
    /* No limit is ParkAPI's largest page, never every site at once; it is in the canonical form,
     * so "no limit" and "limit=1000" are one query. */
    CHECK_INT_EQ(query.limit, 1000);
    feed_query_canonical(&query, 0, canonical, sizeof(canonical));
    CHECK_STR_EQ(canonical, "limit=1000");
    CHECK_INT_EQ(parse("limit=1000", &query, &error), 0);
    feed_query_canonical(&query, 0, canonical, sizeof(canonical));
    CHECK_STR_EQ(canonical, "limit=1000");
}

static void test_every_parameter(void)
{
    struct feed_query query;
    struct field_error error;
    char canonical[FEED_QUERY_CANONICAL_SIZE];

    CHECK_INT_EQ(parse("source_uid=parkshare&source_uids=x,parkshare&name=Hall B&purpose=CAR"
                       "&lat=26.5&lon=106.25&radius=1500&limit=10&start=42"
                       "&ignore_duplicates=false",
                       &query, &error),
                 0);
    CHECK(query.given);
    CHECK(!query.source_excluded);
    CHECK(!query.purpose_excluded);
    CHECK_STR_EQ(query.name, "Hall B");
    CHECK(query.has_circle);
    CHECK(query.lat == 26.5 && query.lon == 106.25 && query.radius_m == 1500);
    CHECK_INT_EQ(query.limit, 10);
    CHECK_INT_EQ(query.start, 42);
    CHECK(!query.ignore_duplicates);
    feed_query_canonical(&query, 0, canonical, sizeof(canonical));
    CHECK_STR_EQ(canonical, "name=Hall%20B&lat=26.5&lon=106.25&radius=1500&ignore_duplicates=false"
                            "&limit=10&start=42");
    feed_query_canonical(&query, 99, canonical, sizeof(canonical));
    CHECK(strstr(canonical, "&start=99") != NULL);
}

/* Two spellings of one query share one canonical form, so one cache entry. */
static void test_location_is_lat_lon(void)
{
    struct feed_query one, other;
    struct field_error error;
    char first[FEED_QUERY_CANONICAL_SIZE], second[FEED_QUERY_CANONICAL_SIZE];

    CHECK_INT_EQ(parse("location=26.5,106.25&radius=100", &one, &error), 0);
    CHECK_INT_EQ(parse("radius=100.0&lon=106.250&lat=26.50", &other, &error), 0);
    feed_query_canonical(&one, 0, first, sizeof(first));
    feed_query_canonical(&other, 0, second, sizeof(second));
    CHECK_STR_EQ(first, second);
}

/* Sources and purposes other than ours match nothing, and say so in the key. */
static void test_exclusions(void)
{
    struct feed_query query;
    struct field_error error;
    char canonical[FEED_QUERY_CANONICAL_SIZE];

    CHECK_INT_EQ(parse("source_uid=elsewhere&purpose=BIKE", &query, &error), 0);
    CHECK(query.source_excluded);
    CHECK(query.purpose_excluded);
    feed_query_canonical(&query, 0, canonical, sizeof(canonical));
    CHECK_STR_EQ(canonical, "source_uid=other&purpose=other&limit=1000");
    CHECK_INT_EQ(parse("source_uids=a,b", &query, &error), 0);
    CHECK(query.source_excluded);
}

static void check_refused(const char *text, const char *field, const char *rule)
{
    struct feed_query query;
    struct field_error error;

    CHECK_INT_EQ(parse(text, &query, &error), FEED_QUERY_ERROR_INVALID);
    CHECK_STR_EQ(error.field, field);
    CHECK_STR_EQ(error.rule, rule);
}

static void test_refusals_name_the_parameter(void)
{
    check_refused("limit=0", "limit", "must be a whole number from 1 to 1000");
    check_refused("limit=1001", "limit", "must be a whole number from 1 to 1000");
    check_refused("limit=ten", "limit", "must be a whole number from 1 to 1000");
    check_refused("start=-1", "start", "must be a site number of at least 1");
    check_refused("start=281474976710656", "start", "must be a site number of at least 1");
    check_refused("purpose=CAT", "purpose", "must be one of CAR, BIKE, MOTORCYCLE, ITEM");
    check_refused("name=", "name", "must be 1 to 200 bytes");
    check_refused("lat=26.5&lon=106", "radius",
                  "lat, lon and radius have all to be set if one is set");
    check_refused("radius=5", "lat", "lat, lon and radius have all to be set if one is set");
    check_refused("lat=91&lon=106&radius=5", "lat", "latitude must be a number from -90 to 90");
    check_refused("lat=26&lon=nan&radius=5", "lon", "longitude must be a number from -180 to 180");
    check_refused("lat=26&lon=106&radius=0", "radius", "must be a distance in metres above 0");
    check_refused("location=26.5&radius=5", "location", "must be lat,lon");
    check_refused("location=26.5,106&lat=1&radius=5", "location",
                  "give either location or lat and lon");
    check_refused("ignore_duplicates=yes", "ignore_duplicates", "must be true or false");
    check_refused("source_uids=a,,b", "source_uids",
                  "must be source uids separated by commas, none empty");
    check_refused("source_uid=", "source_uid", "must not be empty");
}

int main(void)
{
    RUN_TEST(test_nothing_given);
    RUN_TEST(test_every_parameter);
    RUN_TEST(test_location_is_lat_lon);
    RUN_TEST(test_exclusions);
    RUN_TEST(test_refusals_name_the_parameter);
    return check_exit_status();
}
