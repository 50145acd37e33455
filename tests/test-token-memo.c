/* test-token-memo.c: bearer hashes remembered as tokens: recall, replace, forget, bad input. */
#include "check.h"
#include "token_memo.h"

#include <stdio.h>
#include <string.h>

/* A 64-digit hash whose first digits (the ones that pick a slot) come from seed. */
static void make_hash(char hash[65], unsigned seed)
{
    snprintf(hash, 65, "%012x%052d", seed, 0);
}

static void test_recall_what_was_remembered(void)
{
    struct token_memo *memo = token_memo_new(64);
    struct token_memo_entry entry;
    char attendant[65], admin[65], stranger[65];

    make_hash(attendant, 1);
    make_hash(admin, 2);
    make_hash(stranger, 3);
    token_memo_remember(memo, attendant, "tok_0123456789ab", false);
    token_memo_remember(memo, admin, "tok_admin", true);
    CHECK(token_memo_recall(memo, attendant, &entry));
    CHECK_STR_EQ(entry.id, "tok_0123456789ab");
    CHECK(!entry.admin);
    CHECK(token_memo_recall(memo, admin, &entry));
    CHECK_STR_EQ(entry.id, "tok_admin");
    CHECK(entry.admin);
    CHECK(!token_memo_recall(memo, stranger, &entry));
    token_memo_free(memo);
    token_memo_free(NULL);
}

static void test_forget_and_replace(void)
{
    struct token_memo *memo = token_memo_new(1); /* rounded up to 16 slots */
    struct token_memo_entry entry;
    char first[65], second[65];

    make_hash(first, 7);
    token_memo_remember(memo, first, "tok_first", false);
    token_memo_forget(memo, first);
    CHECK(!token_memo_recall(memo, first, &entry));
    /* Forgetting a hash that is not there leaves its slot's owner alone. */
    token_memo_remember(memo, first, "tok_first", false);
    make_hash(second, 8);
    token_memo_forget(memo, second);
    CHECK(token_memo_recall(memo, first, &entry));
    /* However many tokens pass, the memo keeps its size; each remembered one is recalled right
     * or not at all. */
    for (unsigned i = 0; i < 1000; i++) {
        char hash[65], id[32];
        make_hash(hash, 100 + i);
        snprintf(id, sizeof(id), "tok_%u", i);
        token_memo_remember(memo, hash, id, i % 2 == 0);
    }
    for (unsigned i = 0; i < 1000; i++) {
        char hash[65], id[32];
        make_hash(hash, 100 + i);
        snprintf(id, sizeof(id), "tok_%u", i);
        if (token_memo_recall(memo, hash, &entry)) {
            CHECK_STR_EQ(entry.id, id);
            CHECK(entry.admin == (i % 2 == 0));
        }
    }
    token_memo_free(memo);
}

static void test_bad_input_is_not_remembered(void)
{
    struct token_memo *memo = token_memo_new(16);
    struct token_memo_entry entry;
    char hash[65], long_id[80];

    make_hash(hash, 9);
    token_memo_remember(memo, "abc", "tok_short_hash", false);
    CHECK(!token_memo_recall(memo, "abc", &entry));
    memset(long_id, 'x', sizeof(long_id) - 1);
    long_id[sizeof(long_id) - 1] = '\0';
    token_memo_remember(memo, hash, long_id, false);
    CHECK(!token_memo_recall(memo, hash, &entry));
    token_memo_free(memo);
}

int main(void)
{
    RUN_TEST(test_recall_what_was_remembered);
    RUN_TEST(test_forget_and_replace);
    RUN_TEST(test_bad_input_is_not_remembered);
    return check_exit_status();
}
