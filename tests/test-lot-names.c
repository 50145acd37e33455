/* test-lot-names.c: a city, group, source or purpose that no lot has costs no pass over the lots.
 */
#include "check.h"
#include "etag.h"
#include "feed.h"
#include "feed_query.h"
#include "feed_slots.h"
#include "list_answer.h"
#include "lot_names.h"
#include "totals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Every lot the feeds, totals, lists and group ids visit goes through
 * snapshot_at (by position) or snapshot_find (by id): this test is linked
 * with --wrap for both, so the count below is the lots visited by the code
 * under test, whatever its structure.
 */
static uint64_t lots_visited;

const struct snapshot_lot *__real_snapshot_at(const struct snapshot *snapshot, size_t index);
const struct snapshot_lot *__wrap_snapshot_at(const struct snapshot *snapshot, size_t index);
const struct snapshot_lot *__real_snapshot_find(const struct snapshot *snapshot, const char *id);
const struct snapshot_lot *__wrap_snapshot_find(const struct snapshot *snapshot, const char *id);

const struct snapshot_lot *__wrap_snapshot_at(const struct snapshot *snapshot, size_t index)
{
    lots_visited++;
    return __real_snapshot_at(snapshot, index);
}

const struct snapshot_lot *__wrap_snapshot_find(const struct snapshot *snapshot, const char *id)
{
    lots_visited++;
    return __real_snapshot_find(snapshot, id);
}

#define LOTS   4000
#define CITIES 4
#define GROUPS 8
#define NOW_MS 1795489670000LL

/* LOTS lots, lot i in city "city-(i % CITIES)" and groups "group-(i % GROUPS)" and "every"; none
 * counted yet. */
static struct snapshot *city_of_lots(void)
{
    struct snapshot_options options = {30 * 60000, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record *records = calloc(LOTS, sizeof(*records));
    char(*ids)[16] = calloc(LOTS, sizeof(*ids));
    char(*texts)[200] = calloc(LOTS, sizeof(*texts));
    size_t skipped = 0;

    CHECK(snapshot != NULL && records != NULL && ids != NULL && texts != NULL);
    for (int i = 0; i < LOTS; i++) {
        snprintf(ids[i], sizeof(ids[i]), "lot-%05d", i);
        snprintf(texts[i], sizeof(texts[i]),
                 "{\"name\":\"Lot %d\",\"kind\":\"public\",\"city\":\"city-%d\","
                 "\"groups\":[\"group-%d\",\"every\"],"
                 "\"location\":{\"lat\":26.5,\"lon\":106.5},\"capacity\":10}",
                 i, i % CITIES, i % GROUPS);
        records[i] = (struct snapshot_record){ids[i], texts[i], -1, 1, -1, NULL, NULL};
    }
    CHECK_INT_EQ(
        snapshot_load(snapshot, snapshot_begin_load(snapshot), records, LOTS, NOW_MS, &skipped), 0);
    CHECK_INT_EQ(snapshot_count(snapshot), LOTS);
    free(records);
    free(ids);
    free(texts);
    return snapshot;
}

static int ask(struct feed_slots *slots, struct lot_names *names, struct snapshot *snapshot,
               const char *city)
{
    struct rendered_answer *answer = NULL;
    int result = feed_get_document(slots, names, snapshot, NULL, FEED_PARKAPI_V1_CITY, city, NOW_MS,
                                   &answer);

    CHECK((result == 0) == (answer != NULL));
    rendered_answer_drop(answer);
    return result;
}

/* A 100 unknown cities after the first request: no lot visited, where a pass each would be 400,000.
 */
static void test_unknown_cities_visit_no_lot(void)
{
    struct snapshot *snapshot = city_of_lots();
    struct feed_slots *slots = feed_slots_new(NULL, NULL);
    struct lot_names *names = lot_names_new();
    char city[32];

    CHECK(slots != NULL && names != NULL);
    lots_visited = 0;
    CHECK_INT_EQ(ask(slots, names, snapshot, "atlantis"), FEED_ERROR_NOT_FOUND);
    /* The first request builds the set of cities: one pass. */
    CHECK_INT_EQ(lots_visited, LOTS);
    lots_visited = 0;
    for (int i = 0; i < 100; i++) {
        snprintf(city, sizeof(city), "nowhere-%d", i);
        CHECK_INT_EQ(ask(slots, names, snapshot, city), FEED_ERROR_NOT_FOUND);
    }
    /* A prefix and an extension of a known city are other cities. */
    CHECK_INT_EQ(ask(slots, names, snapshot, "city-"), FEED_ERROR_NOT_FOUND);
    CHECK_INT_EQ(ask(slots, names, snapshot, "city-10"), FEED_ERROR_NOT_FOUND);
    CHECK_INT_EQ(ask(slots, names, snapshot, ""), FEED_ERROR_NOT_FOUND);
    CHECK_INT_EQ(lots_visited, 0);
    CHECK_INT_EQ(feed_slots_count(slots), 0);
    CHECK_INT_EQ(lot_names_builds(names), 1);
    /* A known city is built as before (a pass over the lots), and kept. */
    CHECK_INT_EQ(ask(slots, names, snapshot, "city-3"), 0);
    CHECK_INT_EQ(lots_visited, LOTS);
    CHECK_INT_EQ(feed_slots_count(slots), 1);
    feed_slots_free(slots);
    lot_names_free(names);
    snapshot_free(snapshot);
}

static void apply(struct snapshot *snapshot, const char *message)
{
    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), NOW_MS, NULL), 0);
}

/*
 * The set follows the lots' cities: rebuilt once per change of a lot's
 * static fields or of the lots, never for a count, and exact at once.
 */
static void test_the_set_follows_the_lots(void)
{
    struct snapshot *snapshot = city_of_lots();
    struct feed_slots *slots = feed_slots_new(NULL, NULL);
    struct lot_names *names = lot_names_new();

    CHECK_INT_EQ(lot_names_city_lots(names, snapshot, "city-0"), LOTS / CITIES);
    CHECK_INT_EQ(lot_names_city_lots(names, snapshot, "city-1"), LOTS / CITIES);
    CHECK_INT_EQ(lot_names_city_lots(names, snapshot, "harbour"), 0);
    CHECK_INT_EQ(lot_names_builds(names), 1);
    /* A count changes no city: no build. */
    apply(snapshot, "{\"type\":\"occupancy\",\"id\":\"lot-00001\",\"occupied\":3,\"version\":2,"
                    "\"updated_at\":1795489670000}");
    CHECK_INT_EQ(lot_names_city_lots(names, snapshot, "harbour"), 0);
    CHECK_INT_EQ(lot_names_builds(names), 1);
    /* lot-00001 moves from city-1 to a new city: found at once, through the feed too. */
    apply(snapshot, "{\"type\":\"lot\",\"id\":\"lot-00001\",\"version\":3,\"occupied\":3,"
                    "\"updated_at\":1795489670000,\"lot\":{\"name\":\"Quay\",\"city\":\"harbour\","
                    "\"location\":{\"lat\":26.5,\"lon\":106.5},\"capacity\":10}}");
    CHECK_INT_EQ(ask(slots, names, snapshot, "harbour"), 0);
    CHECK_INT_EQ(lot_names_city_lots(names, snapshot, "harbour"), 1);
    CHECK_INT_EQ(lot_names_city_lots(names, snapshot, "city-1"), LOTS / CITIES - 1);
    CHECK_INT_EQ(lot_names_builds(names), 2);
    /* Its deletion empties the city again. */
    apply(snapshot, "{\"type\":\"delete\",\"id\":\"lot-00001\",\"version\":4}");
    CHECK_INT_EQ(ask(slots, names, snapshot, "harbour"), FEED_ERROR_NOT_FOUND);
    CHECK_INT_EQ(lot_names_city_lots(names, snapshot, "harbour"), 0);
    CHECK_INT_EQ(lot_names_builds(names), 3);
    feed_slots_free(slots);
    lot_names_free(names);
    snapshot_free(snapshot);
}

/* Many cities: the table grows past its first size and still finds each with its exact count. */
static void test_many_cities(void)
{
    struct snapshot_options options = {30 * 60000, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct lot_names *names = lot_names_new();
    char message[320], city[32];

    for (int i = 0; i < 300; i++) {
        snprintf(message, sizeof(message),
                 "{\"type\":\"lot\",\"id\":\"l%03d\",\"version\":1,\"occupied\":null,"
                 "\"updated_at\":null,\"lot\":{\"name\":\"L\",\"city\":\"town %d\","
                 "\"location\":{\"lat\":1,\"lon\":2},\"capacity\":3}}",
                 i, i / 3);
        apply(snapshot, message);
    }
    for (int i = 0; i < 100; i++) {
        snprintf(city, sizeof(city), "town %d", i);
        CHECK_INT_EQ(lot_names_city_lots(names, snapshot, city), 3);
    }
    CHECK_INT_EQ(lot_names_city_lots(names, snapshot, "town 100"), 0);
    CHECK_INT_EQ(lot_names_builds(names), 1);
    lot_names_free(names);
    lot_names_free(NULL);
    snapshot_free(snapshot);
}

/* The v3 list for a source or a purpose that is not ours: empty, with no lot looked at. */
static void test_v3_list_of_another_source_visits_no_lot(void)
{
    struct snapshot *snapshot = city_of_lots();
    struct feed_numbers *numbers = feed_numbers_new();
    const struct feed_query queries[] = {
        {.given = true, .source_excluded = true, .limit = 10},
        {.given = true, .purpose_excluded = true, .limit = 10},
    };
    struct feed_query every = {.given = true, .limit = 10};
    json_t *list;
    bool complete;

    list = feed_parkapi_v3_list(snapshot, numbers, &every, FEED_PARKAPI_V3_PATH, NOW_MS, &complete);
    CHECK_INT_EQ(json_integer_value(json_object_get(list, "total_count")), LOTS);
    json_decref(list);
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        lots_visited = 0;
        list = feed_parkapi_v3_list(snapshot, numbers, &queries[i], FEED_PARKAPI_V3_PATH, NOW_MS,
                                    &complete);
        CHECK_INT_EQ(lots_visited, 0);
        CHECK(complete);
        CHECK_INT_EQ(json_array_size(json_object_get(list, "items")), 0);
        CHECK_INT_EQ(json_integer_value(json_object_get(list, "total_count")), 0);
        CHECK(json_object_get(list, "next_id") == NULL);
        json_decref(list);
    }
    feed_numbers_free(numbers);
    snapshot_free(snapshot);
}

/* The groups' table: each group with its count, a lot counted once however often it lists one. */
static void test_groups_and_their_counts(void)
{
    struct snapshot *snapshot = city_of_lots();
    struct lot_names *names = lot_names_new();

    CHECK_INT_EQ(lot_names_group_lots(names, snapshot, "group-0"), LOTS / GROUPS);
    CHECK_INT_EQ(lot_names_group_lots(names, snapshot, "group-7"), LOTS / GROUPS);
    CHECK_INT_EQ(lot_names_group_lots(names, snapshot, "every"), LOTS);
    CHECK_INT_EQ(lot_names_group_lots(names, snapshot, "group-8"), 0);
    /* Cities and groups are separate: a city's name is no group. */
    CHECK_INT_EQ(lot_names_group_lots(names, snapshot, "city-0"), 0);
    CHECK_INT_EQ(lot_names_city_lots(names, snapshot, "every"), 0);
    CHECK_INT_EQ(lot_names_builds(names), 1);
    apply(snapshot, "{\"type\":\"lot\",\"id\":\"lot-00000\",\"version\":2,\"occupied\":null,"
                    "\"updated_at\":null,\"lot\":{\"name\":\"Twice\",\"city\":\"city-0\","
                    "\"groups\":[\"pier\",\"pier\"],"
                    "\"location\":{\"lat\":26.5,\"lon\":106.5},\"capacity\":10}}");
    CHECK_INT_EQ(lot_names_group_lots(names, snapshot, "pier"), 1);
    CHECK_INT_EQ(lot_names_group_lots(names, snapshot, "every"), LOTS - 1);
    CHECK_INT_EQ(lot_names_group_lots(names, snapshot, "group-0"), LOTS / GROUPS - 1);
    CHECK_INT_EQ(lot_names_builds(names), 2);
    /* Its deletion takes the group away again. */
    apply(snapshot, "{\"type\":\"delete\",\"id\":\"lot-00000\",\"version\":3}");
    CHECK_INT_EQ(lot_names_group_lots(names, snapshot, "pier"), 0);
    CHECK_INT_EQ(lot_names_city_lots(names, snapshot, "city-0"), LOTS / CITIES - 1);
    CHECK_INT_EQ(lot_names_builds(names), 3);
    lot_names_free(names);
    snapshot_free(snapshot);
}

/*
 * /v1/groups/{id}/history and /forecast: the ids of a group no lot has are
 * an array of one with no lot visited, where the pass each cost LOTS
 * visits and room for LOTS ids.
 */
static void test_unknown_group_ids_visit_no_lot(void)
{
    struct snapshot *snapshot = city_of_lots();
    struct lot_names *names = lot_names_new();
    const char **ids;
    size_t count = 99;
    char group[32];

    ids = lot_names_group_ids(names, snapshot, "group-3", &count);
    CHECK(ids != NULL);
    CHECK_INT_EQ(count, LOTS / GROUPS);
    CHECK_STR_EQ(ids[0], "lot-00003");
    CHECK_STR_EQ(ids[count - 1], "lot-03995");
    CHECK(ids[count] == NULL);
    free(ids);
    lots_visited = 0;
    for (int i = 0; i < 100; i++) {
        snprintf(group, sizeof(group), "nowhere-%d", i);
        count = 99;
        ids = lot_names_group_ids(names, snapshot, group, &count);
        CHECK(ids != NULL && ids[0] == NULL);
        CHECK_INT_EQ(count, 0);
        free(ids);
    }
    CHECK_INT_EQ(lots_visited, 0);
    /* Without the set (the way it was), the same answer costs a pass. */
    ids = lot_names_group_ids(NULL, snapshot, "nowhere", &count);
    CHECK(ids != NULL && ids[0] == NULL);
    CHECK_INT_EQ(count, 0);
    CHECK_INT_EQ(lots_visited, LOTS);
    free(ids);
    lot_names_free(names);
    snapshot_free(snapshot);
}

/* /v1/totals for a city, group or kind no lot has: the zeros of a pass, with no lot visited. */
static void test_unknown_totals_visit_no_lot(void)
{
    struct snapshot *snapshot = city_of_lots();
    struct lot_names *names = lot_names_new();
    const struct lot_selection unknown[] = {
        {.city = "atlantis"},
        {.group = "nowhere"},
        {.kind = "castle"},
        {.city = "city-1", .group = "nowhere"},
        {.city = "atlantis", .group = "every", .kind = "public", .space = "charging"},
        {.city = "city-"},
    };
    struct lot_selection known = {.city = "city-1", .group = "every"};
    struct totals named, passed;

    totals_compute_named(snapshot, names, &known, &named);
    CHECK_INT_EQ(named.lots, LOTS / CITIES);
    CHECK_INT_EQ(named.capacity, 10 * LOTS / CITIES);
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        lots_visited = 0;
        totals_compute_named(snapshot, names, &unknown[i], &named);
        CHECK_INT_EQ(lots_visited, 0);
        /* Byte for byte what a pass finds. */
        totals_compute(snapshot, &unknown[i], &passed);
        CHECK_INT_EQ(lots_visited, LOTS);
        CHECK(memcmp(&named, &passed, sizeof(named)) == 0);
        CHECK_INT_EQ(named.lots, 0);
        CHECK_INT_EQ(named.updated_at_ms, -1);
    }
    /* Without the set, a pass as before. */
    lots_visited = 0;
    totals_compute_named(snapshot, NULL, &unknown[0], &named);
    CHECK_INT_EQ(lots_visited, LOTS);
    CHECK_INT_EQ(lot_names_builds(names), 1);
    lot_names_free(names);
    snapshot_free(snapshot);
}

static const char *lookup(const char *name, void *data)
{
    const char *const *pairs = data;

    for (size_t i = 0; pairs[i] != NULL; i += 2)
        if (strcmp(pairs[i], name) == 0)
            return pairs[i + 1];
    return NULL;
}

/* One list query's answer through list_answer_get with names, compared with a render (a pass). */
static void check_list_of_none(struct snapshot *snapshot, struct lot_names *names,
                               const char *const *pairs)
{
    struct lot_query query;
    struct field_error error;

    CHECK_INT_EQ(lot_query_parse(lookup, (void *)pairs, &query, &error), 0);
    for (int format = LIST_ANSWER_LOTS; format <= LIST_ANSWER_GEOJSON; format++) {
        const struct list_cache_answer *answer = NULL;
        struct list_cache_answer uncached;
        char *rendered = NULL, etag[24];
        size_t length = 0;

        lots_visited = 0;
        CHECK_INT_EQ(list_answer_get(snapshot, names, &query, format, &answer, &uncached), 0);
        CHECK_INT_EQ(lots_visited, 0);
        CHECK(answer == &uncached); /* not kept: unknown names take no room in the cache */
        CHECK_INT_EQ(list_answer_render(snapshot, &query, format, &rendered, &length), 0);
        CHECK_INT_EQ(answer->length, length);
        CHECK_STR_EQ(answer->body, rendered);
        etag_of(rendered, length, etag, sizeof(etag));
        CHECK_STR_EQ(answer->etag, etag);
        free(rendered);
        free(uncached.body);
    }
}

/* /v1/lots and .geojson for a city or group no lot has: the empty list, no lot visited. */
static void test_unknown_lists_visit_no_lot(void)
{
    struct snapshot *snapshot = city_of_lots();
    struct lot_names *names = lot_names_new();
    const char *const by_city[] = {"city", "atlantis", NULL};
    const char *const by_group[] = {"group", "nowhere", "limit", "5", NULL};
    const char *const both[] = {"city", "city-2", "group", "group-9", "kind", "public", NULL};
    const char *const near[] = {"city", "atlantis", "near", "26.5,106.5", "radius", "500", NULL};
    const char *const known[] = {"group", "group-1", "limit", "3", NULL};
    const struct list_cache_answer *answer = NULL;
    struct list_cache_answer uncached;
    struct lot_query query;
    struct field_error error;

    CHECK_INT_EQ(lot_names_city_lots(names, snapshot, "city-0"), LOTS / CITIES);
    check_list_of_none(snapshot, names, by_city);
    check_list_of_none(snapshot, names, by_group);
    check_list_of_none(snapshot, names, both);
    check_list_of_none(snapshot, names, near);
    /* A known group is selected as before: a pass, kept in the cache. */
    CHECK_INT_EQ(lot_query_parse(lookup, (void *)known, &query, &error), 0);
    lots_visited = 0;
    CHECK_INT_EQ(list_answer_get(snapshot, names, &query, LIST_ANSWER_LOTS, &answer, &uncached), 0);
    CHECK_INT_EQ(lots_visited, LOTS);
    CHECK(answer != &uncached);
    CHECK(strstr(answer->body, "\"id\":\"lot-00001\"") != NULL);
    CHECK_INT_EQ(lot_names_builds(names), 1);
    lot_names_free(names);
    snapshot_free(snapshot);
}

/*
 * What a stream (and every other caller) asks: whether a selection takes
 * no lot, told by look-ups alone once the set is built.
 */
static void test_selections_of_streams(void)
{
    struct snapshot *snapshot = city_of_lots();
    struct lot_names *names = lot_names_new();
    const struct lot_selection none[] = {
        {.city = "atlantis"},
        {.group = "nowhere"},
        {.city = "city-0", .group = "nowhere"},
        {.city = "atlantis", .group = "group-0"},
        {.group = "nowhere", .lot_id = "lot-00001"},
        {.kind = "castle"},
    };
    const struct lot_selection some[] = {
        {0},
        {.city = "city-0"},
        {.group = "group-0"},
        /* Both names exist, though no lot has both: a pass tells (one name each is judged). */
        {.city = "city-1", .group = "group-0"},
        {.lot_id = "no-such-lot"},
        {.kind = "government"},
    };

    CHECK(!lot_names_selects_none(names, snapshot, &some[1]));
    lots_visited = 0;
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
        CHECK(lot_names_selects_none(names, snapshot, &none[i]));
    for (size_t i = 0; i < sizeof(some) / sizeof(some[0]); i++)
        CHECK(!lot_names_selects_none(names, snapshot, &some[i]));
    CHECK_INT_EQ(lots_visited, 0);
    /* Without a set only the kind's vocabulary is known. */
    CHECK(!lot_names_selects_none(NULL, snapshot, &none[0]));
    CHECK(lot_names_selects_none(NULL, snapshot, &none[5]));
    CHECK_INT_EQ(lot_names_builds(names), 1);
    lot_names_free(names);
    snapshot_free(snapshot);
}

int main(void)
{
    RUN_TEST(test_unknown_cities_visit_no_lot);
    RUN_TEST(test_the_set_follows_the_lots);
    RUN_TEST(test_many_cities);
    RUN_TEST(test_v3_list_of_another_source_visits_no_lot);
    RUN_TEST(test_groups_and_their_counts);
    RUN_TEST(test_unknown_group_ids_visit_no_lot);
    RUN_TEST(test_unknown_totals_visit_no_lot);
    RUN_TEST(test_unknown_lists_visit_no_lot);
    RUN_TEST(test_selections_of_streams);
    return check_exit_status();
}
