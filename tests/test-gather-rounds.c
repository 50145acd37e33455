/* test-gather-rounds.c: scrapes close when every worker has answered, or when their time is over.
 */
#include "check.h"
#include "gather_rounds.h"

#include <stdlib.h>

/* What closed, in order: the cookies' numbers and the workers missing for each. */
struct closed {
    int cookies[8];
    size_t missing[8];
    size_t count;
};

static void note(void *cookie, size_t missing, void *data)
{
    struct closed *closed = data;
    if (closed->count < 8) {
        closed->cookies[closed->count] = *(int *)cookie;
        closed->missing[closed->count] = missing;
    }
    closed->count++;
}

/* A round closes only when the last worker has answered its serial. */
static void test_a_round_waits_for_every_worker(void)
{
    struct gather_rounds *rounds = gather_rounds_new(3);
    struct closed closed = {0};
    int first = 1;
    uint64_t serial = gather_rounds_open(rounds, &first);

    CHECK_INT_EQ(serial, 1);
    gather_rounds_answered(rounds, 0, serial);
    gather_rounds_answered(rounds, 2, serial);
    CHECK_INT_EQ(gather_rounds_settle(rounds, note, &closed), 0);
    CHECK_INT_EQ(closed.count, 0);
    gather_rounds_answered(rounds, 1, serial);
    CHECK_INT_EQ(gather_rounds_settle(rounds, note, &closed), 1);
    CHECK_INT_EQ(closed.count, 1);
    CHECK_INT_EQ(closed.cookies[0], 1);
    CHECK_INT_EQ(closed.missing[0], 0);
    CHECK_INT_EQ(gather_rounds_open_count(rounds), 0);
    gather_rounds_free(rounds);
}

/* Concurrent scrapes: each closes on its own; a newer answer closes the older rounds too. */
static void test_concurrent_rounds_do_not_confuse_each_other(void)
{
    struct gather_rounds *rounds = gather_rounds_new(2);
    struct closed closed = {0};
    int one = 1, two = 2, three = 3;
    uint64_t a = gather_rounds_open(rounds, &one);
    uint64_t b = gather_rounds_open(rounds, &two);
    uint64_t c = gather_rounds_open(rounds, &three);

    CHECK_INT_EQ(b, a + 1);
    CHECK_INT_EQ(c, a + 2);
    /* Worker 0 handed its counts over having seen b: a and b are answered by it, not c. */
    gather_rounds_answered(rounds, 0, b);
    gather_rounds_answered(rounds, 1, a);
    CHECK_INT_EQ(gather_rounds_settle(rounds, note, &closed), 1);
    CHECK_INT_EQ(closed.cookies[0], 1);
    /* An older answer arriving late changes nothing. */
    gather_rounds_answered(rounds, 0, a);
    gather_rounds_answered(rounds, 1, c);
    CHECK_INT_EQ(gather_rounds_settle(rounds, note, &closed), 1);
    CHECK_INT_EQ(closed.count, 2);
    CHECK_INT_EQ(closed.cookies[1], 2);
    CHECK_INT_EQ(gather_rounds_open_count(rounds), 1);
    gather_rounds_answered(rounds, 0, c);
    CHECK_INT_EQ(gather_rounds_settle(rounds, note, &closed), 1);
    CHECK_INT_EQ(closed.cookies[2], 3);
    CHECK_INT_EQ(closed.missing[2], 0);
    gather_rounds_free(rounds);
}

/* A round whose time is over closes with the workers that did not answer counted. */
static void test_an_expired_round_says_who_is_missing(void)
{
    struct gather_rounds *rounds = gather_rounds_new(3);
    struct closed closed = {0};
    int one = 1, two = 2;
    uint64_t a = gather_rounds_open(rounds, &one);
    uint64_t b = gather_rounds_open(rounds, &two);

    gather_rounds_answered(rounds, 1, a);
    CHECK(gather_rounds_expire(rounds, a, note, &closed));
    CHECK_INT_EQ(closed.count, 1);
    CHECK_INT_EQ(closed.cookies[0], 1);
    CHECK_INT_EQ(closed.missing[0], 2);
    /* Closed once only. */
    CHECK(!gather_rounds_expire(rounds, a, note, &closed));
    CHECK_INT_EQ(gather_rounds_open_count(rounds), 1);
    gather_rounds_expire_all(rounds, note, &closed);
    CHECK_INT_EQ(closed.count, 2);
    CHECK_INT_EQ(closed.cookies[1], 2);
    CHECK_INT_EQ(closed.missing[1], 3);
    CHECK(!gather_rounds_expire(rounds, b, note, &closed));
    gather_rounds_free(rounds);
}

/* A worker whose loop has ended answers every round, present and future. */
static void test_a_worker_gone_leaves_no_round_hanging(void)
{
    struct gather_rounds *rounds = gather_rounds_new(2);
    struct closed closed = {0};
    int one = 1, two = 2;
    uint64_t a = gather_rounds_open(rounds, &one);

    gather_rounds_answered(rounds, 0, GATHER_ROUNDS_GONE);
    gather_rounds_answered(rounds, 1, a);
    CHECK_INT_EQ(gather_rounds_settle(rounds, note, &closed), 1);
    CHECK_INT_EQ(closed.missing[0], 0);
    gather_rounds_answered(rounds, 1, GATHER_ROUNDS_GONE);
    gather_rounds_open(rounds, &two);
    CHECK_INT_EQ(gather_rounds_settle(rounds, note, &closed), 1);
    CHECK_INT_EQ(closed.cookies[1], 2);
    /* Workers out of range are ignored; freeing with a round open frees it. */
    gather_rounds_answered(rounds, 9, 5);
    gather_rounds_open(rounds, &one);
    gather_rounds_free(rounds);
    gather_rounds_free(NULL);
}

int main(void)
{
    RUN_TEST(test_a_round_waits_for_every_worker);
    RUN_TEST(test_concurrent_rounds_do_not_confuse_each_other);
    RUN_TEST(test_an_expired_round_says_who_is_missing);
    RUN_TEST(test_a_worker_gone_leaves_no_round_hanging);
    return check_exit_status();
}
