/* test-feed-parkapi.c: ParkAPI v3 parking sites and the ParkAPI v1 city, field by field, and the
 * feeds' cache. */
#include "check.h"
#include "feed.h"
#include "feed_fixture.h"
#include "feed_parkapi.h"
#include "feed_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_numbers_and_times(void)
{
    char text[21];

    /* The first 48 bits of SHA-256("a-open"), as tests/integration computes them too. */
    CHECK(feed_parkapi_number("a-open") == 157281643042643LL);
    CHECK(feed_parkapi_number("g") == 225445677457735LL);
    feed_format_time(feed_now + 999, text);
    CHECK_STR_EQ(text, "2026-11-24T03:07:50Z");
}

static void test_v3_site_of_an_open_lot(struct snapshot *snapshot)
{
    char *text =
        feed_text(feed_parkapi_v3_site(snapshot, snapshot_find(snapshot, "a-open"), feed_now));

    CHECK_STR_EQ(
        text,
        "{\"id\":157281643042643,\"source_id\":1,\"original_uid\":\"a-open\",\"purpose\":\"CAR\","
        "\"name\":\"Hall\",\"operator_name\":\"City\",\"address\":\"1 Road\",\"description\":"
        "\"Gate B\",\"type\":\"OTHER\",\"lat\":26.5,\"lon\":106.25,\"capacity\":10,"
        "\"has_fee\":true,\"fee_description\":\"5 yuan\",\"opening_hours\":\"24/7\","
        "\"static_data_updated_at\":\"2026-11-24T03:06:50Z\",\"created_at\":"
        "\"2026-11-24T03:06:50Z\",\"modified_at\":\"2026-11-24T03:06:50Z\","
        "\"has_realtime_data\":true,\"realtime_data_updated_at\":\"2026-11-24T03:06:50Z\","
        "\"realtime_free_capacity\":6,\"realtime_opening_status\":\"OPEN\",\"group\":{\"id\":"
        "225445677457735,\"original_uid\":\"g\",\"created_at\":\"2026-11-24T03:06:50Z\","
        "\"modified_at\":\"2026-11-24T03:06:50Z\"},\"parkshare_kind\":\"government\","
        "\"parkshare_city\":\"qz\",\"parkshare_district\":\"west\",\"parkshare_groups\":[\"g\","
        "\"h\"],\"parkshare_state\":\"open\"}");
    free(text);
}

static void test_v3_full_closed_and_never_counted(struct snapshot *snapshot)
{
    json_t *full = feed_parkapi_v3_site(snapshot, snapshot_find(snapshot, "b-full"), feed_now);
    json_t *shut = feed_parkapi_v3_site(snapshot, snapshot_find(snapshot, "c-shut"), feed_now);
    json_t *none = feed_parkapi_v3_site(snapshot, snapshot_find(snapshot, "d-none"), feed_now);

    CHECK_INT_EQ(json_integer_value(json_object_get(full, "realtime_free_capacity")), 0);
    CHECK_STR_EQ(json_string_value(json_object_get(full, "parkshare_state")), "full");
    CHECK(json_object_get(full, "group") == NULL); /* no group, none given */
    CHECK(json_object_get(full, "has_fee") == NULL);
    CHECK_STR_EQ(json_string_value(json_object_get(shut, "realtime_opening_status")), "CLOSED");
    CHECK_INT_EQ(json_integer_value(json_object_get(shut, "realtime_free_capacity")), 6);
    CHECK(json_is_false(json_object_get(shut, "has_fee")));
    CHECK_STR_EQ(json_string_value(json_object_get(shut, "parkshare_next_change")),
                 "2026-11-24T03:17:50Z");
    /* No count: no realtime field at all, and the build's time stands in for the static one. */
    CHECK(json_is_false(json_object_get(none, "has_realtime_data")));
    CHECK(json_object_get(none, "realtime_free_capacity") == NULL);
    CHECK(json_object_get(none, "realtime_data_updated_at") == NULL);
    CHECK(json_object_get(none, "realtime_opening_status") == NULL);
    CHECK_STR_EQ(json_string_value(json_object_get(none, "static_data_updated_at")),
                 "2026-11-24T03:07:50Z");
    CHECK_STR_EQ(json_string_value(json_object_get(none, "parkshare_state")), "unknown");
    json_decref(full);
    json_decref(shut);
    json_decref(none);
}

static void test_v3_find_by_id_or_number(struct snapshot *snapshot)
{
    struct feed_numbers *numbers = feed_numbers_new();

    CHECK_STR_EQ(feed_parkapi_v3_find(snapshot, numbers, "c-shut", feed_now)->id, "c-shut");
    CHECK_STR_EQ(feed_parkapi_v3_find(snapshot, numbers, "157281643042643", feed_now)->id,
                 "a-open");
    CHECK(feed_parkapi_v3_find(snapshot, numbers, "157281643042644", feed_now) == NULL);
    CHECK(feed_parkapi_v3_find(snapshot, numbers, "99999999999999999999999", feed_now) == NULL);
    /* 2^48: over 48 bits */
    CHECK(feed_parkapi_v3_find(snapshot, numbers, "281474976710656", feed_now) == NULL);
    CHECK(feed_parkapi_v3_find(snapshot, numbers, "0157281643042643", feed_now) == NULL);
    CHECK(feed_parkapi_v3_find(snapshot, numbers, "nothing", feed_now) == NULL);
    /* Without an index, numbers are not looked up at all. */
    CHECK(feed_parkapi_v3_find(snapshot, NULL, "157281643042643", feed_now) == NULL);
    feed_numbers_free(numbers);
    feed_numbers_free(NULL);
}

/* The index follows the snapshot, rebuilt at most once a second whatever is asked. */
static void test_numbers_follow_the_snapshot_once_a_second(void)
{
    struct snapshot *snapshot = feed_city();
    struct feed_numbers *numbers = feed_numbers_new();
    char number[32];
    char message[512];

    snprintf(number, sizeof(number), "%lld", (long long)feed_parkapi_number("e-new"));
    CHECK(feed_parkapi_v3_find(snapshot, numbers, number, feed_now) == NULL);
    snprintf(message, sizeof(message),
             "{\"type\":\"lot\",\"id\":\"e-new\",\"version\":1,\"occupied\":null,"
             "\"updated_at\":null,\"lot\":{\"name\":\"New\",\"kind\":\"public\","
             "\"city\":\"qz\",\"groups\":[],\"location\":{\"lat\":26.1,\"lon\":106.1},"
             "\"capacity\":3}}");
    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), feed_now, NULL), 0);
    /* Within the second after the last build, the new lot is found by its id only. */
    CHECK(feed_parkapi_v3_find(snapshot, numbers, number, feed_now + 999) == NULL);
    CHECK_STR_EQ(feed_parkapi_v3_find(snapshot, numbers, "e-new", feed_now + 999)->id, "e-new");
    CHECK_STR_EQ(feed_parkapi_v3_find(snapshot, numbers, number, feed_now + 1000)->id, "e-new");
    /* A lot deleted since the build is gone at once: the hit is checked by its id. */
    strcpy(message, "{\"type\":\"delete\",\"id\":\"e-new\",\"version\":2}");
    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), feed_now + 1000, NULL), 0);
    CHECK(feed_parkapi_v3_find(snapshot, numbers, number, feed_now + 1001) == NULL);
    feed_numbers_free(numbers);
    snapshot_free(snapshot);
}

/* The original_uid of item index of a v3 list, or "". */
static const char *listed_uid(const json_t *list, size_t index)
{
    const char *uid = json_string_value(
        json_object_get(json_array_get(json_object_get(list, "items"), index), "original_uid"));
    return uid ? uid : "";
}

static void test_v3_list(struct snapshot *snapshot)
{
    struct feed_query everything = {.ignore_duplicates = true};
    bool complete = false;
    json_t *list =
        feed_parkapi_v3_list(snapshot, NULL, &everything, "/v3/parking-sites", feed_now, &complete);

    CHECK(complete);
    CHECK_INT_EQ(json_integer_value(json_object_get(list, "total_count")), 4);
    CHECK_INT_EQ(json_array_size(json_object_get(list, "items")), 4);
    /* ParkAPI's order: by site number (d-none's is the smallest, c-shut's the largest). */
    CHECK_STR_EQ(listed_uid(list, 0), "d-none");
    CHECK_STR_EQ(listed_uid(list, 1), "a-open");
    CHECK_STR_EQ(listed_uid(list, 2), "b-full");
    CHECK_STR_EQ(listed_uid(list, 3), "c-shut");
    CHECK(json_object_get(list, "next_id") == NULL);
    json_decref(list);
}

/* Two pages of two: the first says where the second starts, the second says nothing more. */
static void test_v3_list_pages(struct snapshot *snapshot)
{
    struct feed_query query = {.given = true, .ignore_duplicates = true, .limit = 2};
    struct feed_numbers *numbers = feed_numbers_new();
    bool complete = false;
    json_t *first =
        feed_parkapi_v3_list(snapshot, numbers, &query, "/v3/parking-sites", feed_now, &complete);
    char expected[128];
    json_t *second;

    CHECK(complete);
    CHECK_INT_EQ(json_integer_value(json_object_get(first, "total_count")), 4);
    CHECK_INT_EQ(json_array_size(json_object_get(first, "items")), 2);
    CHECK_STR_EQ(listed_uid(first, 1), "a-open");
    CHECK_INT_EQ(json_integer_value(json_object_get(first, "next_id")),
                 feed_parkapi_number("b-full"));
    snprintf(expected, sizeof(expected), "/v3/parking-sites?limit=2&start=%lld",
             (long long)feed_parkapi_number("b-full"));
    CHECK_STR_EQ(json_string_value(json_object_get(first, "next_path")), expected);
    query.start = json_integer_value(json_object_get(first, "next_id"));
    second =
        feed_parkapi_v3_list(snapshot, numbers, &query, "/v3/parking-sites", feed_now, &complete);
    CHECK_INT_EQ(json_integer_value(json_object_get(second, "total_count")), 4);
    CHECK_INT_EQ(json_array_size(json_object_get(second, "items")), 2);
    CHECK_STR_EQ(listed_uid(second, 0), "b-full");
    CHECK_STR_EQ(listed_uid(second, 1), "c-shut");
    CHECK(json_object_get(second, "next_id") == NULL);
    json_decref(first);
    json_decref(second);
    feed_numbers_free(numbers);
}

/* name (without ASCII case), a circle, and a purpose no lot has. */
static void test_v3_list_filters(struct snapshot *snapshot)
{
    struct feed_query by_name = {.given = true, .ignore_duplicates = true, .name = "hAL"};
    struct feed_query by_circle = {.given = true,
                                   .ignore_duplicates = true,
                                   .has_circle = true,
                                   .lat = 26.5,
                                   .lon = 106.25,
                                   .radius_m = 1000};
    struct feed_query bikes = {.given = true, .ignore_duplicates = true, .purpose_excluded = true};
    bool complete;
    json_t *named = feed_parkapi_v3_list(snapshot, NULL, &by_name, "/p", feed_now, &complete);
    json_t *near = feed_parkapi_v3_list(snapshot, NULL, &by_circle, "/p", feed_now, &complete);
    json_t *none = feed_parkapi_v3_list(snapshot, NULL, &bikes, "/p", feed_now, &complete);

    CHECK_INT_EQ(json_integer_value(json_object_get(named, "total_count")), 1);
    CHECK_STR_EQ(listed_uid(named, 0), "a-open");
    CHECK_INT_EQ(json_integer_value(json_object_get(near, "total_count")), 1);
    CHECK_STR_EQ(listed_uid(near, 0), "a-open");
    CHECK_INT_EQ(json_integer_value(json_object_get(none, "total_count")), 0);
    CHECK_INT_EQ(json_array_size(json_object_get(none, "items")), 0);
    json_decref(named);
    json_decref(near);
    json_decref(none);
}

static void test_v1_city(struct snapshot *snapshot)
{
    bool found = false;
    char *text = feed_text(feed_parkapi_v1_city(snapshot, "qz", feed_now + 5000, &found));

    CHECK(found);
    CHECK_STR_EQ(
        text,
        "{\"last_updated\":\"2026-11-24T03:07:50Z\",\"last_downloaded\":\"2026-11-24T03:07:55Z\","
        "\"data_source\":\"parkshare\",\"lots\":["
        "{\"id\":\"a-open\",\"name\":\"Hall\",\"coords\":{\"lat\":26.5,\"lng\":106.25},"
        "\"total\":10,\"free\":6,\"state\":\"open\",\"lot_type\":\"government\",\"region\":"
        "\"west\",\"address\":\"1 Road\",\"opening_hours\":\"24/7\",\"forecast\":false},"
        "{\"id\":\"b-full\",\"name\":\"Full\",\"coords\":{\"lat\":26.25,\"lng\":106.5},"
        "\"total\":5,\"free\":0,\"state\":\"open\",\"lot_type\":\"public\",\"region\":null,"
        "\"address\":null,\"opening_hours\":\"24/7\",\"forecast\":false},"
        "{\"id\":\"c-shut\",\"name\":\"Shut\",\"coords\":{\"lat\":26.0,\"lng\":106.0},"
        "\"total\":8,\"free\":6,\"state\":\"closed\",\"lot_type\":\"reclaimed\",\"region\":null,"
        "\"address\":null,\"opening_hours\":\"24/7\",\"forecast\":false}]}");
    free(text);
    text = feed_text(feed_parkapi_v1_city(snapshot, "other", feed_now, &found));
    CHECK(found);
    /* Never counted: "nodata", no free, and last_updated is the document's own time. */
    CHECK_STR_EQ(text, "{\"last_updated\":\"2026-11-24T03:07:50Z\",\"last_downloaded\":"
                       "\"2026-11-24T03:07:50Z\",\"data_source\":\"parkshare\",\"lots\":["
                       "{\"id\":\"d-none\",\"name\":\"None\",\"coords\":{\"lat\":26.75,\"lng\":"
                       "106.75},\"total\":7,\"state\":\"nodata\",\"lot_type\":\"public\","
                       "\"region\":null,\"address\":null,\"opening_hours\":\"24/7\","
                       "\"forecast\":false}]}");
    free(text);
    CHECK(feed_parkapi_v1_city(snapshot, "atlantis", feed_now, &found) == NULL);
    CHECK(!found);
}

static void test_answers_are_kept_until_a_change(void)
{
    struct snapshot *snapshot = feed_city();
    const struct list_cache_answer *first = NULL, *again = NULL;
    struct list_cache_answer uncached;
    const char *count = "{\"type\":\"occupancy\",\"id\":\"a-open\",\"occupied\":9,"
                        "\"version\":4,\"updated_at\":1795489670000}";
    char etag[24];
    char *before;

    CHECK_INT_EQ(
        feed_get(snapshot, NULL, FEED_PARKAPI_V1_CITY, "qz", NULL, feed_now, &first, &uncached), 0);
    CHECK(first != &uncached);
    before = strdup(first->body);
    strcpy(etag, first->etag);
    /* Kept: a later read at the same revision is the same bytes, not rebuilt at its own time. */
    CHECK_INT_EQ(feed_get(snapshot, NULL, FEED_PARKAPI_V1_CITY, "qz", NULL, feed_now + 60000,
                          &again, &uncached),
                 0);
    CHECK(again == first);
    CHECK_INT_EQ(feed_get(snapshot, NULL, FEED_PARKAPI_V3_SITE, "nowhere", NULL, feed_now, &again,
                          &uncached),
                 FEED_ERROR_NOT_FOUND);
    CHECK_INT_EQ(feed_get(snapshot, NULL, FEED_PARKAPI_V1_CITY, "atlantis", NULL, feed_now, &again,
                          &uncached),
                 FEED_ERROR_NOT_FOUND);
    CHECK_INT_EQ(snapshot_apply(snapshot, count, strlen(count), feed_now, NULL), 0);
    CHECK_INT_EQ(
        feed_get(snapshot, NULL, FEED_PARKAPI_V1_CITY, "qz", NULL, feed_now, &again, &uncached), 0);
    CHECK(strcmp(again->etag, etag) != 0);
    CHECK(strstr(again->body, "\"total\":10,\"free\":1,") != NULL);
    CHECK(strstr(before, "\"total\":10,\"free\":6,") != NULL);
    free(before);
    snapshot_free(snapshot);
}

static const char *no_parameters(const char *name, void *data)
{
    (void)name;
    (void)data;
    return NULL;
}

static const char *limit_1000(const char *name, void *data)
{
    (void)data;
    return strcmp(name, "limit") == 0 ? "1000" : NULL;
}

/*
 * A list without limit is never every site at once: 1,001 lots answer 1,000
 * sites and where the rest start, as a ParkAPI page; the page is kept, and
 * "limit=1000" is the same kept answer.
 */
static void test_v3_list_without_limit_is_one_page(void)
{
    struct snapshot_options options = {30 * FEED_MINUTE, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record *records = calloc(1001, sizeof(*records));
    char(*ids)[16] = calloc(1001, sizeof(*ids));
    const char *json = "{\"name\":\"Lot\",\"kind\":\"public\",\"city\":\"qz\",\"groups\":[],"
                       "\"location\":{\"lat\":26.5,\"lon\":106.25},\"capacity\":5}";
    struct feed_numbers *numbers = feed_numbers_new();
    struct feed_query query, explicit;
    struct field_error error;
    const struct list_cache_answer *unlimited = NULL, *limited = NULL;
    struct list_cache_answer uncached;
    json_t *first, *rest;
    size_t skipped;
    bool complete = false;

    for (int i = 0; i < 1001; i++) {
        snprintf(ids[i], sizeof(ids[i]), "lot-%04d", i);
        records[i] = (struct snapshot_record){ids[i], json, -1, 1, -1, NULL};
    }
    snapshot_load(snapshot, snapshot_begin_load(snapshot), records, 1001, feed_now, &skipped);
    CHECK_INT_EQ(feed_query_parse(no_parameters, NULL, &query, &error), 0);
    first =
        feed_parkapi_v3_list(snapshot, numbers, &query, "/v3/parking-sites", feed_now, &complete);
    CHECK(complete);
    CHECK_INT_EQ(json_integer_value(json_object_get(first, "total_count")), 1001);
    CHECK_INT_EQ(json_array_size(json_object_get(first, "items")), 1000);
    query.start = json_integer_value(json_object_get(first, "next_id"));
    CHECK(query.start > 0);
    char expected[128];
    snprintf(expected, sizeof(expected), "/v3/parking-sites?limit=1000&start=%lld",
             (long long)query.start);
    CHECK_STR_EQ(json_string_value(json_object_get(first, "next_path")), expected);
    rest =
        feed_parkapi_v3_list(snapshot, numbers, &query, "/v3/parking-sites", feed_now, &complete);
    CHECK_INT_EQ(json_array_size(json_object_get(rest, "items")), 1);
    CHECK(json_object_get(rest, "next_id") == NULL);
    query.start = 0;
    CHECK_INT_EQ(feed_get(snapshot, numbers, FEED_PARKAPI_V3_LIST, NULL, &query, feed_now,
                          &unlimited, &uncached),
                 0);
    CHECK(unlimited != &uncached); /* kept: the next request costs nothing */
    CHECK_INT_EQ(feed_query_parse(limit_1000, NULL, &explicit, &error), 0);
    CHECK_INT_EQ(feed_get(snapshot, numbers, FEED_PARKAPI_V3_LIST, NULL, &explicit, feed_now,
                          &limited, &uncached),
                 0);
    CHECK(limited == unlimited);
    json_decref(first);
    json_decref(rest);
    feed_numbers_free(numbers);
    free(records);
    free(ids);
    snapshot_free(snapshot);
}

int main(void)
{
    struct snapshot *snapshot = feed_city();

    RUN_TEST(test_numbers_and_times);
    RUN_TEST_WITH(test_v3_site_of_an_open_lot, snapshot);
    RUN_TEST_WITH(test_v3_full_closed_and_never_counted, snapshot);
    RUN_TEST_WITH(test_v3_find_by_id_or_number, snapshot);
    RUN_TEST(test_numbers_follow_the_snapshot_once_a_second);
    RUN_TEST_WITH(test_v3_list_pages, snapshot);
    RUN_TEST(test_v3_list_without_limit_is_one_page);
    RUN_TEST_WITH(test_v3_list_filters, snapshot);
    RUN_TEST_WITH(test_v3_list, snapshot);
    RUN_TEST_WITH(test_v1_city, snapshot);
    RUN_TEST(test_answers_are_kept_until_a_change);
    snapshot_free(snapshot);
    return check_exit_status();
}
