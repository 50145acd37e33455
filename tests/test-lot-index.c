/* test-lot-index.c: lists from the lot index and a view, byte for byte the snapshot's own. */
#include "check.h"
#include "list_answer.h"
#include "lot_index.h"
#include "lot_view.h"

#include <stdio.h>
#include <stdlib.h>

#define MINUTE 60000LL
#define LOTS   600
static const int64_t now = 1795489670000LL;

static int closed_handle;

/* Lots named "Shut…" are closed all day; the rest are always open. */
static void *compile_shut(const char *lot, void *data)
{
    (void)data;
    return strstr(lot, "\"name\":\"Shut") != NULL ? &closed_handle : NULL;
}

static bool never_open(const void *compiled, int64_t at, int64_t *next_change, void *data)
{
    (void)compiled;
    (void)at;
    (void)data;
    *next_change = -1;
    return false;
}

/* A small generator of its own: the same lots and queries on every run. */
static uint64_t draw_state = 88172645463325252ULL;

static uint64_t draw(uint64_t below)
{
    draw_state ^= draw_state << 13;
    draw_state ^= draw_state >> 7;
    draw_state ^= draw_state << 17;
    return draw_state % below;
}

static const char *const cities[] = {"guiyang", "zunyi", "anshun"};
/* Asked for, never a lot's: a city and groups no lot has (a part of one, two at once). */
static const char *const asked_cities[] = {"guiyang", "zunyi", "anshun", "nowhere"};
static const char *const asked_groups[] = {"centre", "east", "centre-east", "cent",
                                           "centre,east", "west"};
static const char *const kinds[] = {"government", "public", "reclaimed"};
static const char *const groups[] = {"[]", "[\"centre\"]", "[\"centre\",\"east\"]", "[\"east\"]",
                                     "[\"centre-east\"]"};

/* One random lot's static JSON: a city, a kind, groups, a place, maybe charging spaces. */
static char *random_lot(size_t number)
{
    char *text = malloc(512);
    double lat = 26.55 + (double)draw(10000) / 100000.0;
    double lon = 106.60 + (double)draw(10000) / 100000.0;
    bool charging = draw(3) == 0;

    snprintf(text, 512,
             "{\"name\":\"%s %zu\",\"city\":\"%s\",\"kind\":\"%s\",\"groups\":%s,"
             "\"capacity\":%d,\"location\":{\"lat\":%.6f,\"lon\":%.6f}%s}",
             draw(6) == 0 ? "Shut" : "Lot", number, cities[draw(3)], kinds[draw(3)],
             groups[draw(5)], 6 + (int)draw(20), lat, lon,
             charging ? ",\"spaces\":{\"charging\":{\"capacity\":4}}" : "");
    return text;
}

static struct snapshot *random_city(void)
{
    struct snapshot_options options = {30 * MINUTE,
                                       {.compile = compile_shut, .opening = never_open}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record records[LOTS];
    char ids[LOTS][16];
    size_t skipped;

    for (size_t i = 0; i < LOTS; i++) {
        snprintf(ids[i], sizeof(ids[i]), "lot-%04zu", (i * 7919) % 10000);
        /* Counts: never reported, fresh, or an hour old (stale). */
        int64_t kind_of_count = (int64_t)draw(3);
        records[i] = (struct snapshot_record){ids[i],
                                              random_lot(i),
                                              kind_of_count == 0 ? -1 : (int64_t)draw(8),
                                              1,
                                              kind_of_count == 0   ? -1
                                              : kind_of_count == 1 ? now
                                                                   : now - 60 * MINUTE,
                                              NULL,
                                              NULL};
    }
    CHECK_INT_EQ(
        snapshot_load(snapshot, snapshot_begin_load(snapshot), records, LOTS, now, &skipped), 0);
    CHECK_INT_EQ((int64_t)skipped, 0);
    for (size_t i = 0; i < LOTS; i++)
        free((char *)records[i].static_json);
    return snapshot;
}

/* The snapshot's lots in a view, as the owner publishes them. */
static struct lot_view *view_of(const struct snapshot *snapshot, struct lot_view *from)
{
    struct lot_view_draft *draft;
    struct lot_view_garbage *garbage;
    struct lot_view *view;

    CHECK_INT_EQ(lot_view_draft_begin(from, &draft), 0);
    for (size_t i = 0; i < snapshot_count(snapshot); i++) {
        const struct snapshot_lot *lot = snapshot_at(snapshot, i);
        if (lot_view_find(lot_view_draft_view(draft), lot->id) != lot->answer)
            CHECK_INT_EQ(lot_view_draft_put(draft, rendered_answer_hold(lot->answer)), 0);
    }
    view = lot_view_draft_finish(draft, &garbage);
    lot_view_garbage_free(garbage);
    return view;
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

/* A random query's parameters into pairs (texts in storage). */
static void random_query(const char **pairs, char storage[][64])
{
    size_t used = 0, stored = 0;
    static const char *const opens[] = {"true", "false"};

#define PAIR(name, ...)                                                                            \
    do {                                                                                           \
        snprintf(storage[stored], 64, __VA_ARGS__);                                                \
        pairs[used++] = (name);                                                                    \
        pairs[used++] = storage[stored++];                                                         \
    } while (0)
    if (draw(3) == 0)
        PAIR("city", "%s", asked_cities[draw(4)]);
    if (draw(3) == 0)
        PAIR("kind", "%s", kinds[draw(3)]);
    if (draw(3) == 0)
        PAIR("group", "%s", asked_groups[draw(6)]);
    if (draw(3) == 0)
        PAIR("open", "%s", opens[draw(2)]);
    if (draw(3) == 0)
        PAIR("min_free", "%d", (int)draw(6));
    if (draw(5) == 0)
        PAIR("space", "charging");
    if (draw(3) == 0) {
        PAIR("near", "%.5f,%.5f", 26.55 + (double)draw(10000) / 100000.0,
             106.60 + (double)draw(10000) / 100000.0);
        if (draw(2) == 0)
            PAIR("radius", "%d", 100 + (int)draw(3000));
    } else if (draw(3) == 0) {
        double lon = 106.60 + (double)draw(8000) / 100000.0;
        double lat = 26.55 + (double)draw(8000) / 100000.0;
        PAIR("bbox", "%.5f,%.5f,%.5f,%.5f", lon, lat, lon + 0.03, lat + 0.03);
    }
    PAIR("limit", "%d", 1 + (int)draw(40));
#undef PAIR
    pairs[used] = NULL;
}

/* The next_cursor of a list answer, or false when it is null. */
static bool next_cursor(const char *body, char *cursor, size_t size)
{
    const char *at = strstr(body, "\"next_cursor\":\"");
    const char *end;

    if (at == NULL)
        return false;
    at += strlen("\"next_cursor\":\"");
    end = strchr(at, '"');
    snprintf(cursor, size, "%.*s", (int)(end - at), at);
    return true;
}

/* query's answer from the index and view, in format; the caller frees it. */
static char *from_index(const struct lot_index *index, const struct lot_view *view,
                        const struct lot_query *query, enum list_answer_format format)
{
    struct lot_query_hit *hits = NULL;
    size_t count = 0, length;
    char *body = NULL;

    CHECK_INT_EQ(lot_index_select(index, view, query, &hits, &count), 0);
    CHECK(count <= (size_t)query->limit + 1);
    CHECK_INT_EQ(list_answer_write(query, format, hits, count, &body, &length), 0);
    free(hits);
    return body;
}

/* Both answers to pairs, in both formats, and to its next page: equal. Returns its lots shown. */
static size_t compare_pages(const struct snapshot *snapshot, const struct lot_index *index,
                            const struct lot_view *view, const char **pairs)
{
    struct field_error error;
    struct lot_query query;
    char cursor[128];
    size_t shown = 0, used = 0;
    char *expected = NULL, *actual;
    size_t length;

    while (pairs[used] != NULL)
        used += 2;
    for (int page = 0; page < 3; page++) {
        if (lot_query_parse(lookup, pairs, &query, &error) != 0)
            fprintf(stderr, "refused: %s: %s\n", error.field, error.rule);
        CHECK_INT_EQ(lot_query_parse(lookup, pairs, &query, &error), 0);
        for (int format = LIST_ANSWER_LOTS; format <= LIST_ANSWER_GEOJSON; format++) {
            free(expected);
            CHECK_INT_EQ(list_answer_render(snapshot, &query, format, &expected, &length), 0);
            actual = from_index(index, view, &query, format);
            if (strcmp(expected, actual) != 0)
                fprintf(stderr, "differs for %s=%s ...:\n%s\n%s\n", pairs[0], pairs[1], expected,
                        actual);
            CHECK_STR_EQ(actual, expected);
            free(actual);
        }
        for (const char *at = expected; (at = strstr(at, "{\"id\":")) != NULL; at++)
            shown++;
        if (!next_cursor(expected, cursor, sizeof(cursor)))
            break;
        /* The next page: the same query with the answer's cursor. */
        if (page == 0) {
            pairs[used] = "cursor";
            used += 2;
            pairs[used] = NULL;
        }
        pairs[used - 1] = cursor;
    }
    free(expected);
    return shown;
}

static void test_every_query_as_the_snapshot_answers(void)
{
    struct snapshot *snapshot = random_city();
    struct lot_view *view = view_of(snapshot, NULL);
    struct lot_index *index = NULL;
    const char *pairs[48];
    char storage[16][64];
    size_t shown = 0;

    CHECK_INT_EQ(lot_index_build(snapshot, &index), 0);
    CHECK_INT_EQ((int64_t)lot_index_count(index), LOTS);
    CHECK_INT_EQ((int64_t)lot_index_layout(index), (int64_t)snapshot_layout(snapshot));
    for (int i = 0; i < 3000; i++) {
        random_query(pairs, storage);
        shown += compare_pages(snapshot, index, view, pairs);
    }
    /* The queries reach lots, not only empty answers: many thousands of lots shown. */
    CHECK(shown > 10000);
    lot_index_free(index);
    lot_view_free(view);
    snapshot_free(snapshot);
}

/* Counts change, the index stays: the lists follow the view's answers, not the index's time. */
static void test_counts_come_from_the_view(void)
{
    struct snapshot *snapshot = random_city();
    struct lot_view *view = view_of(snapshot, NULL), *next;
    struct lot_index *index = NULL;
    uint64_t layout = snapshot_layout(snapshot);
    const char *pairs[] = {"min_free", "10", "limit", "500", NULL};
    const char *changed;
    char message[160], *before, *after;
    struct lot_query query;
    struct field_error error;

    CHECK_INT_EQ(lot_index_build(snapshot, &index), 0);
    CHECK_INT_EQ(lot_query_parse(lookup, pairs, &query, &error), 0);
    before = from_index(index, view, &query, LIST_ANSWER_LOTS);
    /* Empty every open lot: a fresh count of 0 each. */
    for (size_t i = 0; i < snapshot_count(snapshot); i++) {
        snprintf(message, sizeof(message),
                 "{\"type\":\"occupancy\",\"id\":\"%s\",\"version\":2,\"occupied\":0,"
                 "\"updated_at\":%lld}",
                 snapshot_at(snapshot, i)->id, (long long)now);
        CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), now, &changed), 0);
    }
    CHECK_INT_EQ((int64_t)snapshot_layout(snapshot), (int64_t)layout);
    next = view_of(snapshot, view);
    after = from_index(index, next, &query, LIST_ANSWER_LOTS);
    CHECK(strcmp(before, after) != 0);
    free(before);
    CHECK_INT_EQ(list_answer_render(snapshot, &query, LIST_ANSWER_LOTS, &before, &(size_t){0}), 0);
    CHECK_STR_EQ(after, before);
    free(before);
    free(after);
    lot_index_free(index);
    lot_view_free(next); /* the first view's pieces went with the garbage, freed at once above */
    snapshot_free(snapshot);
}

/* A lot replaced (a PUT) moves the layout: an index built before is no longer good. */
static void test_a_replaced_lot_moves_the_layout(void)
{
    struct snapshot *snapshot = random_city();
    uint64_t layout = snapshot_layout(snapshot);
    const char *changed;
    const char *message = "{\"type\":\"lot\",\"id\":\"lot-0000\",\"version\":9,\"occupied\":-1,"
                          "\"updated_at\":-1,\"lot\":{\"name\":\"Moved\",\"city\":\"zunyi\","
                          "\"capacity\":5,\"location\":{\"lat\":27.7,\"lon\":106.9}}}";

    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), now, &changed), 0);
    CHECK(snapshot_layout(snapshot) != layout);
    snapshot_free(snapshot);
}

int main(void)
{
    RUN_TEST(test_every_query_as_the_snapshot_answers);
    RUN_TEST(test_counts_come_from_the_view);
    RUN_TEST(test_a_replaced_lot_moves_the_layout);
    return check_exit_status();
}
