/* test-totals.c: sums over a selection in every state mix, and the sign's line. */
#include "check.h"
#include "totals.h"

#include <stdlib.h>
#include <string.h>

#define MINUTE 60000LL
static const int64_t now = 1795489670000LL;

static int closed_handle;

static void *compile_closed(const char *lot, void *data)
{
    (void)data;
    /* Lots whose name starts with "Closed" are closed; the rest always open. */
    return strstr(lot, "\"name\":\"Closed") != NULL ? &closed_handle : NULL;
}

static bool never_open(const void *compiled, int64_t at, int64_t *next_change, void *data)
{
    (void)compiled;
    (void)at;
    (void)data;
    *next_change = -1;
    return false;
}

static struct snapshot *mixed(void)
{
    struct snapshot_options options = {30 * MINUTE,
                                       {.compile = compile_closed, .opening = never_open}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record records[] = {
        {"a-open", "{\"name\":\"A\",\"kind\":\"public\",\"groups\":[\"g\"],\"capacity\":10}", 4, 1,
         now, NULL},
        {"b-full", "{\"name\":\"B\",\"kind\":\"public\",\"groups\":[\"g\"],\"capacity\":5}", 5, 1,
         now, NULL},
        {"c-unknown", "{\"name\":\"C\",\"kind\":\"public\",\"groups\":[\"g\"],\"capacity\":8}", -1,
         1, -1, NULL},
        {"d-stale", "{\"name\":\"D\",\"kind\":\"reclaimed\",\"groups\":[\"g\"],\"capacity\":6}", 1,
         1, now - 31 * MINUTE, NULL},
        {"e-closed",
         "{\"name\":\"Closed E\",\"kind\":\"public\",\"groups\":[\"g\"],\"capacity\":7}", 3, 1, now,
         NULL},
        {"f-other", "{\"name\":\"F\",\"kind\":\"public\",\"groups\":[\"h\"],\"capacity\":99}", 0, 1,
         now, NULL},
    };
    size_t skipped;
    snapshot_load(snapshot, snapshot_begin_load(snapshot), records, 6, now, &skipped);
    return snapshot;
}

static void test_state_mix(void)
{
    struct snapshot *snapshot = mixed();
    struct lot_selection group = {.group = "g"};
    struct totals totals;
    char line[TOTALS_TEXT_MAX];

    totals_compute(snapshot, &group, &totals);
    CHECK_INT_EQ(totals.lots, 5);
    CHECK_INT_EQ(totals.capacity, 36);
    CHECK_INT_EQ(totals.lots_open, 4);
    CHECK_INT_EQ(totals.lots_full, 1);
    CHECK_INT_EQ(totals.lots_unknown, 2); /* never reported, and stale */
    CHECK_INT_EQ(totals.free, 6);
    CHECK_INT_EQ(totals.occupied, 9);
    CHECK_INT_EQ(totals.updated_at_ms, now);
    totals_text(&totals, "----", line);
    CHECK_STR_EQ(line, "6\n");
    struct lot_selection kind = {.group = "g", .kind = "reclaimed"};
    totals_compute(snapshot, &kind, &totals);
    CHECK_INT_EQ(totals.lots, 1);
    snapshot_free(snapshot);
}

static void test_text_lines(void)
{
    struct totals totals = {0};
    char line[TOTALS_TEXT_MAX];
    totals_text(&totals, "----", line);
    CHECK_STR_EQ(line, "CLOSED\n");
    totals.lots = 3;
    totals.lots_open = 2;
    totals.lots_full = 2;
    totals_text(&totals, "----", line);
    CHECK_STR_EQ(line, "FULL\n");
    totals.lots_full = 1;
    totals.lots_unknown = 1;
    totals.free = 0;
    /* The one open lot with a count is full, the other has none: it may have room. */
    totals_text(&totals, "----", line);
    CHECK_STR_EQ(line, "----\n");
    totals.lots_full = 0;
    totals.lots_unknown = 2; /* open, but no fresh count at all: never a number */
    totals_text(&totals, "----", line);
    CHECK_STR_EQ(line, "----\n");
    totals_text(&totals, "NO DATA", line);
    CHECK_STR_EQ(line, "NO DATA\n");
    totals.lots_unknown = 1; /* one fresh lot with room: its count is a true lower bound */
    totals.free = 1234;
    totals_text(&totals, "----", line);
    CHECK_STR_EQ(line, "1234\n");
    totals.lots_open = 4;
    totals.lots_full = 2; /* full and unknown mixed with room in the fourth */
    totals.free = 5;
    totals_text(&totals, "----", line);
    CHECK_STR_EQ(line, "5\n");
    totals.lots_unknown = 0;
    totals.lots_full = 0;
    totals.lots_open = 0; /* closed wins over unknown */
    totals_text(&totals, "----", line);
    CHECK_STR_EQ(line, "CLOSED\n");
}

static void test_text_unknown_cut_to_fit(void)
{
    struct totals totals = {.lots = 1, .lots_open = 1, .lots_unknown = 1};
    char long_text[200], line[TOTALS_TEXT_MAX];
    memset(long_text, 'x', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    totals_text(&totals, long_text, line);
    CHECK_INT_EQ(strlen(line), TOTALS_TEXT_MAX - 1);
    CHECK_INT_EQ(line[TOTALS_TEXT_MAX - 2], '\n');
}

static void test_json(void)
{
    struct totals totals = {7, 20, 13, 3, 2, 1, 0, -1};
    json_t *document = totals_json(&totals, NULL);
    char *text = json_dumps(document, JSON_COMPACT | JSON_PRESERVE_ORDER);
    CHECK_STR_EQ(text, "{\"free\":7,\"capacity\":20,\"occupied\":13,\"lots\":3,\"lots_open\":2,"
                       "\"lots_full\":1,\"lots_unknown\":0,\"updated_at\":null}");
    free(text);
    json_decref(document);
}

static const struct totals_use *use_in(size_t index, const void *data)
{
    return &((const struct totals_use *)data)[index];
}

static void test_eviction_victim(void)
{
    struct totals_use uses[] = {{5, 0}, {1, 2}, {3, 0}, {2, 0}, {9, 1}};
    /* The least recently used is followed (pinned): the next least used goes. */
    CHECK_INT_EQ(totals_eviction_victim(5, use_in, uses), 3);
    uses[3].followers = 1;
    CHECK_INT_EQ(totals_eviction_victim(5, use_in, uses), 2);
    uses[1].followers = 0; /* its followers left: it is the oldest again */
    CHECK_INT_EQ(totals_eviction_victim(5, use_in, uses), 1);
    for (size_t i = 0; i < 5; i++)
        uses[i].followers = 1;
    CHECK_INT_EQ(totals_eviction_victim(5, use_in, uses), 5); /* every one pinned */
    CHECK_INT_EQ(totals_eviction_victim(0, use_in, uses), 0);
}

static void test_worth_caching(void)
{
    struct snapshot *snapshot = mixed();
    struct lot_selection unknown_city = {.city = "evict1"}, group = {.group = "h"};
    struct lot_selection no_lot_together = {.group = "h", .kind = "reclaimed"};
    struct totals totals;
    char line[TOTALS_TEXT_MAX];

    totals_compute(snapshot, &unknown_city, &totals);
    CHECK_INT_EQ(totals.lots, 0);
    totals_text(&totals, "----", line);
    CHECK_STR_EQ(line, "CLOSED\n");
    CHECK(!totals_worth_caching(&totals, false));
    CHECK(totals_worth_caching(&totals, true)); /* a stream waits for a lot to join */
    totals_compute(snapshot, &no_lot_together, &totals);
    CHECK(!totals_worth_caching(&totals, false));
    totals_compute(snapshot, &group, &totals);
    CHECK_INT_EQ(totals.lots, 1);
    CHECK(totals_worth_caching(&totals, false));
    snapshot_free(snapshot);
}

/* space=charging: only lots that declare it, by the type's capacity and fresh count. */
static void test_space(void)
{
    struct snapshot_options options = {30 * MINUTE, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct space_counts fresh, stale;
    struct snapshot_record records[] = {
        {"a", "{\"name\":\"A\",\"capacity\":50,\"spaces\":{\"charging\":{\"capacity\":6}}}", 10, 1,
         now, &fresh},
        {"b", "{\"name\":\"B\",\"capacity\":40,\"spaces\":{\"charging\":{\"capacity\":4}}}", 10, 1,
         now, &stale},
        {"c", "{\"name\":\"C\",\"capacity\":99}", 0, 1, now, NULL},
    };
    struct lot_selection charging = {.space = "charging"};
    struct totals totals;
    char line[TOTALS_TEXT_MAX];
    size_t skipped;

    space_counts_clear(&fresh);
    space_counts_clear(&stale);
    fresh.occupied[SPACE_CHARGING] = 2;
    fresh.updated_at_ms[SPACE_CHARGING] = now - MINUTE;
    stale.occupied[SPACE_CHARGING] = 1;
    stale.updated_at_ms[SPACE_CHARGING] = now - 31 * MINUTE;
    snapshot_load(snapshot, snapshot_begin_load(snapshot), records, 3, now, &skipped);
    totals_compute(snapshot, &charging, &totals);
    CHECK_INT_EQ(totals.lots, 2);
    CHECK_INT_EQ(totals.capacity, 10);
    CHECK_INT_EQ(totals.free, 4);
    CHECK_INT_EQ(totals.occupied, 2);
    CHECK_INT_EQ(totals.lots_open, 2);
    CHECK_INT_EQ(totals.lots_unknown, 1);
    CHECK_INT_EQ(totals.lots_full, 0);
    CHECK_INT_EQ(totals.updated_at_ms, now - MINUTE);
    totals_text(&totals, "--", line);
    CHECK_STR_EQ(line, "4\n");
    snapshot_free(snapshot);
}

int main(void)
{
    RUN_TEST(test_eviction_victim);
    RUN_TEST(test_worth_caching);
    RUN_TEST(test_state_mix);
    RUN_TEST(test_space);
    RUN_TEST(test_text_lines);
    RUN_TEST(test_text_unknown_cut_to_fit);
    RUN_TEST(test_json);
    return check_exit_status();
}
