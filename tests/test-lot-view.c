/* test-lot-view.c: the path-copied view: versions unchanged by later drafts, garbage, lookups. */
#include "check.h"
#include "lot_view.h"

#include <stdio.h>
#include <stdlib.h>

static struct rendered_answer *entry_of(const char *id, const char *body)
{
    char etag[24];
    snprintf(etag, sizeof(etag), "\"%.16s\"", body);
    return rendered_answer_copy(id, body, strlen(body), etag);
}

/* A version with lots lot-0 .. lot-(count-1), each with body "v0-<i>". */
static struct lot_view *view_with(size_t count)
{
    struct lot_view_draft *draft = NULL;
    struct lot_view_garbage *garbage = NULL;
    struct lot_view *view;
    char id[32], body[32];

    CHECK_INT_EQ(lot_view_draft_begin(NULL, &draft), 0);
    for (size_t i = 0; i < count; i++) {
        snprintf(id, sizeof(id), "lot-%zu", i);
        snprintf(body, sizeof(body), "v0-%zu", i);
        CHECK_INT_EQ(lot_view_draft_put(draft, entry_of(id, body)), 0);
    }
    view = lot_view_draft_finish(draft, &garbage);
    /* A first version replaces nothing: every piece was made by this draft. */
    CHECK_INT_EQ(lot_view_garbage_size(garbage), 0);
    lot_view_garbage_free(garbage);
    return view;
}

static void test_entries_are_found_by_id_and_shared(void)
{
    struct rendered_answer *entry = rendered_answer_copy("a", "{\"x\":1}", 7, "\"e\"");
    struct lot_view_draft *draft = NULL;
    struct lot_view_garbage *garbage = NULL;
    struct lot_view *view;
    const struct rendered_answer *found;

    CHECK(entry != NULL);
    CHECK_INT_EQ(lot_view_draft_begin(NULL, &draft), 0);
    CHECK_INT_EQ(lot_view_draft_put(draft, entry), 0);
    view = lot_view_draft_finish(draft, &garbage);
    found = lot_view_find(view, "a");
    /* The very object put, not a copy of it. */
    CHECK(found == entry);
    if (found != NULL) {
        CHECK_INT_EQ(found->body_length, 7);
        CHECK(memcmp(found->body, "{\"x\":1}", 7) == 0);
        CHECK_STR_EQ(found->etag, "\"e\"");
        CHECK(!rendered_answer_has_gzip(found));
    }
    CHECK(lot_view_find(view, "b") == NULL);
    CHECK(lot_view_find(NULL, "a") == NULL);
    CHECK_INT_EQ(lot_view_count(view), 1);
    CHECK_INT_EQ(lot_view_stale_since(view), -1);
    lot_view_garbage_free(garbage);
    lot_view_free(view);
}

/* Many ids share buckets (2^15 of them): every one is still found, and only once. */
static void test_many_ids_each_found(void)
{
    struct lot_view *view = view_with(100000);
    char id[32], body[32];
    size_t wrong = 0;

    CHECK_INT_EQ(lot_view_count(view), 100000);
    for (size_t i = 0; i < 100000; i++) {
        const struct rendered_answer *entry;
        snprintf(id, sizeof(id), "lot-%zu", i);
        snprintf(body, sizeof(body), "v0-%zu", i);
        entry = lot_view_find(view, id);
        if (entry == NULL || entry->body_length != strlen(body) ||
            memcmp(entry->body, body, entry->body_length) != 0)
            wrong++;
    }
    CHECK_INT_EQ(wrong, 0);
    CHECK(lot_view_find(view, "lot-100000") == NULL);
    lot_view_free(view);
}

static void count_entry(const struct rendered_answer *entry, void *data)
{
    (void)entry;
    (*(size_t *)data)++;
}

/*
 * The heart of it: a draft never changes the version it started from, so a
 * reader holding that version sees it whole; the garbage is exactly the
 * path copied (3 nodes and a bucket), the replaced entry and the old version.
 */
static void test_a_change_copies_one_path_and_keeps_the_old_version(void)
{
    struct lot_view *old = view_with(1000), *next;
    struct lot_view_draft *draft = NULL;
    struct lot_view_garbage *garbage = NULL;
    const struct rendered_answer *before = lot_view_find(old, "lot-7");
    const struct rendered_answer *neighbour = lot_view_find(old, "lot-8");
    size_t visited = 0;

    CHECK_INT_EQ(lot_view_draft_begin(old, &draft), 0);
    CHECK_INT_EQ(lot_view_draft_put(draft, entry_of("lot-7", "v1-7")), 0);
    /* Within the same draft the copied path is changed in place: no second copy. */
    CHECK_INT_EQ(lot_view_draft_put(draft, entry_of("lot-7", "v2-7")), 0);
    next = lot_view_draft_finish(draft, &garbage);
    /* 3 nodes + 1 bucket + both replaced lot-7 entries + the old version. */
    CHECK_INT_EQ(lot_view_garbage_size(garbage), 7);
    CHECK(lot_view_find(old, "lot-7") == before);
    CHECK(memcmp(before->body, "v0-7", 4) == 0);
    CHECK(memcmp(lot_view_find(next, "lot-7")->body, "v2-7", 4) == 0);
    /* Unchanged lots are shared, not copied. */
    CHECK(lot_view_find(next, "lot-8") == neighbour);
    CHECK_INT_EQ(lot_view_count(old), 1000);
    CHECK_INT_EQ(lot_view_count(next), 1000);
    lot_view_each(next, count_entry, &visited);
    CHECK_INT_EQ(visited, 1000);
    /* Freeing the garbage frees the old version: the new one stays whole (ASan checks). */
    lot_view_garbage_free(garbage);
    CHECK(memcmp(lot_view_find(next, "lot-8")->body, "v0-8", 4) == 0);
    lot_view_free(next);
}

/* v1-7 replaced within the draft: 3 nodes, 1 bucket, v0-7, v1-7, the version. */
static void test_garbage_counts_replaced_entries_of_the_draft_too(void)
{
    struct lot_view *old = view_with(10), *next;
    struct lot_view_draft *draft = NULL;
    struct lot_view_garbage *garbage = NULL;

    CHECK_INT_EQ(lot_view_draft_begin(old, &draft), 0);
    CHECK_INT_EQ(lot_view_draft_put(draft, entry_of("lot-3", "v1-3")), 0);
    CHECK_INT_EQ(lot_view_draft_put(draft, entry_of("lot-3", "v2-3")), 0);
    CHECK_INT_EQ(lot_view_draft_put(draft, entry_of("lot-3", "v3-3")), 0);
    next = lot_view_draft_finish(draft, &garbage);
    CHECK_INT_EQ(lot_view_garbage_size(garbage), 3 + 1 + 3 + 1);
    lot_view_garbage_free(garbage);
    CHECK(memcmp(lot_view_find(next, "lot-3")->body, "v3-3", 4) == 0);
    lot_view_free(next);
}

static void test_remove_and_absent_ids(void)
{
    struct lot_view *old = view_with(50), *next;
    struct lot_view_draft *draft = NULL;
    struct lot_view_garbage *garbage = NULL;

    CHECK_INT_EQ(lot_view_draft_begin(old, &draft), 0);
    CHECK_INT_EQ(lot_view_draft_remove(draft, "lot-20"), 0);
    CHECK_INT_EQ(lot_view_draft_remove(draft, "no-such-lot"), 0);
    CHECK(lot_view_find(lot_view_draft_view(draft), "lot-20") == NULL);
    lot_view_draft_set_stale(draft, 1234);
    next = lot_view_draft_finish(draft, &garbage);
    CHECK(lot_view_find(old, "lot-20") != NULL);
    CHECK(lot_view_find(next, "lot-20") == NULL);
    CHECK(lot_view_find(next, "lot-21") != NULL);
    CHECK_INT_EQ(lot_view_count(next), 49);
    CHECK_INT_EQ(lot_view_stale_since(next), 1234);
    CHECK_INT_EQ(lot_view_stale_since(old), -1);
    /* The path, the bucket, the removed entry and the old version; the absent id cost nothing. */
    CHECK_INT_EQ(lot_view_garbage_size(garbage), 3 + 1 + 1 + 1);
    lot_view_garbage_free(garbage);
    lot_view_free(next);
}

/* Whether entry is there with exactly body (bodies are not NUL-terminated). */
static bool body_is(const struct rendered_answer *entry, const char *body)
{
    return entry != NULL && entry->body_length == strlen(body) &&
           memcmp(entry->body, body, entry->body_length) == 0;
}

/* Other reads' answers: a map of their own, never seen as lots; dropped whole when asked. */
static void test_answers_are_kept_apart_from_lots(void)
{
    struct lot_view *first = view_with(3), *second, *third;
    struct lot_view_draft *draft = NULL;
    struct lot_view_garbage *garbage = NULL;

    CHECK_INT_EQ(lot_view_draft_begin(first, &draft), 0);
    CHECK_INT_EQ(lot_view_draft_put_answer(draft, entry_of("lot-1", "answer")), 0);
    CHECK_INT_EQ(lot_view_draft_put_answer(draft, entry_of("totals.j|-|-|-|-", "t1")), 0);
    second = lot_view_draft_finish(draft, &garbage);
    CHECK(lot_view_find_answer(first, "lot-1") == NULL);
    lot_view_garbage_free(garbage);
    /* The lot and the answer under the same key are two entries. */
    CHECK(body_is(lot_view_find(second, "lot-1"), "v0-1"));
    CHECK(body_is(lot_view_find_answer(second, "lot-1"), "answer"));
    CHECK(lot_view_find(second, "totals.j|-|-|-|-") == NULL);
    CHECK(lot_view_find_answer(second, "lot-0") == NULL);
    CHECK_INT_EQ(lot_view_count(second), 3);
    CHECK_INT_EQ(lot_view_answer_count(second), 2);

    CHECK_INT_EQ(lot_view_draft_begin(second, &draft), 0);
    CHECK_INT_EQ(lot_view_draft_remove_answer(draft, "lot-1"), 0);
    CHECK_INT_EQ(lot_view_draft_put_answer(draft, entry_of("totals.j|-|-|-|-", "t2")), 0);
    lot_view_draft_drop_answers(draft);
    CHECK_INT_EQ(lot_view_draft_put_answer(draft, entry_of("totals.t|-|-|-|-", "t3")), 0);
    third = lot_view_draft_finish(draft, &garbage);
    /* The previous version is unchanged for its readers until its garbage is freed. */
    CHECK(body_is(lot_view_find_answer(second, "totals.j|-|-|-|-"), "t1"));
    CHECK(body_is(lot_view_find_answer(second, "lot-1"), "answer"));
    lot_view_garbage_free(garbage);
    CHECK(lot_view_find_answer(third, "totals.j|-|-|-|-") == NULL);
    CHECK(lot_view_find_answer(third, "lot-1") == NULL);
    CHECK(body_is(lot_view_find_answer(third, "totals.t|-|-|-|-"), "t3"));
    CHECK_INT_EQ(lot_view_answer_count(third), 1);
    CHECK(body_is(lot_view_find(third, "lot-2"), "v0-2"));
    lot_view_free(third);
}

int main(void)
{
    RUN_TEST(test_entries_are_found_by_id_and_shared);
    RUN_TEST(test_many_ids_each_found);
    RUN_TEST(test_a_change_copies_one_path_and_keeps_the_old_version);
    RUN_TEST(test_garbage_counts_replaced_entries_of_the_draft_too);
    RUN_TEST(test_remove_and_absent_ids);
    RUN_TEST(test_answers_are_kept_apart_from_lots);
    return check_exit_status();
}
