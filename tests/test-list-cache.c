/* test-list-cache.c: the bounded answer cache: hits, revisions, budgets, and who gets evicted. */
#include "check.h"
#include "etag.h"
#include "list_cache.h"

#include <stdlib.h>

/* A new body for key: its own bytes, so answers can be told apart. */
static char *body_of(const char *key, size_t *length)
{
    char *body = strdup(key);
    *length = strlen(key);
    return body;
}

static int store(struct list_cache *cache, const char *key, uint64_t revision)
{
    size_t length;
    char *body = body_of(key, &length);
    int result = list_cache_store(cache, key, revision, body, length, NULL);
    if (result != 0)
        free(body);
    return result;
}

static void test_hit_and_miss(void)
{
    struct list_cache *cache = list_cache_new(8, 4096);
    const struct list_cache_answer *stored = NULL, *found;
    char etag[24];
    size_t length;
    char *body = body_of("lots|group=a", &length);

    CHECK(list_cache_find(cache, "lots|group=a", 1) == NULL);
    CHECK_INT_EQ(list_cache_store(cache, "lots|group=a", 1, body, length, &stored), 0);
    found = list_cache_find(cache, "lots|group=a", 1);
    CHECK(found == stored);
    CHECK(found->body == body);
    CHECK_INT_EQ(found->length, length);
    etag_of(body, length, etag, sizeof(etag));
    CHECK_STR_EQ(found->etag, etag);
    CHECK(list_cache_find(cache, "lots|group=b", 1) == NULL);
    CHECK(list_cache_find(cache, "lots|group=", 1) == NULL); /* a prefix is another key */
    CHECK_INT_EQ(list_cache_entries(cache), 1);
    CHECK_INT_EQ(list_cache_bytes(cache), 2 * length + 1);
    list_cache_free(cache);
    list_cache_free(NULL);
}

static void test_another_revision_drops_everything(void)
{
    struct list_cache *cache = list_cache_new(8, 4096);

    CHECK_INT_EQ(store(cache, "a", 1), 0);
    CHECK_INT_EQ(store(cache, "b", 1), 0);
    CHECK(list_cache_find(cache, "a", 2) == NULL);
    CHECK_INT_EQ(list_cache_entries(cache), 0);
    CHECK_INT_EQ(list_cache_bytes(cache), 0);
    CHECK(list_cache_find(cache, "b", 1) == NULL); /* gone, not hidden */
    CHECK_INT_EQ(store(cache, "a", 3), 0);
    CHECK(list_cache_find(cache, "a", 3) != NULL);
    list_cache_free(cache);
}

static void test_storing_a_key_again_replaces_it(void)
{
    struct list_cache *cache = list_cache_new(8, 4096);
    const struct list_cache_answer *found;
    char *second = strdup("second");

    CHECK_INT_EQ(store(cache, "a", 1), 0);
    CHECK_INT_EQ(list_cache_store(cache, "a", 1, second, 6, NULL), 0);
    found = list_cache_find(cache, "a", 1);
    CHECK(found != NULL && found->body == second);
    CHECK_INT_EQ(list_cache_entries(cache), 1);
    list_cache_free(cache);
}

static void test_entry_budget_drops_the_least_recently_used(void)
{
    struct list_cache *cache = list_cache_new(4, 4096);

    for (int i = 0; i < 4; i++) {
        char key[8];
        snprintf(key, sizeof(key), "k%d", i);
        CHECK_INT_EQ(store(cache, key, 1), 0);
    }
    CHECK_INT_EQ(list_cache_entries(cache), 4);
    CHECK_INT_EQ(store(cache, "k4", 1), 0);
    CHECK_INT_EQ(list_cache_entries(cache), 4);
    CHECK(list_cache_find(cache, "k0", 1) == NULL);
    CHECK(list_cache_find(cache, "k1", 1) != NULL);
    CHECK(list_cache_find(cache, "k4", 1) != NULL);
    list_cache_free(cache);
}

static void test_byte_budget_and_too_large(void)
{
    struct list_cache *cache = list_cache_new(64, 1000);
    char *large = calloc(1, 251);

    /* A quarter of the budget at most, key included. */
    CHECK_INT_EQ(list_cache_store(cache, "k", 1, large, 249, NULL), LIST_CACHE_ERROR_TOO_LARGE);
    CHECK_INT_EQ(list_cache_entries(cache), 0);
    free(large);
    for (int i = 0; i < 20; i++) {
        char key[96];
        snprintf(key, sizeof(key), "key-%02d-%070d", i, 0); /* 77 bytes, 155 with the body */
        CHECK_INT_EQ(store(cache, key, 1), 0);
        CHECK(list_cache_bytes(cache) <= 1000);
    }
    CHECK_INT_EQ(list_cache_entries(cache), 6);
    list_cache_free(cache);
}

/* Many one-off queries must not push out the answers that are asked for again. */
static void test_a_flood_of_one_off_queries_leaves_the_popular_ones(void)
{
    struct list_cache *cache = list_cache_new(8, 1 << 20);

    CHECK_INT_EQ(store(cache, "popular-1", 1), 0);
    CHECK_INT_EQ(store(cache, "popular-2", 1), 0);
    CHECK(list_cache_find(cache, "popular-1", 1) != NULL);
    CHECK(list_cache_find(cache, "popular-2", 1) != NULL);
    for (int i = 0; i < 1000; i++) {
        char key[32];
        snprintf(key, sizeof(key), "one-off-%d", i);
        CHECK_INT_EQ(store(cache, key, 1), 0);
    }
    CHECK_INT_EQ(list_cache_entries(cache), 8);
    CHECK(list_cache_find(cache, "popular-1", 1) != NULL);
    CHECK(list_cache_find(cache, "popular-2", 1) != NULL);
    CHECK(list_cache_find(cache, "one-off-0", 1) == NULL);
    CHECK(list_cache_find(cache, "one-off-999", 1) != NULL);
    list_cache_free(cache);
}

/* The protected answers hold three quarters of the entries at most: new ones still get in. */
static void test_protected_answers_leave_room_for_new_ones(void)
{
    struct list_cache *cache = list_cache_new(4, 1 << 20);
    const char *keys[] = {"a", "b", "c", "d"};

    for (int i = 0; i < 4; i++)
        CHECK_INT_EQ(store(cache, keys[i], 1), 0);
    for (int i = 0; i < 4; i++)
        CHECK(list_cache_find(cache, keys[i], 1) != NULL);
    CHECK_INT_EQ(store(cache, "new", 1), 0);
    CHECK(list_cache_find(cache, "new", 1) != NULL);
    CHECK_INT_EQ(list_cache_entries(cache), 4);
    /* "a" was the least recently used when it was demoted, then dropped. */
    CHECK(list_cache_find(cache, "a", 1) == NULL);
    CHECK(list_cache_find(cache, "d", 1) != NULL);
    list_cache_free(cache);
}

/* The gzip copy is made on the first ask, kept (the same bytes after), counted, dropped with it. */
static void test_gzip_copy_is_made_once_and_counted(void)
{
    struct list_cache *cache = list_cache_new(8, 1 << 20);
    const struct list_cache_answer *stored = NULL, *small = NULL;
    const struct gzip_copy *first, *again;
    size_t length = 4000, before;
    char *body = malloc(length), expected[32];

    for (size_t i = 0; i < length; i++)
        body[i] = "{\"lots\":[]}"[i % 11];
    CHECK_INT_EQ(list_cache_store(cache, "lots|", 1, body, length, &stored), 0);
    CHECK(stored->gzip.body == NULL);
    before = list_cache_bytes(cache);
    CHECK_INT_EQ(before, 6 + length);
    first = list_cache_gzip(cache, stored);
    CHECK(first == &stored->gzip);
    CHECK(first->body != NULL && first->length > 0 && first->length < length / 10);
    snprintf(expected, sizeof(expected), "%.*s-gzip\"", (int)strlen(stored->etag) - 1,
             stored->etag);
    CHECK_STR_EQ(first->etag, expected);
    CHECK_INT_EQ(list_cache_bytes(cache), before + first->length);
    again = list_cache_gzip(cache, list_cache_find(cache, "lots|", 1));
    CHECK(again == first);
    CHECK(again->body == stored->gzip.body);
    CHECK_INT_EQ(list_cache_bytes(cache), before + first->length);
    /* An answer of 1 KB or less has none. */
    CHECK_INT_EQ(store(cache, "small", 1), 0);
    small = list_cache_find(cache, "small", 1);
    CHECK(list_cache_gzip(cache, small) == NULL);
    /* Another revision drops the answer and its copy (the sanitizer run sees any leak). */
    CHECK(list_cache_find(cache, "lots|", 2) == NULL);
    CHECK_INT_EQ(list_cache_bytes(cache), 0);
    list_cache_free(cache);
}

int main(void)
{
    RUN_TEST(test_hit_and_miss);
    RUN_TEST(test_another_revision_drops_everything);
    RUN_TEST(test_storing_a_key_again_replaces_it);
    RUN_TEST(test_entry_budget_drops_the_least_recently_used);
    RUN_TEST(test_byte_budget_and_too_large);
    RUN_TEST(test_a_flood_of_one_off_queries_leaves_the_popular_ones);
    RUN_TEST(test_protected_answers_leave_room_for_new_ones);
    RUN_TEST(test_gzip_copy_is_made_once_and_counted);
    return check_exit_status();
}
