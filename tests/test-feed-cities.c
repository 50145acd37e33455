/* test-feed-cities.c: a city, source or purpose that no lot has costs no pass over the lots. */
#include "check.h"
#include "feed.h"
#include "feed_cities.h"
#include "feed_query.h"
#include "feed_slots.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Every lot the feeds visit goes through snapshot_at (by position) or
 * snapshot_find (by id): this test is linked with --wrap for both, so the
 * count below is the lots visited by the code under test, whatever its
 * structure.
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
#define NOW_MS 1795489670000LL

/* LOTS lots, lot i in city "city-(i % CITIES)"; none counted yet. */
static struct snapshot *city_of_lots(void)
{
    struct snapshot_options options = {30 * 60000, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record *records = calloc(LOTS, sizeof(*records));
    char(*ids)[16] = calloc(LOTS, sizeof(*ids));
    char(*texts)[160] = calloc(LOTS, sizeof(*texts));
    size_t skipped = 0;

    CHECK(snapshot != NULL && records != NULL && ids != NULL && texts != NULL);
    for (int i = 0; i < LOTS; i++) {
        snprintf(ids[i], sizeof(ids[i]), "lot-%05d", i);
        snprintf(texts[i], sizeof(texts[i]),
                 "{\"name\":\"Lot %d\",\"kind\":\"public\",\"city\":\"city-%d\","
                 "\"location\":{\"lat\":26.5,\"lon\":106.5},\"capacity\":10}",
                 i, i % CITIES);
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

static int ask(struct feed_slots *slots, struct snapshot *snapshot, const char *city)
{
    struct rendered_answer *answer = NULL;
    int result =
        feed_get_document(slots, snapshot, NULL, FEED_PARKAPI_V1_CITY, city, NOW_MS, &answer);

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
    char city[32];

    CHECK(slots != NULL);
    lots_visited = 0;
    CHECK_INT_EQ(ask(slots, snapshot, "atlantis"), FEED_ERROR_NOT_FOUND);
    /* The first request builds the set of cities: one pass. */
    CHECK_INT_EQ(lots_visited, LOTS);
    lots_visited = 0;
    for (int i = 0; i < 100; i++) {
        snprintf(city, sizeof(city), "nowhere-%d", i);
        CHECK_INT_EQ(ask(slots, snapshot, city), FEED_ERROR_NOT_FOUND);
    }
    /* A prefix and an extension of a known city are other cities. */
    CHECK_INT_EQ(ask(slots, snapshot, "city-"), FEED_ERROR_NOT_FOUND);
    CHECK_INT_EQ(ask(slots, snapshot, "city-10"), FEED_ERROR_NOT_FOUND);
    CHECK_INT_EQ(ask(slots, snapshot, ""), FEED_ERROR_NOT_FOUND);
    CHECK_INT_EQ(lots_visited, 0);
    CHECK_INT_EQ(feed_slots_count(slots), 0);
    CHECK_INT_EQ(feed_cities_builds(feed_slots_cities(slots)), 1);
    /* A known city is built as before (a pass over the lots), and kept. */
    CHECK_INT_EQ(ask(slots, snapshot, "city-3"), 0);
    CHECK_INT_EQ(lots_visited, LOTS);
    CHECK_INT_EQ(feed_slots_count(slots), 1);
    feed_slots_free(slots);
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
    struct feed_cities *cities = feed_slots_cities(slots);

    CHECK_INT_EQ(feed_cities_lots(cities, snapshot, "city-0"), LOTS / CITIES);
    CHECK_INT_EQ(feed_cities_lots(cities, snapshot, "city-1"), LOTS / CITIES);
    CHECK_INT_EQ(feed_cities_lots(cities, snapshot, "harbour"), 0);
    CHECK_INT_EQ(feed_cities_builds(cities), 1);
    /* A count changes no city: no build. */
    apply(snapshot, "{\"type\":\"occupancy\",\"id\":\"lot-00001\",\"occupied\":3,\"version\":2,"
                    "\"updated_at\":1795489670000}");
    CHECK_INT_EQ(feed_cities_lots(cities, snapshot, "harbour"), 0);
    CHECK_INT_EQ(feed_cities_builds(cities), 1);
    /* lot-00001 moves from city-1 to a new city: found at once, through the feed too. */
    apply(snapshot, "{\"type\":\"lot\",\"id\":\"lot-00001\",\"version\":3,\"occupied\":3,"
                    "\"updated_at\":1795489670000,\"lot\":{\"name\":\"Quay\",\"city\":\"harbour\","
                    "\"location\":{\"lat\":26.5,\"lon\":106.5},\"capacity\":10}}");
    CHECK_INT_EQ(ask(slots, snapshot, "harbour"), 0);
    CHECK_INT_EQ(feed_cities_lots(cities, snapshot, "harbour"), 1);
    CHECK_INT_EQ(feed_cities_lots(cities, snapshot, "city-1"), LOTS / CITIES - 1);
    CHECK_INT_EQ(feed_cities_builds(cities), 2);
    /* Its deletion empties the city again. */
    apply(snapshot, "{\"type\":\"delete\",\"id\":\"lot-00001\",\"version\":4}");
    CHECK_INT_EQ(ask(slots, snapshot, "harbour"), FEED_ERROR_NOT_FOUND);
    CHECK_INT_EQ(feed_cities_lots(cities, snapshot, "harbour"), 0);
    CHECK_INT_EQ(feed_cities_builds(cities), 3);
    feed_slots_free(slots);
    snapshot_free(snapshot);
}

/* Many cities: the table grows past its first size and still finds each with its exact count. */
static void test_many_cities(void)
{
    struct snapshot_options options = {30 * 60000, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct feed_cities *cities = feed_cities_new();
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
        CHECK_INT_EQ(feed_cities_lots(cities, snapshot, city), 3);
    }
    CHECK_INT_EQ(feed_cities_lots(cities, snapshot, "town 100"), 0);
    CHECK_INT_EQ(feed_cities_builds(cities), 1);
    feed_cities_free(cities);
    feed_cities_free(NULL);
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

int main(void)
{
    RUN_TEST(test_unknown_cities_visit_no_lot);
    RUN_TEST(test_the_set_follows_the_lots);
    RUN_TEST(test_many_cities);
    RUN_TEST(test_v3_list_of_another_source_visits_no_lot);
    return check_exit_status();
}
