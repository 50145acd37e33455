/* test-snapshot-closure.c: closures in the snapshot: state, answer fields, deadlines, events. */
#include "change.h"
#include "check.h"
#include "snapshot.h"

#include <stdlib.h>

#define MINUTE 60000LL
#define HOUR   (60 * MINUTE)
#define DAY    (24 * HOUR)
/* 2026-12-01T00:00:00Z */
static const int64_t now = 1796083200000LL;

static const char lot_a[] = "{\"name\":\"A\",\"kind\":\"government\",\"city\":\"qz\","
                            "\"groups\":[\"centre\"],\"location\":{\"lat\":1,\"lon\":2},"
                            "\"capacity\":10}";

/* One lot with a fresh count and the stored closures given. */
static struct snapshot *loaded(const char *closures)
{
    struct snapshot_options options = {30 * DAY, {NULL, NULL, NULL, NULL, NULL}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record records[] = {{"lot-a", lot_a, 4, 3, now, NULL, closures}};
    size_t skipped = 0;

    CHECK(snapshot != NULL);
    CHECK_INT_EQ(snapshot_load(snapshot, snapshot_begin_load(snapshot), records, 1, now, &skipped),
                 0);
    CHECK_INT_EQ(skipped, 0);
    return snapshot;
}

static json_t *answer(const struct snapshot *snapshot)
{
    return json_loads(snapshot_find(snapshot, "lot-a")->answer->body, 0, NULL);
}

/* A closure in force closes the lot, with its reason and until; loads make no events. */
static void test_closure_in_force(void)
{
    struct snapshot *snapshot =
        loaded("[{\"id\":\"2\",\"from\":1796079600000,\"to\":1796090400000,\"reason\":\"Flood\","
               "\"open_ended\":true}]");
    const struct snapshot_lot *lot = snapshot_find(snapshot, "lot-a");
    json_t *document = answer(snapshot);
    char *closure = json_dumps(json_object_get(document, "closure"), JSON_COMPACT);

    CHECK_INT_EQ(lot->state, SNAPSHOT_STATE_CLOSED);
    CHECK(!lot->open_now);
    CHECK_STR_EQ(closure,
                 "{\"id\":\"2\",\"reason\":\"Flood\",\"until\":\"2026-12-01T02:00:00.000Z\"}");
    CHECK_STR_EQ(json_string_value(json_object_get(document, "next_change")),
                 "2026-12-01T02:00:00.000Z");
    CHECK_INT_EQ(snapshot_next_deadline(snapshot), now + 2 * HOUR);
    CHECK_INT_EQ(snapshot_closure_serial(snapshot), 0);
    free(closure);
    json_decref(document);

    /* The timer at its end: open again, and an "ended" event. */
    CHECK_INT_EQ(snapshot_refresh(snapshot, now + 2 * HOUR, false), 1);
    CHECK_INT_EQ(lot->state, SNAPSHOT_STATE_OPEN);
    CHECK_INT_EQ(snapshot_closure_serial(snapshot), 1);
    CHECK_INT_EQ(lot->closure_event_serial, 1);
    CHECK(lot->closure_event != NULL &&
          strstr(lot->closure_event, "\"lot\":\"lot-a\",\"kind\":\"ended\"") != NULL);
    document = answer(snapshot);
    CHECK(json_is_null(json_object_get(document, "closure")));
    json_decref(document);
    snapshot_free(snapshot);
}

/* Announced by message: upcoming within 7 days, started by the clock, withdrawn. */
static void test_announced_started_withdrawn(void)
{
    static const char announced[] =
        "{\"type\":\"closures\",\"id\":\"lot-a\",\"version\":4,\"event\":\"announced\","
        "\"closure\":{\"id\":\"4\",\"from\":1796094000000,\"to\":1796101200000,"
        "\"reason\":\"Marathon\",\"open_ended\":false},"
        "\"closures\":[{\"id\":\"4\",\"from\":1796094000000,\"to\":1796101200000,"
        "\"reason\":\"Marathon\",\"open_ended\":false}]}";
    static const char withdrawn[] =
        "{\"type\":\"closures\",\"id\":\"lot-a\",\"version\":5,\"event\":\"withdrawn\","
        "\"closure\":{\"id\":\"4\",\"from\":1796094000000,\"to\":1796101200000,"
        "\"reason\":\"Marathon\",\"open_ended\":false},\"closures\":[]}";
    struct snapshot *snapshot = loaded(NULL);
    const struct snapshot_lot *lot;
    const char *changed = NULL;
    json_t *document;

    CHECK_INT_EQ(snapshot_apply(snapshot, announced, strlen(announced), now, &changed), 0);
    CHECK_STR_EQ(changed, "lot-a");
    lot = snapshot_find(snapshot, "lot-a");
    CHECK_INT_EQ(lot->version, 4);
    CHECK_INT_EQ(lot->state, SNAPSHOT_STATE_OPEN);
    CHECK(strstr(lot->closure_event, "\"kind\":\"announced\"") != NULL);
    CHECK_INT_EQ(snapshot_closure_serial(snapshot), 1);
    document = answer(snapshot);
    CHECK_INT_EQ(json_array_size(json_object_get(document, "upcoming_closures")), 1);
    CHECK_STR_EQ(json_string_value(json_object_get(
                     json_array_get(json_object_get(document, "upcoming_closures"), 0), "from")),
                 "2026-12-01T03:00:00.000Z");
    /* The next change of state is the closure's start, and the timer wakes for it. */
    CHECK_STR_EQ(json_string_value(json_object_get(document, "next_change")),
                 "2026-12-01T03:00:00.000Z");
    CHECK_INT_EQ(snapshot_next_deadline(snapshot), now + 3 * HOUR);
    json_decref(document);

    /* An older message lost the race. */
    CHECK_INT_EQ(snapshot_apply(snapshot, announced, strlen(announced), now, &changed), 0);
    CHECK(changed == NULL);

    CHECK_INT_EQ(snapshot_refresh(snapshot, now + 3 * HOUR, false), 1);
    CHECK_INT_EQ(lot->state, SNAPSHOT_STATE_CLOSED);
    CHECK(strstr(lot->closure_event, "\"kind\":\"started\"") != NULL);
    CHECK_INT_EQ(snapshot_closure_serial(snapshot), 2);
    document = answer(snapshot);
    CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(document, "closure"), "reason")),
                 "Marathon");
    CHECK_INT_EQ(json_array_size(json_object_get(document, "upcoming_closures")), 0);
    json_decref(document);

    CHECK_INT_EQ(snapshot_apply(snapshot, withdrawn, strlen(withdrawn), now + 3 * HOUR, &changed),
                 0);
    CHECK_INT_EQ(lot->state, SNAPSHOT_STATE_OPEN);
    CHECK(strstr(lot->closure_event, "\"kind\":\"withdrawn\"") != NULL);
    CHECK_INT_EQ(snapshot_closure_serial(snapshot), 3);
    snapshot_free(snapshot);
}

/* A lot's static fields replaced: its closures stay (lot_put.lua keeps the hash field). */
static void test_replaced_lot_keeps_closures(void)
{
    static const char replaced[] =
        "{\"type\":\"lot\",\"id\":\"lot-a\",\"version\":9,\"occupied\":4,\"updated_at\":"
        "1796083200000,\"lot\":{\"name\":\"A2\",\"capacity\":12}}";
    struct snapshot *snapshot =
        loaded("[{\"id\":\"2\",\"from\":1796079600000,\"to\":1796090400000,\"reason\":\"Works\"}]");
    const char *changed = NULL;

    CHECK_INT_EQ(snapshot_apply(snapshot, replaced, strlen(replaced), now, &changed), 0);
    CHECK_INT_EQ(snapshot_find(snapshot, "lot-a")->capacity, 12);
    CHECK_INT_EQ(snapshot_find(snapshot, "lot-a")->state, SNAPSHOT_STATE_CLOSED);
    CHECK(strstr(snapshot_find(snapshot, "lot-a")->answer->body, "\"reason\":\"Works\"") != NULL);
    snapshot_free(snapshot);
}

int main(void)
{
    RUN_TEST(test_closure_in_force);
    RUN_TEST(test_announced_started_withdrawn);
    RUN_TEST(test_replaced_lot_keeps_closures);
    return check_exit_status();
}
