/* test-snapshot.c: loads, change messages, version races, states and deadlines. */
#include "check.h"
#include "snapshot.h"

#include <stdlib.h>

#define MINUTE 60000LL
static const int64_t now = 1795489670000LL;

static const char lot_a[] = "{\"name\":\"A\",\"kind\":\"government\",\"city\":\"qz\","
                            "\"groups\":[\"centre\"],\"location\":{\"lat\":1,\"lon\":2},"
                            "\"capacity\":10}";
static const char lot_b[] = "{\"name\":\"B\",\"kind\":\"reclaimed\",\"city\":\"qz\","
                            "\"groups\":[],\"location\":{\"lat\":1,\"lon\":2},\"capacity\":5}";

/* Every lot gets the same schedule handle: open 08:00 to 20:00 UTC each day. */
static int day_hours_handle;

static void *compile_day_hours(const char *lot, void *data)
{
    (void)lot;
    (void)data;
    return &day_hours_handle;
}

static bool day_hours(const void *compiled, int64_t at, int64_t *next_change, void *data)
{
    int64_t day = at - at % (1440 * MINUTE);
    int64_t open = day + 8 * 60 * MINUTE, close = day + 20 * 60 * MINUTE;
    (void)data;
    CHECK(compiled == &day_hours_handle);
    if (at < open) {
        *next_change = open;
        return false;
    }
    if (at < close) {
        *next_change = close;
        return true;
    }
    *next_change = open + 1440 * MINUTE;
    return false;
}

static struct snapshot *loaded(bool with_hours)
{
    struct snapshot_options options = {30 * MINUTE, {0}};
    if (with_hours)
        options.opening =
            (struct snapshot_opening){.compile = compile_day_hours, .opening = day_hours};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record records[] = {
        {"lot-b", lot_b, 5, 4, now - MINUTE, NULL},
        {"lot-a", lot_a, -1, 1, -1, NULL},
    };
    size_t skipped = 9;
    uint64_t generation = snapshot_begin_load(snapshot);
    CHECK(!snapshot_is_loaded(snapshot));
    CHECK_INT_EQ(snapshot_load(snapshot, generation, records, 2, now, &skipped), 0);
    CHECK_INT_EQ(skipped, 0);
    CHECK(snapshot_is_loaded(snapshot));
    return snapshot;
}

static void test_load_sorts_and_judges(void)
{
    struct snapshot *snapshot = loaded(false);
    const struct snapshot_lot *a, *b;

    CHECK_INT_EQ(snapshot_count(snapshot), 2);
    CHECK_STR_EQ(snapshot_at(snapshot, 0)->id, "lot-a");
    CHECK_STR_EQ(snapshot_at(snapshot, 1)->id, "lot-b");
    a = snapshot_find(snapshot, "lot-a");
    b = snapshot_find(snapshot, "lot-b");
    CHECK_INT_EQ(a->state, SNAPSHOT_STATE_UNKNOWN);
    CHECK_INT_EQ(b->state, SNAPSHOT_STATE_FULL);
    CHECK_STR_EQ(a->city, "qz");
    CHECK_STR_EQ(b->kind, "reclaimed");
    CHECK(snapshot_find(snapshot, "lot-c") == NULL);
    CHECK_INT_EQ(snapshot_index_after(snapshot, "lot-a"), 1);
    CHECK_INT_EQ(snapshot_index_after(snapshot, "lot-aa"), 1);
    CHECK_INT_EQ(snapshot_index_after(snapshot, "a"), 0);
    CHECK_STR_EQ(a->answer->body,
                 "{\"id\":\"lot-a\",\"name\":\"A\",\"kind\":\"government\",\"city\":"
                 "\"qz\",\"groups\":[\"centre\"],\"location\":{\"lat\":1,\"lon\":2},"
                 "\"capacity\":10,\"occupied\":null,\"free\":null,\"state\":\"unknown\","
                 "\"open_now\":true,\"next_change\":null,\"updated_at\":null,"
                 "\"version\":1,\"opening_hours\":\"24/7\",\"leave_by\":null,"
                 "\"closure\":null,\"upcoming_closures\":[]}");
    snapshot_free(snapshot);
}

static void test_messages_and_versions(void)
{
    struct snapshot *snapshot = loaded(false);
    const char *changed = NULL;
    char message[512];
    char etag[24];

    strcpy(etag, snapshot_find(snapshot, "lot-a")->answer->etag);
    snprintf(message, sizeof(message),
             "{\"type\":\"occupancy\",\"id\":\"lot-a\",\"occupied\":3,\"version\":2,"
             "\"updated_at\":%lld}",
             (long long)now);
    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), now, &changed), 0);
    CHECK_STR_EQ(changed, "lot-a");
    CHECK_INT_EQ(snapshot_find(snapshot, "lot-a")->occupied, 3);
    CHECK_INT_EQ(snapshot_find(snapshot, "lot-a")->state, SNAPSHOT_STATE_OPEN);
    CHECK(strcmp(etag, snapshot_find(snapshot, "lot-a")->answer->etag) != 0);
    /* A replayed older version changes nothing. */
    snprintf(message, sizeof(message),
             "{\"type\":\"occupancy\",\"id\":\"lot-a\",\"occupied\":9,\"version\":2,"
             "\"updated_at\":%lld}",
             (long long)now);
    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), now, &changed), 0);
    CHECK(changed == NULL);
    CHECK_INT_EQ(snapshot_find(snapshot, "lot-a")->occupied, 3);
    /* A new lot arrives whole, a deleted one goes. */
    snprintf(message, sizeof(message),
             "{\"type\":\"lot\",\"id\":\"lot-0\",\"version\":1,\"occupied\":null,"
             "\"updated_at\":null,\"lot\":%s}",
             lot_b);
    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), now, &changed), 0);
    CHECK_STR_EQ(snapshot_at(snapshot, 0)->id, "lot-0");
    strcpy(message, "{\"type\":\"delete\",\"id\":\"lot-b\",\"version\":5}");
    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), now, &changed), 0);
    CHECK(snapshot_find(snapshot, "lot-b") == NULL);
    CHECK_INT_EQ(snapshot_count(snapshot), 2);
    CHECK_INT_EQ(snapshot_apply(snapshot, "{\"type\":\"x\"}", 12, now, &changed),
                 SNAPSHOT_ERROR_MESSAGE);
    CHECK_INT_EQ(snapshot_apply(snapshot, "not json", 8, now, &changed), SNAPSHOT_ERROR_MESSAGE);
    snapshot_free(snapshot);
}

/* Changes that race a reload win over its older records. */
static void test_load_races(void)
{
    struct snapshot *snapshot = loaded(false);
    struct snapshot_record stale[] = {
        {"lot-a", lot_a, 1, 2, now, NULL},
        {"lot-b", lot_b, 1, 5, now, NULL},
    };
    const char *changed;
    char message[512];
    size_t skipped;
    uint64_t generation = snapshot_begin_load(snapshot);

    snprintf(message, sizeof(message),
             "{\"type\":\"occupancy\",\"id\":\"lot-a\",\"occupied\":7,\"version\":3,"
             "\"updated_at\":%lld}",
             (long long)now);
    snapshot_apply(snapshot, message, strlen(message), now, &changed);
    strcpy(message, "{\"type\":\"delete\",\"id\":\"lot-b\",\"version\":6}");
    snapshot_apply(snapshot, message, strlen(message), now, &changed);
    snprintf(message, sizeof(message),
             "{\"type\":\"lot\",\"id\":\"lot-new\",\"version\":1,\"occupied\":null,"
             "\"updated_at\":null,\"lot\":%s}",
             lot_a);
    snapshot_apply(snapshot, message, strlen(message), now, &changed);
    CHECK_INT_EQ(snapshot_load(snapshot, generation, stale, 2, now, &skipped), 0);
    CHECK_INT_EQ(snapshot_find(snapshot, "lot-a")->occupied, 7);
    CHECK(snapshot_find(snapshot, "lot-b") == NULL);
    CHECK(snapshot_find(snapshot, "lot-new") != NULL);
    CHECK_INT_EQ(snapshot_count(snapshot), 2);
    snapshot_free(snapshot);
}

static void test_clock_states_and_deadlines(void)
{
    struct snapshot *snapshot = loaded(true);
    int64_t day = now - now % (1440 * MINUTE);
    int64_t noon = day + 12 * 60 * MINUTE;
    struct snapshot_record records[] = {{"lot-a", lot_a, 2, 1, noon, NULL}};
    size_t skipped;
    json_t *document;

    snapshot_load(snapshot, snapshot_begin_load(snapshot), records, 1, noon, &skipped);
    CHECK_INT_EQ(snapshot_find(snapshot, "lot-a")->state, SNAPSHOT_STATE_OPEN);
    /* The count turns stale 30 minutes after it was reported. */
    CHECK_INT_EQ(snapshot_next_deadline(snapshot), noon + 30 * MINUTE + 1);
    CHECK_INT_EQ(snapshot_refresh(snapshot, noon + 30 * MINUTE + 1, false), 1);
    CHECK_INT_EQ(snapshot_find(snapshot, "lot-a")->state, SNAPSHOT_STATE_UNKNOWN);
    CHECK_INT_EQ(snapshot_next_deadline(snapshot), day + 20 * 60 * MINUTE);
    CHECK_INT_EQ(snapshot_refresh(snapshot, day + 20 * 60 * MINUTE, false), 1);
    CHECK_INT_EQ(snapshot_find(snapshot, "lot-a")->state, SNAPSHOT_STATE_CLOSED);
    CHECK(!snapshot_find(snapshot, "lot-a")->open_now);
    CHECK_INT_EQ(snapshot_refresh(snapshot, day + 20 * 60 * MINUTE + 5, false), 0);
    document = snapshot_lot_json(snapshot, snapshot_find(snapshot, "lot-a"));
    CHECK_STR_EQ(json_string_value(json_object_get(document, "state")), "closed");
    CHECK(json_is_string(json_object_get(document, "next_change")));
    json_decref(document);
    snapshot_free(snapshot);
}

static void test_bad_records_are_skipped(void)
{
    struct snapshot_options options = {MINUTE, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record records[] = {
        {"good", lot_a, -1, 1, -1, NULL},
        {"broken", "{not json", -1, 1, -1, NULL},
        {"no-capacity", "{\"name\":\"x\"}", -1, 1, -1, NULL},
    };
    size_t skipped = 0;
    CHECK_INT_EQ(snapshot_load(snapshot, snapshot_begin_load(snapshot), records, 3, now, &skipped),
                 0);
    CHECK_INT_EQ(skipped, 2);
    CHECK_INT_EQ(snapshot_count(snapshot), 1);
    snapshot_free(snapshot);
    snapshot_free(NULL);
}

/*
 * A lot holds what it has and no more: no closures array without closures,
 * no type counts until one arrives; that first count is still judged by the
 * version the lot was loaded with, and the answer is the stored text spliced.
 */
static void test_lots_hold_only_what_they_have(void)
{
    struct snapshot_options options = {30 * MINUTE, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct space_counts loaded;
    struct snapshot_record records[] = {{"plain", lot_b, 1, 4, now - MINUTE, &loaded, NULL}};
    const char older[] = "{\"type\":\"occupancy\",\"id\":\"plain\",\"version\":3,\"occupied\":1,"
                         "\"updated_at\":1795489670000,\"space\":\"charging\"}";
    const char newer[] = "{\"type\":\"occupancy\",\"id\":\"plain\",\"version\":5,\"occupied\":2,"
                         "\"updated_at\":1795489670000,\"space\":\"charging\"}";
    const char same[] = "{\"type\":\"occupancy\",\"id\":\"plain\",\"version\":4,\"occupied\":3,"
                        "\"updated_at\":1795489670000,\"space\":\"women\"}";
    const struct snapshot_lot *lot;
    size_t skipped;

    /* As the store loads a lot without type counts: each judged by the lot's version. */
    space_counts_clear(&loaded);
    for (int type = 0; type < SPACE_TYPE_COUNT; type++)
        loaded.version[type] = 4;
    CHECK_INT_EQ(snapshot_load(snapshot, snapshot_begin_load(snapshot), records, 1, now, &skipped),
                 0);
    lot = snapshot_find(snapshot, "plain");
    CHECK(lot->spaces == NULL && lot->closures == NULL && lot->groups == NULL);
    CHECK_INT_EQ(lot->spaces_version, 4);
    CHECK_STR_EQ(lot->static_text, lot_b);
    CHECK_STR_EQ(lot->answer->body,
                 "{\"id\":\"plain\",\"name\":\"B\",\"kind\":\"reclaimed\",\"city\":\"qz\","
                 "\"groups\":[],\"location\":{\"lat\":1,\"lon\":2},\"capacity\":5,"
                 "\"occupied\":1,\"free\":4,\"state\":\"open\",\"open_now\":true,"
                 "\"next_change\":null,\"updated_at\":\"2026-11-24T03:06:50.000Z\","
                 "\"version\":4,\"opening_hours\":\"24/7\",\"leave_by\":null,"
                 "\"closure\":null,\"upcoming_closures\":[]}");
    CHECK_STR_EQ(snapshot_lot_string(lot, "kind"), "reclaimed");
    CHECK(snapshot_lot_string(lot, "capacity") == NULL);
    CHECK_INT_EQ(snapshot_apply(snapshot, older, strlen(older), now, NULL), 0);
    CHECK(lot->spaces == NULL);
    CHECK_INT_EQ(snapshot_apply(snapshot, newer, strlen(newer), now, NULL), 0);
    CHECK(lot->spaces != NULL);
    CHECK_INT_EQ(lot->spaces->occupied[SPACE_CHARGING], 2);
    CHECK_INT_EQ(lot->spaces->version[SPACE_WOMEN], 4);
    CHECK_INT_EQ(snapshot_apply(snapshot, same, strlen(same), now, NULL), 0);
    CHECK_INT_EQ(lot->spaces->occupied[SPACE_WOMEN], -1);
    snapshot_free(snapshot);
}

#define AGING_LOTS 300

/* The lot of the aging test whose count ages out at at_ms, or -1 for none: see below. */
static int aging_lot_due(const int64_t *due, int64_t at_ms)
{
    for (int i = 0; i < AGING_LOTS; i++)
        if (due[i] == at_ms)
            return i;
    return -1;
}

/*
 * Counts reported a second apart age out one by one, and each deadline
 * judges exactly its own lot: the clock timer wakes per lot from a queue
 * of deadlines, kept as counts, replacements and deletions move them.
 */
static void test_counts_age_out_one_by_one(void)
{
    struct snapshot_options options = {30 * MINUTE, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record records[AGING_LOTS];
    char ids[AGING_LOTS][16], message[512];
    int64_t due[AGING_LOTS];
    size_t skipped;

    for (int i = 0; i < AGING_LOTS; i++) {
        snprintf(ids[i], sizeof(ids[i]), "lot-%03d", i);
        records[i] = (struct snapshot_record){ids[i], lot_a, 3, 1, now - 1000LL * (AGING_LOTS - i),
                                              NULL,   NULL};
        due[i] = records[i].updated_at_ms + 30 * MINUTE + 1;
    }
    CHECK_INT_EQ(
        snapshot_load(snapshot, snapshot_begin_load(snapshot), records, AGING_LOTS, now, &skipped),
        0);
    /* lot-010 goes, lot-020's static fields are replaced (its count and deadline kept), a new
     * count moves lot-030's deadline past every other. */
    snprintf(message, sizeof(message), "{\"type\":\"delete\",\"id\":\"lot-010\",\"version\":2}");
    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), now, NULL), 0);
    due[10] = -1;
    snprintf(message, sizeof(message),
             "{\"type\":\"lot\",\"id\":\"lot-020\",\"version\":2,\"occupied\":3,"
             "\"updated_at\":%lld,\"lot\":%s}",
             (long long)records[20].updated_at_ms, lot_b);
    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), now, NULL), 0);
    snprintf(message, sizeof(message),
             "{\"type\":\"occupancy\",\"id\":\"lot-030\",\"version\":2,\"occupied\":4,"
             "\"updated_at\":%lld}",
             (long long)now);
    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), now, NULL), 0);
    due[30] = now + 30 * MINUTE + 1;
    for (int step = 0; step < AGING_LOTS - 1; step++) {
        int64_t next = snapshot_next_deadline(snapshot);
        int lot = aging_lot_due(due, next);
        CHECK(lot >= 0);
        if (lot < 0)
            break;
        /* Nothing a millisecond before; exactly that lot at its instant. */
        CHECK_INT_EQ(snapshot_refresh(snapshot, next - 1, false), 0);
        CHECK_INT_EQ(snapshot_refresh(snapshot, next, false), 1);
        CHECK_INT_EQ(snapshot_find(snapshot, ids[lot])->state, SNAPSHOT_STATE_UNKNOWN);
        if (lot + 1 < AGING_LOTS && due[lot + 1] > next)
            CHECK_INT_EQ(snapshot_find(snapshot, ids[lot + 1])->state, SNAPSHOT_STATE_OPEN);
        due[lot] = -1;
    }
    CHECK_INT_EQ(snapshot_next_deadline(snapshot), -1);
    CHECK(snapshot_find(snapshot, "lot-010") == NULL);
    snapshot_free(snapshot);
}

/* A write builds the lot's new answer without compressing it: the gzip copy waits for a reader. */
static void test_answers_are_compressed_only_when_asked(void)
{
    struct snapshot_options options = {30 * MINUTE, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    char name[1200], record[1400], message[256];
    struct snapshot_record records[1] = {{"lot-a", record, 1, 1, now - MINUTE, NULL}};
    const struct snapshot_lot *lot;
    const struct rendered_answer *first;
    size_t skipped = 0;

    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    snprintf(record, sizeof(record),
             "{\"name\":\"%s\",\"kind\":\"government\",\"city\":\"qz\",\"groups\":[],"
             "\"location\":{\"lat\":1,\"lon\":2},\"capacity\":10}",
             name);
    CHECK_INT_EQ(snapshot_load(snapshot, snapshot_begin_load(snapshot), records, 1, now, &skipped),
                 0);
    lot = snapshot_find(snapshot, "lot-a");
    CHECK(lot != NULL && lot->answer->body_length > GZIP_MIN_LENGTH);
    if (lot == NULL)
        goto free_snapshot;
    first = lot->answer;
    CHECK(!rendered_answer_has_gzip(first));
    CHECK(rendered_answer_gzip(first) != NULL);
    snprintf(message, sizeof(message),
             "{\"type\":\"occupancy\",\"id\":\"lot-a\",\"occupied\":3,\"version\":2,"
             "\"updated_at\":%lld}",
             (long long)now);
    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), now, NULL), 0);
    /* A new version: a new answer, not compressed by the write. */
    CHECK(lot->answer != first);
    CHECK(strstr(lot->answer->body, "\"occupied\":3,") != NULL);
    CHECK(!rendered_answer_has_gzip(lot->answer));
    CHECK_INT_EQ(atomic_load(&lot->answer->references), 1);
free_snapshot:
    snapshot_free(snapshot);
}

int main(void)
{
    RUN_TEST(test_load_sorts_and_judges);
    RUN_TEST(test_messages_and_versions);
    RUN_TEST(test_load_races);
    RUN_TEST(test_clock_states_and_deadlines);
    RUN_TEST(test_bad_records_are_skipped);
    RUN_TEST(test_lots_hold_only_what_they_have);
    RUN_TEST(test_counts_age_out_one_by_one);
    RUN_TEST(test_answers_are_compressed_only_when_asked);
    return check_exit_status();
}
