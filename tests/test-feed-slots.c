/* test-feed-slots.c: whole-city feed documents kept one to a slot and rebuilt at a bounded rate. */
#include "check.h"
#include "feed.h"
#include "feed_datex.h"
#include "feed_fixture.h"
#include "feed_slots.h"
#include "list_cache.h"

#include <stdlib.h>
#include <string.h>

/* A clock the test moves by hand, and how much each read of it advances (a build's cost). */
struct fake_clock {
    int64_t now_ms;
    int64_t step_ms;
};

static int64_t read_clock(void *data)
{
    struct fake_clock *clock = data;
    int64_t now = clock->now_ms;

    clock->now_ms += clock->step_ms;
    return now;
}

static void test_policy(void)
{
    /* The same revision: never rebuilt, however long ago. */
    CHECK(!feed_slots_rebuild_due(7, 7, 1000000, 0, 0));
    CHECK(!feed_slots_rebuild_due(7, 7, 1000000, 0, 500));
    /* A build under FEED_SLOTS_AT_ONCE_MS: a new revision is rebuilt at once. */
    CHECK_INT_EQ(FEED_SLOTS_AT_ONCE_MS, 10);
    CHECK(feed_slots_rebuild_due(8, 7, 100, 100, 0));
    CHECK(feed_slots_rebuild_due(8, 7, 100, 100, 9));
    /* A 10 ms build: not before 10 × 10 ms after it ended. */
    CHECK(!feed_slots_rebuild_due(8, 7, 199, 100, 10));
    CHECK(feed_slots_rebuild_due(8, 7, 200, 100, 10));
    /* A 100 ms build: not before 10 × 100 ms after it ended, then yes. */
    CHECK(!feed_slots_rebuild_due(8, 7, 1000, 1000, 100));
    CHECK(!feed_slots_rebuild_due(8, 7, 1999, 1000, 100));
    CHECK(feed_slots_rebuild_due(8, 7, 2000, 1000, 100));
    CHECK(feed_slots_rebuild_due(8, 7, 5000, 1000, 100));
    CHECK_INT_EQ(FEED_SLOTS_REBUILD_FACTOR, 10);
}

static const char *count_message(char *out, size_t size, int occupied, int version)
{
    snprintf(out, size,
             "{\"type\":\"occupancy\",\"id\":\"a-open\",\"occupied\":%d,\"version\":%d,"
             "\"updated_at\":1795489670000}",
             occupied, version);
    return out;
}

static void test_rebuilt_after_a_change_at_the_bounded_rate(void)
{
    struct fake_clock clock = {.now_ms = 5000, .step_ms = 0};
    struct feed_slots *slots = feed_slots_new(read_clock, &clock);
    struct snapshot *snapshot = feed_city();
    struct rendered_answer *first = NULL, *again = NULL;
    char message[256];
    char etag[24];

    /* The first build takes 30 ms by the fake clock (start and end read it). */
    clock.step_ms = 30;
    CHECK_INT_EQ(feed_get_document(slots, NULL, snapshot, NULL, FEED_PARKAPI_V1_CITY, "qz",
                                   feed_now, &first),
                 0);
    clock.step_ms = 0;
    CHECK_INT_EQ(feed_slots_builds(slots), 1);
    CHECK(strstr(first->body, "\"free\":6") != NULL);
    strcpy(etag, first->etag);
    /* Unchanged: the same document, not built again. */
    CHECK_INT_EQ(feed_get_document(slots, NULL, snapshot, NULL, FEED_PARKAPI_V1_CITY, "qz",
                                   feed_now, &again),
                 0);
    CHECK(again == first);
    CHECK_INT_EQ(feed_slots_builds(slots), 1);
    rendered_answer_drop(again);
    /* A change 100 ms after the build (it ended at 5030): the old one until 5030 + 300. */
    count_message(message, sizeof(message), 9, 4);
    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), feed_now, NULL), 0);
    clock.now_ms = 5329;
    CHECK_INT_EQ(feed_get_document(slots, NULL, snapshot, NULL, FEED_PARKAPI_V1_CITY, "qz",
                                   feed_now, &again),
                 0);
    CHECK(again == first);
    CHECK_INT_EQ(feed_slots_builds(slots), 1);
    rendered_answer_drop(again);
    clock.now_ms = 5330;
    CHECK_INT_EQ(feed_get_document(slots, NULL, snapshot, NULL, FEED_PARKAPI_V1_CITY, "qz",
                                   feed_now, &again),
                 0);
    CHECK(again != first);
    CHECK_INT_EQ(feed_slots_builds(slots), 2);
    CHECK(strstr(again->body, "\"free\":1") != NULL);
    CHECK(strcmp(again->etag, etag) != 0);
    /* The reader of the old document still holds it. */
    CHECK_STR_EQ(first->etag, etag);
    rendered_answer_drop(first);
    rendered_answer_drop(again);
    snapshot_free(snapshot);
    feed_slots_free(slots);
}

static void test_a_quick_build_shows_a_change_at_once(void)
{
    struct fake_clock clock = {.now_ms = 5000, .step_ms = 9};
    struct feed_slots *slots = feed_slots_new(read_clock, &clock);
    struct snapshot *snapshot = feed_city();
    struct rendered_answer *first = NULL, *again = NULL;
    char message[256];

    /* A 9 ms build, then a change at the same instant: rebuilt by the next request. */
    CHECK_INT_EQ(
        feed_get_document(slots, NULL, snapshot, NULL, FEED_DATEX_LIGHT, "en", feed_now, &first),
        0);
    clock.step_ms = 0;
    count_message(message, sizeof(message), 9, 4);
    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), feed_now, NULL), 0);
    CHECK_INT_EQ(
        feed_get_document(slots, NULL, snapshot, NULL, FEED_DATEX_LIGHT, "en", feed_now, &again),
        0);
    CHECK(again != first);
    CHECK_INT_EQ(feed_slots_builds(slots), 2);
    CHECK(strcmp(again->etag, first->etag) != 0);
    rendered_answer_drop(first);
    rendered_answer_drop(again);
    snapshot_free(snapshot);
    feed_slots_free(slots);
}

static void test_unknown_cities_take_no_slot(void)
{
    struct feed_slots *slots = feed_slots_new(NULL, NULL);
    struct snapshot *snapshot = feed_city();
    struct rendered_answer *answer = NULL;
    char *publication;
    char city[32];

    for (int index = 0; index < 3 * FEED_SLOTS_MAX; index++) {
        snprintf(city, sizeof(city), "atlantis-%d", index);
        CHECK_INT_EQ(feed_get_document(slots, NULL, snapshot, NULL, FEED_PARKAPI_V1_CITY, city,
                                       feed_now, &answer),
                     FEED_ERROR_NOT_FOUND);
        CHECK(answer == NULL);
    }
    CHECK_INT_EQ(
        feed_get_document(slots, NULL, snapshot, NULL, FEED_DATEX_LIGHT, "fr", feed_now, &answer),
        FEED_ERROR_NOT_FOUND);
    CHECK_INT_EQ(feed_slots_count(slots), 0);
    CHECK_INT_EQ(feed_slots_builds(slots), 0);
    /* The three known documents take three slots: zh, en and the city. */
    CHECK_INT_EQ(
        feed_get_document(slots, NULL, snapshot, NULL, FEED_DATEX_LIGHT, NULL, feed_now, &answer),
        0);
    /* The kept bytes are the publication itself, with its own ETag. */
    publication = feed_text(feed_datex_publication(snapshot, FEED_DATEX_CHINESE, feed_now));
    CHECK_STR_EQ(answer->body, publication);
    CHECK_INT_EQ(answer->body_length, strlen(publication));
    free(publication);
    rendered_answer_drop(answer);
    CHECK_INT_EQ(
        feed_get_document(slots, NULL, snapshot, NULL, FEED_DATEX_LIGHT, "en", feed_now, &answer),
        0);
    rendered_answer_drop(answer);
    CHECK_INT_EQ(feed_get_document(slots, NULL, snapshot, NULL, FEED_PARKAPI_V1_CITY, "other",
                                   feed_now, &answer),
                 0);
    rendered_answer_drop(answer);
    CHECK_INT_EQ(feed_slots_count(slots), 3);
    snapshot_free(snapshot);
    feed_slots_free(slots);
}

/* One city of count lots, each with a long note, so that its documents are megabytes. */
static struct snapshot *large_city(size_t count)
{
    struct snapshot_options options = {30 * FEED_MINUTE, {.compile = NULL, .opening = NULL}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record *records = calloc(count, sizeof(*records));
    char(*ids)[16] = calloc(count, sizeof(*ids));
    char(*texts)[700] = calloc(count, sizeof(*texts));
    char note[501];
    size_t skipped;

    memset(note, 'n', sizeof(note) - 1);
    note[sizeof(note) - 1] = '\0';
    for (size_t index = 0; index < count; index++) {
        snprintf(ids[index], sizeof(ids[index]), "lot-%05zu", index);
        snprintf(texts[index], sizeof(texts[index]),
                 "{\"name\":\"Lot %zu\",\"kind\":\"public\",\"city\":\"big\",\"groups\":[],"
                 "\"location\":{\"lat\":26.5,\"lon\":106.5},\"capacity\":100,\"notes\":\"%s\"}",
                 index, note);
        records[index] =
            (struct snapshot_record){ids[index], texts[index], 10, 1, feed_now, NULL, NULL};
    }
    snapshot_load(snapshot, snapshot_begin_load(snapshot), records, count, feed_now, &skipped);
    free(records);
    free(ids);
    free(texts);
    return snapshot;
}

static void test_a_document_over_the_list_cache_quarter_is_kept(void)
{
    struct feed_slots *slots = feed_slots_new(NULL, NULL);
    struct snapshot *snapshot = large_city(5000);
    struct rendered_answer *first = NULL, *again = NULL;

    CHECK_INT_EQ(snapshot_count(snapshot), 5000);
    CHECK_INT_EQ(
        feed_get_document(slots, NULL, snapshot, NULL, FEED_DATEX_LIGHT, NULL, feed_now, &first),
        0);
    /* Larger than any answer the list cache would keep. */
    CHECK(first->body_length > LIST_CACHE_DEFAULT_BYTES / 4);
    for (int index = 0; index < 5; index++) {
        CHECK_INT_EQ(feed_get_document(slots, NULL, snapshot, NULL, FEED_DATEX_LIGHT, NULL,
                                       feed_now + index, &again),
                     0);
        CHECK(again == first);
        rendered_answer_drop(again);
    }
    CHECK_INT_EQ(feed_slots_builds(slots), 1);
    /* The gzip copy is made once and kept with the document. */
    CHECK(!rendered_answer_has_gzip(first));
    CHECK(rendered_answer_gzip(first) != NULL);
    CHECK(rendered_answer_gzip(first) == rendered_answer_gzip(first));
    CHECK(rendered_answer_gzip(first)->length < first->body_length / 4);
    rendered_answer_drop(first);
    snapshot_free(snapshot);
    feed_slots_free(slots);
}

int main(void)
{
    RUN_TEST(test_policy);
    RUN_TEST(test_rebuilt_after_a_change_at_the_bounded_rate);
    RUN_TEST(test_a_quick_build_shows_a_change_at_once);
    RUN_TEST(test_unknown_cities_take_no_slot);
    RUN_TEST(test_a_document_over_the_list_cache_quarter_is_kept);
    return check_exit_status();
}
