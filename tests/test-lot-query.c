/* test-lot-query.c: parsing the filters of the lot list, and its cursors. */
#include "check.h"
#include "lot_query.h"
#include "snapshot.h"

#include <math.h>
#include <stdlib.h>

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
    struct parameters all = {
        {"near", "radius", "open", "min_free", "limit", "cursor", "kind"},
        {"26.57,106.47", "500", "true", "3", "20", "1500_gov-a.6dcc522b", "public"}};
    struct lot_query query;
    struct field_error error;
    char cursor[64];

    CHECK_INT_EQ(lot_query_parse(lookup, &none, &query, &error), 0);
    CHECK(!query.near);
    CHECK_INT_EQ(query.limit, 50);
    CHECK_INT_EQ(query.min_free, -1);
    CHECK_INT_EQ(query.radius_m, 2000);
    CHECK_INT_EQ(lot_query_parse(lookup, &all, &query, &error), 0);
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
    CHECK_STR_EQ(cursor, "2501_rec-b.bdb0a064");
    query.near = false;
    lot_query_cursor(&query, 0, "rec-b", cursor, sizeof(cursor));
    CHECK_STR_EQ(cursor, "rec-b.bf7fc0d8");
}

static void expect_refusal(const char *name, const char *value, const char *field_wanted,
                           const char *rule_wanted)
{
    struct parameters parameters = {{name, NULL}, {value, NULL}};
    struct lot_query query;
    struct field_error error = {{0}, {0}};
    CHECK_INT_EQ(lot_query_parse(lookup, &parameters, &query, &error), LOT_QUERY_ERROR_INVALID);
    CHECK_STR_EQ(error.field, field_wanted);
    CHECK_STR_EQ(error.rule, rule_wanted);
}

static void test_refusals(void)
{
    expect_refusal("near", "91,0", "near", "must be lat,lon in WGS84 degrees");
    expect_refusal("near", "1,2,3", "near", "must be lat,lon in WGS84 degrees");
    expect_refusal("near", "nan,2", "near", "must be lat,lon in WGS84 degrees");
    expect_refusal("radius", "10", "radius", "goes with near");
    expect_refusal("bbox", "1,30,2,20", "bbox",
                   "must be minlon,minlat,maxlon,maxlat in WGS84 degrees");
    expect_refusal("open", "1", "open", "must be true or false");
    expect_refusal("min_free", "x", "min_free", "must be an integer from 0 to 100000");
    expect_refusal("limit", "501", "limit", "must be an integer from 1 to 500");
    expect_refusal("kind", "castle", "kind", "must be government, reclaimed or public");
}

static void expect_bad_cursor(const char *cursor, bool near)
{
    struct parameters parameters = {{"cursor", near ? "near" : NULL, NULL},
                                    {cursor, near ? "26.5,106.4" : NULL, NULL}};
    struct lot_query query;
    struct field_error error = {{0}, {0}};
    CHECK_INT_EQ(lot_query_parse(lookup, &parameters, &query, &error), LOT_QUERY_ERROR_CURSOR);
    CHECK_STR_EQ(error.field, "cursor");
    CHECK_STR_EQ(error.rule, "is not a next_cursor of this list; start again from the first page");
    CHECK(!query.has_cursor);
}

static void test_antimeridian_box_is_parsed(void)
{
    struct parameters parameters = {{"bbox", NULL}, {"170,-10,-170,10", NULL}};
    struct lot_query query;
    struct field_error error;

    CHECK_INT_EQ(lot_query_parse(lookup, &parameters, &query, &error), 0);
    CHECK(query.bbox);
    CHECK(query.min_lon == 170.0 && query.max_lon == -170.0);
    CHECK(query.min_lat == -10.0 && query.max_lat == 10.0);
}

static void test_cursors_are_ours_or_refused(void)
{
    struct lot_query query = {0};
    struct parameters parameters = {{"cursor", NULL}, {NULL, NULL}};
    struct field_error error;
    char cursor[128];

    /* A lot id alone looks like a cursor of old but is not one: refused, not taken as "after". */
    expect_bad_cursor("not-a-cursor", false);
    expect_bad_cursor("Not An Id", false);
    expect_bad_cursor("", false);
    expect_bad_cursor(".", false);
    expect_bad_cursor("gov-b.7cf085c", false);       /* check cut short */
    expect_bad_cursor("gov-b.7cf085c2", false);      /* check of another text */
    expect_bad_cursor("gov-c.7cf085c1", false);      /* id changed */
    expect_bad_cursor("1500_gov-a.6dcc522b", false); /* a near cursor without near */
    expect_bad_cursor("gov-b.7cf085c1", true);       /* a list cursor given with near */
    expect_bad_cursor("-1_gov-a.00000000", true);
    /* Every cursor written reads back. */
    lot_query_cursor(&query, 0, "b-night", cursor, sizeof(cursor));
    CHECK_STR_EQ(cursor, "b-night.a41fa222");
    parameters.values[0] = cursor;
    CHECK_INT_EQ(lot_query_parse(lookup, &parameters, &query, &error), 0);
    CHECK(query.has_cursor);
    CHECK_STR_EQ(query.cursor_id, "b-night");
}

/* A lot with only what selection and filters read. */
static struct snapshot_lot sample_lot(const char *id, const char *city, const char *kind,
                                      const char *group_list)
{
    struct snapshot_lot lot = {0};
    lot.id = (char *)id;
    lot.city = city;
    lot.kind = kind;
    lot.group_list = (char *)group_list;
    lot.capacity = 10;
    lot.occupied = 4;
    lot.count_fresh = true;
    lot.open_now = true;
    lot.latitude = 26.5;
    lot.longitude = 106.7;
    return lot;
}

/* A lot as a list judges it: its static fields and its answer's live facts (6 of 10 free). */
struct sample {
    struct lot_query_subject lot;
    struct lot_live_facts live;
};

static void sample_init(struct sample *sample, const char *id, const char *group_list)
{
    sample->lot = (struct lot_query_subject){id, "guiyang", "government", group_list,
                                             0,  26.5,      106.7,        &sample->live};
    sample->live = (struct lot_live_facts){10, 4, true, true, NULL};
}

static void test_selects(void)
{
    struct snapshot_lot lot = sample_lot("gov-a", "guiyang", "government", ",centre,hospital,");
    struct snapshot_lot bare = sample_lot("rec-b", NULL, NULL, NULL);
    struct lot_selection part_of_a_group = {.group = "hosp"};
    struct lot_selection across_groups = {.group = "centre,hospital"};
    struct lot_selection empty_group = {.group = ""};
    struct lot_selection any = {0};
    struct lot_selection city = {.city = "guiyang"};
    struct lot_selection other_city = {.city = "zunyi"};
    struct lot_selection group = {.group = "hospital"};
    struct lot_selection other_group = {.group = "market"};
    struct lot_selection kind = {.kind = "government"};
    struct lot_selection other_kind = {.kind = "public"};
    struct lot_selection one = {.lot_id = "gov-a"};
    struct lot_selection other_one = {.lot_id = "gov-b"};
    struct lot_selection all = {"guiyang", "centre", "government", "gov-a", NULL};
    struct lot_selection all_but_group = {"guiyang", "market", "government", "gov-a", NULL};

    CHECK(lot_query_selects(&any, &lot));
    CHECK(lot_query_selects(&any, &bare));
    CHECK(lot_query_selects(&city, &lot));
    CHECK(!lot_query_selects(&other_city, &lot));
    CHECK(!lot_query_selects(&city, &bare)); /* a lot without a city is in none */
    CHECK(lot_query_selects(&group, &lot));
    CHECK(!lot_query_selects(&other_group, &lot));
    CHECK(!lot_query_selects(&group, &bare));
    CHECK(lot_query_selects(&kind, &lot));
    CHECK(!lot_query_selects(&other_kind, &lot));
    CHECK(!lot_query_selects(&kind, &bare));
    CHECK(lot_query_selects(&one, &lot));
    CHECK(!lot_query_selects(&other_one, &lot));
    CHECK(lot_query_selects(&all, &lot));
    CHECK(!lot_query_selects(&all_but_group, &lot));
    /* Groups are whole ids: never a part of one, never two, never the empty text. */
    CHECK(!lot_query_selects(&part_of_a_group, &lot));
    CHECK(!lot_query_selects(&across_groups, &lot));
    CHECK(!lot_query_selects(&empty_group, &lot));
}

static void test_matches_filters(void)
{
    struct sample sample;
    struct lot_query_subject *lot = &sample.lot;
    struct lot_query query = {.min_free = -1};

    sample_init(&sample, "gov-a", ",centre,");

    CHECK(lot_query_matches(&query, lot));
    query.selection.city = "zunyi";
    CHECK(!lot_query_matches(&query, lot));
    query.selection.city = "guiyang";
    query.open = LOT_QUERY_CLOSED_ONLY;
    CHECK(!lot_query_matches(&query, lot));
    query.open = LOT_QUERY_OPEN_ONLY;
    CHECK(lot_query_matches(&query, lot));
    sample.live.open_now = false;
    CHECK(!lot_query_matches(&query, lot));
    query.open = LOT_QUERY_CLOSED_ONLY;
    CHECK(lot_query_matches(&query, lot));
    query.open = LOT_QUERY_OPEN_ANY;
    sample.live.open_now = true;
    /* 6 free: min_free 6 passes, 7 does not; a stale count or a closed lot never does. */
    query.min_free = 6;
    CHECK(lot_query_matches(&query, lot));
    query.min_free = 7;
    CHECK(!lot_query_matches(&query, lot));
    query.min_free = 0;
    sample.live.count_fresh = false;
    CHECK(!lot_query_matches(&query, lot));
    sample.live.count_fresh = true;
    sample.live.open_now = false;
    CHECK(!lot_query_matches(&query, lot));
    sample.live.open_now = true;
    query.min_free = -1;
    query.bbox = true;
    query.min_lon = 106.0;
    query.max_lon = 107.0;
    query.min_lat = 26.0;
    query.max_lat = 26.5; /* the edge is inside */
    CHECK(lot_query_matches(&query, lot));
    query.max_lat = 26.4;
    CHECK(!lot_query_matches(&query, lot));
    /* A box across the antimeridian: from 170 east to 180 and from -180 east to -170. */
    query.max_lat = 27.0;
    query.min_lon = 170.0;
    query.max_lon = -170.0;
    CHECK(!lot_query_matches(&query, lot)); /* 106.7 lies the other way round */
    lot->longitude = 179.5;
    CHECK(lot_query_matches(&query, lot));
    lot->longitude = -180.0;
    CHECK(lot_query_matches(&query, lot));
    lot->longitude = -170.0;
    CHECK(lot_query_matches(&query, lot));
    lot->longitude = -169.99;
    CHECK(!lot_query_matches(&query, lot));
}

static char *key_of(const char *name, const char *value, const char *name2, const char *value2)
{
    struct parameters parameters = {{name, name2, NULL}, {value, value2, NULL}};
    struct lot_query query;
    struct field_error error;
    CHECK_INT_EQ(lot_query_parse(lookup, &parameters, &query, &error), 0);
    return lot_query_key(&query, "lots");
}

static void test_keys_name_queries_exactly(void)
{
    char *keys[] = {
        key_of("city", "a", NULL, NULL),
        key_of("city", "a", "limit", "50"), /* the default, said: the same query */
        key_of("group", "a", NULL, NULL),
        key_of("city", "a|group1:1:a", NULL, NULL), /* a city that reads like two members */
        key_of("city", "a", "group", "a"),
        key_of("city", "a", "limit", "5"),
        key_of("city", "a", "cursor", "gov-b.7cf085c1"),
        key_of("near", "26.5,106.4", NULL, NULL),
        key_of("near", "26.5,106.4", "radius", "2001"),
        key_of("near", "26.50000000000001,106.4", NULL, NULL),
        key_of("city", "", NULL, NULL), /* given empty is not absent */
        key_of("space", "charging", NULL, NULL),
        key_of("space", "charging", "min_free", "1"),
        key_of("space", "disabled", "min_free", "1"),
        key_of("min_free", "1", NULL, NULL),
    };
    size_t count = sizeof(keys) / sizeof(keys[0]);

    CHECK(strncmp(keys[0], "lots|", 5) == 0);
    CHECK_STR_EQ(keys[0], keys[1]);
    for (size_t i = 1; i < count; i++) {
        for (size_t j = i + 1; j < count; j++) {
            if (strcmp(keys[i], keys[j]) == 0)
                fprintf(stderr, "same key: %s\n", keys[i]);
            CHECK(strcmp(keys[i], keys[j]) != 0);
        }
    }
    for (size_t i = 0; i < count; i++)
        free(keys[i]);
}

/* space=charging: lots that declare charging; with min_free, the type's fresh free count. */
static void test_space_filter(void)
{
    struct parameters parameters = {{"space", "min_free", NULL}, {"charging", "2", NULL}};
    struct lot_query query;
    struct field_error error = {{0}, {0}};
    struct sample sample, plain;
    int64_t space_free[SPACE_TYPE_COUNT];

    sample_init(&sample, "gov-a", NULL);
    sample_init(&plain, "gov-b", NULL);
    CHECK_INT_EQ(lot_query_parse(lookup, &parameters, &query, &error), 0);
    CHECK(query.has_space);
    CHECK_INT_EQ(query.space, SPACE_CHARGING);
    CHECK_INT_EQ(query.min_free, 2);
    sample.lot.declared_spaces = 1u << SPACE_CHARGING;
    for (int type = 0; type < SPACE_TYPE_COUNT; type++)
        space_free[type] = -1;
    sample.live.space_free = space_free;
    /* Never reported: not trusted, whatever the lot's own count says. */
    CHECK(!lot_query_matches(&query, &sample.lot));
    space_free[SPACE_CHARGING] = 2;
    CHECK(lot_query_matches(&query, &sample.lot));
    space_free[SPACE_CHARGING] = 1;
    CHECK(!lot_query_matches(&query, &sample.lot));
    query.min_free = -1; /* the type declared is enough */
    CHECK(lot_query_matches(&query, &sample.lot));
    CHECK(!lot_query_matches(&query, &plain.lot));
    query.min_free = 1;
    sample.live.open_now = false;
    CHECK(!lot_query_matches(&query, &sample.lot));
    expect_refusal("space", "ev", "space",
                   "must be a space type: disabled, charging, family, women, carsharing, bus, "
                   "truck, motorcycle or reserved");
}

int main(void)
{
    RUN_TEST(test_defaults_and_values);
    RUN_TEST(test_refusals);
    RUN_TEST(test_cursors_are_ours_or_refused);
    RUN_TEST(test_antimeridian_box_is_parsed);
    RUN_TEST(test_selects);
    RUN_TEST(test_matches_filters);
    RUN_TEST(test_keys_name_queries_exactly);
    RUN_TEST(test_space_filter);
    return check_exit_status();
}
