/* test-list-answer.c: list answers spliced byte for byte as jansson printed them. */
#include "check.h"
#include "list_answer.h"

#include <math.h>
#include <stdlib.h>

#define MINUTE 60000LL
static const int64_t now = 1795489670000LL;
static const int64_t opens_at = 1795489670000LL + 10 * MINUTE;

static int night_handle;

/* Lots named "Night…" open at opens_at; the rest are always open. */
static void *compile_night(const char *lot, void *data)
{
    (void)data;
    return strstr(lot, "\"name\":\"Night") != NULL ? &night_handle : NULL;
}

static bool opens_later(const void *compiled, int64_t at, int64_t *next_change, void *data)
{
    (void)compiled;
    (void)data;
    *next_change = at < opens_at ? opens_at : -1;
    return at >= opens_at;
}

static struct snapshot *city(void)
{
    struct snapshot_options options = {30 * MINUTE,
                                       {.compile = compile_night, .opening = opens_later}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record records[] = {
        {"a-hall",
         "{\"name\":\"Hall\",\"groups\":[\"g\"],\"capacity\":10,"
         "\"location\":{\"lat\":26.5705,\"lon\":106.4707}}",
         4, 3, now, NULL},
        {"b-night",
         "{\"name\":\"Night \\\"B\\\"\",\"groups\":[\"g\"],\"capacity\":5,"
         "\"location\":{\"lat\":26.5712,\"lon\":106.4711}}",
         1, 1, now, NULL},
        {"c-far",
         "{\"name\":\"Far\",\"groups\":[\"g\"],\"capacity\":8,"
         "\"location\":{\"lat\":26.60000000000001,\"lon\":106.1}}",
         -1, 1, -1, NULL},
        {"d-other",
         "{\"name\":\"Other\",\"groups\":[\"h\"],\"capacity\":99,"
         "\"location\":{\"lat\":26.5706,\"lon\":106.4708}}",
         0, 1, now, NULL},
    };
    size_t skipped;
    snapshot_load(snapshot, snapshot_begin_load(snapshot), records, 4, now, &skipped);
    return snapshot;
}

static const char *lookup(const char *name, void *data)
{
    const char *const *pairs = data;
    for (size_t i = 0; pairs[i] != NULL; i += 2) {
        if (strcmp(pairs[i], name) == 0)
            return pairs[i + 1];
    }
    return NULL;
}

/* The answer as the endpoint built it before: one jansson tree per request. */
static char *reference(const struct snapshot *snapshot, const struct lot_query *query,
                       enum list_answer_format format)
{
    struct lot_query_hit *hits = NULL;
    size_t count = 0, shown;
    json_t *list = json_array(), *document;
    char cursor[128], *text;

    lot_query_select(snapshot, query, &hits, &count);
    shown = count < (size_t)query->limit ? count : (size_t)query->limit;
    for (size_t i = 0; i < shown; i++) {
        json_t *lot = snapshot_lot_json(snapshot, hits[i].lot);
        if (query->near)
            json_object_set_new(lot, "distance_m",
                                json_integer(llround((double)hits[i].millimetres / 1000.0)));
        if (format == LIST_ANSWER_GEOJSON)
            lot = json_pack("{s:s, s:s, s:{s:s, s:[f, f]}, s:o}", "type", "Feature", "id",
                            hits[i].lot->id, "geometry", "type", "Point", "coordinates",
                            hits[i].lot->longitude, hits[i].lot->latitude, "properties", lot);
        json_array_append_new(list, lot);
    }
    if (count > shown)
        lot_query_cursor(query, hits[shown - 1].millimetres, hits[shown - 1].lot->id, cursor,
                         sizeof(cursor));
    if (format == LIST_ANSWER_GEOJSON)
        document = json_pack("{s:s, s:o, s:s?}", "type", "FeatureCollection", "features", list,
                             "next_cursor", count > shown ? cursor : NULL);
    else
        document =
            json_pack("{s:o, s:s?}", "lots", list, "next_cursor", count > shown ? cursor : NULL);
    text = json_dumps(document, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(document);
    free(hits);
    return text;
}

static void check_same_bytes(const struct snapshot *snapshot, const char *const *pairs)
{
    struct lot_query query;
    struct field_error error;

    CHECK_INT_EQ(lot_query_parse(lookup, (void *)pairs, &query, &error), 0);
    for (int format = LIST_ANSWER_LOTS; format <= LIST_ANSWER_GEOJSON; format++) {
        char *expected = reference(snapshot, &query, format), *body = NULL;
        size_t length = 0;
        CHECK_INT_EQ(list_answer_render(snapshot, &query, format, &body, &length), 0);
        CHECK_STR_EQ(body, expected);
        CHECK_INT_EQ(length, strlen(expected));
        free(body);
        free(expected);
    }
}

static void test_spliced_answers_are_byte_identical(void)
{
    struct snapshot *snapshot = city();
    const char *const all[] = {NULL};
    const char *const group[] = {"group", "g", NULL};
    const char *const paged[] = {"group", "g", "limit", "2", NULL};
    const char *const resumed[] = {"group", "g", "limit", "2", "cursor", "b-night.a41fa222", NULL};
    const char *const near[] = {"near", "26.5705,106.4707", "radius", "500", NULL};
    const char *const near_paged[] = {"near", "26.5705,106.4707", "limit", "1", NULL};
    const char *const box[] = {"bbox", "106.0,26.0,107.0,27.0", "open", "true", NULL};
    const char *const none[] = {"city", "nowhere", NULL};

    check_same_bytes(snapshot, all);
    check_same_bytes(snapshot, group);
    check_same_bytes(snapshot, paged);
    check_same_bytes(snapshot, resumed);
    check_same_bytes(snapshot, near);
    check_same_bytes(snapshot, near_paged);
    check_same_bytes(snapshot, box);
    check_same_bytes(snapshot, none);
    /* Redis away: every lot says "stale": true, the lists too. */
    snapshot_set_stale(snapshot, true, now);
    check_same_bytes(snapshot, group);
    check_same_bytes(snapshot, near);
    snapshot_free(snapshot);
}

/* Fetch the answer to pairs through the cache; a copy of its body. */
static char *get(struct snapshot *snapshot, const char *const *pairs, const char **etag_out,
                 const struct list_cache_answer **pointer)
{
    const struct list_cache_answer *answer = NULL;
    struct list_cache_answer uncached;
    struct lot_query query;
    struct field_error error;
    char *copy;

    lot_query_parse(lookup, (void *)pairs, &query, &error);
    CHECK_INT_EQ(list_answer_get(snapshot, NULL, &query, LIST_ANSWER_LOTS, &answer, &uncached), 0);
    copy = strndup(answer->body, answer->length);
    if (etag_out != NULL)
        *etag_out = answer->etag;
    if (pointer != NULL)
        *pointer = answer;
    free(uncached.body);
    return copy;
}

static int apply(struct snapshot *snapshot, const char *message)
{
    return snapshot_apply(snapshot, message, strlen(message), now, NULL);
}

static void test_cached_answers_follow_every_change(void)
{
    struct snapshot *snapshot = city();
    const char *const group[] = {"group", "g", NULL};
    const char *const open[] = {"group", "g", "open", "true", NULL};
    const struct list_cache_answer *first, *again;
    char *before = get(snapshot, group, NULL, &first);
    char *same = get(snapshot, group, NULL, &again);
    char *after, *open_before, *open_after;

    CHECK(first == again); /* the second read is the kept answer */
    CHECK_STR_EQ(same, before);
    CHECK_INT_EQ(apply(snapshot, "{\"type\":\"occupancy\",\"id\":\"a-hall\",\"occupied\":9,"
                                 "\"version\":4,\"updated_at\":1795489670001}"),
                 0);
    after = get(snapshot, group, NULL, NULL);
    CHECK(strcmp(after, before) != 0);
    CHECK(strstr(after, "\"occupied\":9") != NULL);
    /* The clock opens b-night: no write, the open=true list changes. */
    open_before = get(snapshot, open, NULL, NULL);
    CHECK(strstr(open_before, "b-night") == NULL);
    CHECK_INT_EQ(snapshot_refresh(snapshot, opens_at, false), 1);
    open_after = get(snapshot, open, NULL, NULL);
    CHECK(strstr(open_after, "b-night") != NULL);
    free(before);
    free(same);
    free(after);
    free(open_before);
    free(open_after);
    snapshot_free(snapshot);
}

static void test_revision_moves_with_every_change(void)
{
    struct snapshot *snapshot = city();
    uint64_t loaded = snapshot_revision(snapshot);

    CHECK(loaded > 0);
    CHECK_INT_EQ(snapshot_refresh(snapshot, now, false), 0);
    CHECK(snapshot_revision(snapshot) == loaded); /* nothing changed: answers stay good */
    snapshot_set_stale(snapshot, true, now);
    CHECK(snapshot_revision(snapshot) == loaded + 1);
    snapshot_set_stale(snapshot, true, now);
    CHECK(snapshot_revision(snapshot) == loaded + 1);
    CHECK_INT_EQ(apply(snapshot, "{\"type\":\"delete\",\"id\":\"c-far\",\"version\":2}"), 0);
    CHECK(snapshot_revision(snapshot) == loaded + 2);
    snapshot_free(snapshot);
}

int main(void)
{
    RUN_TEST(test_spliced_answers_are_byte_identical);
    RUN_TEST(test_cached_answers_follow_every_change);
    RUN_TEST(test_revision_moves_with_every_change);
    return check_exit_status();
}
