/* test-view-publisher.c: the view follows the snapshot; old versions wait for their readers. */
#include "check.h"
#include "snapshot.h"
#include "view_publisher.h"

#include <stdlib.h>

#define MINUTE 60000LL
static const int64_t now = 1795489670000LL;

static const char lot_json[] = "{\"name\":\"A\",\"kind\":\"government\",\"city\":\"qz\","
                               "\"groups\":[],\"location\":{\"lat\":1,\"lon\":2},"
                               "\"capacity\":10}";

static struct snapshot *loaded(void)
{
    struct snapshot_options options = {30 * MINUTE, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record records[] = {
        {"lot-a", lot_json, 2, 1, now - MINUTE, NULL},
        {"lot-b", lot_json, 5, 1, now - MINUTE, NULL},
    };
    size_t skipped = 0;

    CHECK_INT_EQ(snapshot_load(snapshot, snapshot_begin_load(snapshot), records, 2, now, &skipped),
                 0);
    return snapshot;
}

static void apply(struct snapshot *snapshot, const char *message)
{
    const char *changed = NULL;
    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), now, &changed), 0);
}

/* The entry for id in reader 0's view is the snapshot's answer itself. */
static void check_same_answer(struct view_publisher *publisher, const struct snapshot *snapshot,
                              const char *id)
{
    const struct lot_view *view = view_publisher_enter(publisher, 0);
    const struct rendered_answer *entry = lot_view_find(view, id);
    const struct snapshot_lot *lot = snapshot_find(snapshot, id);

    CHECK(entry != NULL && lot != NULL);
    /* Not a copy: the one object, referenced by the lot and by the view. */
    if (entry != NULL && lot != NULL)
        CHECK(entry == lot->answer);
    view_publisher_leave(publisher, 0);
}

static void test_the_view_follows_every_kind_of_change(void)
{
    struct snapshot *snapshot = loaded();
    struct view_publisher *publisher = view_publisher_new(1);
    const struct lot_view *view;

    CHECK(view_publisher_enter(publisher, 0) == NULL);
    view_publisher_leave(publisher, 0);
    view_publisher_update(publisher, snapshot, NULL);
    check_same_answer(publisher, snapshot, "lot-a");
    check_same_answer(publisher, snapshot, "lot-b");
    /* The same lots, one answer moved unannounced (as the clock moves them): a full update
     * that compares ETags by index still finds it. */
    apply(snapshot, "{\"type\":\"occupancy\",\"id\":\"lot-b\",\"occupied\":1,\"version\":2,"
                    "\"updated_at\":1795489670000}");
    view_publisher_update(publisher, snapshot, NULL);
    check_same_answer(publisher, snapshot, "lot-b");
    /* One lot's change. */
    apply(snapshot, "{\"type\":\"occupancy\",\"id\":\"lot-a\",\"occupied\":7,\"version\":2,"
                    "\"updated_at\":1795489670000}");
    view_publisher_update(publisher, snapshot, "lot-a");
    check_same_answer(publisher, snapshot, "lot-a");
    /* A lot deleted, told by id. */
    apply(snapshot, "{\"type\":\"delete\",\"id\":\"lot-b\",\"version\":5}");
    view_publisher_update(publisher, snapshot, "lot-b");
    view = view_publisher_enter(publisher, 0);
    CHECK(lot_view_find(view, "lot-b") == NULL);
    CHECK_INT_EQ(lot_view_count(view), 1);
    view_publisher_leave(publisher, 0);
    /* Stale, and a lot that arrived unannounced: a full update catches both. */
    apply(snapshot, "{\"type\":\"occupancy\",\"id\":\"lot-a\",\"occupied\":8,\"version\":3,"
                    "\"updated_at\":1795489670000}");
    snapshot_set_stale(snapshot, true, now - 5000);
    view_publisher_update(publisher, snapshot, NULL);
    view = view_publisher_enter(publisher, 0);
    CHECK_INT_EQ(lot_view_stale_since(view), now - 5000);
    view_publisher_leave(publisher, 0);
    check_same_answer(publisher, snapshot, "lot-a");
    CHECK_INT_EQ(view_publisher_reclaim(publisher), 0);
    view_publisher_free(publisher);
    snapshot_free(snapshot);
}

/*
 * A reader inside keeps its version whole through later publications; what
 * they replaced is freed only once it leaves (ASan proves the bytes live).
 */
static void test_a_reader_inside_holds_back_the_freeing(void)
{
    struct snapshot *snapshot = loaded();
    struct view_publisher *publisher = view_publisher_new(2);
    const struct lot_view *held;
    const struct rendered_answer *entry;
    char body[64];

    view_publisher_update(publisher, snapshot, NULL);
    held = view_publisher_enter(publisher, 1);
    entry = lot_view_find(held, "lot-a");
    CHECK(entry != NULL);
    snprintf(body, sizeof(body), "%.*s", (int)(entry->body_length < 63 ? entry->body_length : 63),
             entry->body);
    apply(snapshot, "{\"type\":\"occupancy\",\"id\":\"lot-a\",\"occupied\":9,\"version\":2,"
                    "\"updated_at\":1795489670000}");
    /* The lot dropped its reference for its new answer: the old one is the view's alone. */
    CHECK(snapshot_find(snapshot, "lot-a")->answer != entry);
    CHECK_INT_EQ(atomic_load(&entry->references), 1);
    view_publisher_update(publisher, snapshot, "lot-a");
    /* Replaced in the view too: its one reference waits in the garbage for reader 1. */
    CHECK_INT_EQ(atomic_load(&entry->references), 1);
    view_publisher_update(publisher, snapshot, "lot-a");
    /* Reader 0 enters now: it sees the newest, and does not hold anything back. */
    CHECK(view_publisher_enter(publisher, 0) != held);
    view_publisher_leave(publisher, 0);
    /* Both publications' garbage waits for reader 1. */
    CHECK_INT_EQ(view_publisher_reclaim(publisher), 2);
    CHECK(lot_view_find(held, "lot-a") == entry);
    CHECK(strncmp(entry->body, body, strlen(body)) == 0);
    view_publisher_leave(publisher, 1);
    CHECK_INT_EQ(view_publisher_reclaim(publisher), 0);
    view_publisher_free(publisher);
    snapshot_free(snapshot);
}

/* Other reads' answers: published beside the lots, replaced, removed, freed with their versions. */
static void test_answers_are_published_and_withdrawn(void)
{
    struct snapshot *snapshot = loaded();
    struct view_publisher *publisher = view_publisher_new(1);
    struct rendered_answer *put[2];
    const char *gone[] = {"totals.j|-|-|-|-"};
    const struct lot_view *view;

    view_publisher_update(publisher, snapshot, NULL);
    put[0] = rendered_answer_copy("totals.j|-|-|-|-", "{\"a\":1}", 7, "\"a1\"");
    put[1] = rendered_answer_copy("totals.t|-|-|-|-", "1", 1, "\"t1\"");
    view_publisher_answers(publisher, put, 2, NULL, 0);
    view = view_publisher_enter(publisher, 0);
    CHECK_STR_EQ(lot_view_find_answer(view, "totals.j|-|-|-|-")->etag, "\"a1\"");
    CHECK_INT_EQ(lot_view_answer_count(view), 2);
    CHECK_INT_EQ(lot_view_count(view), 2);
    /* A reader inside holds the version it entered; the next ones go on without it. */
    put[0] = rendered_answer_copy("totals.t|-|-|-|-", "2", 1, "\"t2\"");
    view_publisher_answers(publisher, put, 1, gone, 1);
    CHECK_STR_EQ(lot_view_find_answer(view, "totals.j|-|-|-|-")->etag, "\"a1\"");
    CHECK(view_publisher_reclaim(publisher) > 0);
    view_publisher_leave(publisher, 0);
    CHECK_INT_EQ(view_publisher_reclaim(publisher), 0);
    view = view_publisher_enter(publisher, 0);
    CHECK(lot_view_find_answer(view, "totals.j|-|-|-|-") == NULL);
    CHECK_STR_EQ(lot_view_find_answer(view, "totals.t|-|-|-|-")->etag, "\"t2\"");
    /* A full update of the lots leaves the answers alone. */
    view_publisher_leave(publisher, 0);
    view_publisher_update(publisher, snapshot, NULL);
    view = view_publisher_enter(publisher, 0);
    CHECK_INT_EQ(lot_view_answer_count(view), 1);
    view_publisher_leave(publisher, 0);
    view_publisher_free(publisher);
    snapshot_free(snapshot);
}

/* A reload builds every lot's answer afresh, with the same bytes: the view takes the new ones. */
static void test_a_reload_leaves_no_second_copy_in_the_view(void)
{
    struct snapshot *snapshot = loaded();
    struct view_publisher *publisher = view_publisher_new(1);
    struct snapshot_record records[] = {
        {"lot-a", lot_json, 2, 1, now - MINUTE, NULL},
        {"lot-b", lot_json, 5, 1, now - MINUTE, NULL},
    };
    const struct rendered_answer *before;
    char etag[24];
    size_t skipped = 0;

    view_publisher_update(publisher, snapshot, NULL);
    before = snapshot_find(snapshot, "lot-a")->answer;
    snprintf(etag, sizeof(etag), "%s", before->etag);
    CHECK_INT_EQ(snapshot_load(snapshot, snapshot_begin_load(snapshot), records, 2, now, &skipped),
                 0);
    CHECK(snapshot_find(snapshot, "lot-a")->answer != before);
    CHECK_STR_EQ(snapshot_find(snapshot, "lot-a")->answer->etag, etag);
    view_publisher_update(publisher, snapshot, NULL);
    /* Shared again, and the old answers freed with the old version (LeakSanitizer otherwise). */
    check_same_answer(publisher, snapshot, "lot-a");
    check_same_answer(publisher, snapshot, "lot-b");
    CHECK_INT_EQ(atomic_load(&snapshot_find(snapshot, "lot-a")->answer->references), 2);
    CHECK_INT_EQ(view_publisher_reclaim(publisher), 0);
    view_publisher_free(publisher);
    snapshot_free(snapshot);
}

int main(void)
{
    RUN_TEST(test_the_view_follows_every_kind_of_change);
    RUN_TEST(test_a_reader_inside_holds_back_the_freeing);
    RUN_TEST(test_answers_are_published_and_withdrawn);
    RUN_TEST(test_a_reload_leaves_no_second_copy_in_the_view);
    return check_exit_status();
}
