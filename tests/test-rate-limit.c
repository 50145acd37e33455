/* test-rate-limit.c: token buckets: bursts, refill, Retry-After, a full table. */
#include "check.h"
#include "rate_limit.h"

#include <stdio.h>

static void test_burst_then_refill(void)
{
    struct rate_limit *limit = rate_limit_new(2.0, 5.0, 16);
    int retry = 0, allowed = 0;

    for (int i = 0; i < 8; i++)
        allowed += rate_limit_allow(limit, "10.0.0.1", 1000, &retry);
    CHECK_INT_EQ(allowed, 5);
    CHECK_INT_EQ(retry, 1);
    /* Another client has its own bucket. */
    CHECK(rate_limit_allow(limit, "10.0.0.2", 1000, &retry));
    /* Half a second later one token (2 per second) is back, not two. */
    CHECK(rate_limit_allow(limit, "10.0.0.1", 1500, &retry));
    CHECK(!rate_limit_allow(limit, "10.0.0.1", 1500, &retry));
    /* Ten seconds later the bucket is full again, but no fuller than the burst. */
    allowed = 0;
    for (int i = 0; i < 8; i++)
        allowed += rate_limit_allow(limit, "10.0.0.1", 11500, &retry);
    CHECK_INT_EQ(allowed, 5);
    rate_limit_free(limit);
    rate_limit_free(NULL);
}

static void test_slow_rate_retry_after(void)
{
    struct rate_limit *limit = rate_limit_new(0.1, 1.0, 16);
    int retry = 0;
    CHECK(rate_limit_allow(limit, "a", 0, &retry));
    CHECK(!rate_limit_allow(limit, "a", 0, &retry));
    CHECK_INT_EQ(retry, 10);
    rate_limit_free(limit);
}

/* Many more clients than slots: memory stays fixed and fresh clients still pass. */
static void test_full_table(void)
{
    struct rate_limit *limit = rate_limit_new(1.0, 2.0, 16);
    char key[32];
    int retry, allowed = 0;
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof(key), "client-%d", i);
        allowed += rate_limit_allow(limit, key, i, &retry);
    }
    CHECK_INT_EQ(allowed, 1000);
    rate_limit_free(limit);
}

/* A batch takes its number of tokens at once, or none. */
static void test_take_many(void)
{
    struct rate_limit *limit = rate_limit_new(1.0, 3.0, 16);
    int retry = 0;

    CHECK(rate_limit_take(limit, "token-a", 2.0, 0, &retry));
    /* One token left: a batch of two is refused whole and takes nothing. */
    CHECK(!rate_limit_take(limit, "token-a", 2.0, 0, &retry));
    CHECK_INT_EQ(retry, 1);
    CHECK(rate_limit_allow(limit, "token-a", 0, &retry));
    CHECK(!rate_limit_allow(limit, "token-a", 0, &retry));
    /* Three tokens missing at one per second: three seconds. */
    CHECK(!rate_limit_take(limit, "token-a", 3.0, 0, &retry));
    CHECK_INT_EQ(retry, 3);
    /* Another key is untouched. */
    CHECK(rate_limit_take(limit, "token-b", 3.0, 0, &retry));
    rate_limit_free(limit);
}

/* A batch larger than the burst goes ahead when the bucket is full, and empties it. */
static void test_take_more_than_burst(void)
{
    struct rate_limit *limit = rate_limit_new(1.0, 3.0, 16);
    int retry = 0;

    CHECK(rate_limit_take(limit, "token-a", 10.0, 0, &retry));
    CHECK(!rate_limit_allow(limit, "token-a", 0, &retry));
    CHECK(!rate_limit_take(limit, "token-a", 10.0, 1000, &retry));
    CHECK_INT_EQ(retry, 2);
    CHECK(rate_limit_take(limit, "token-a", 10.0, 3000, &retry));
    rate_limit_free(limit);
}

int main(void)
{
    RUN_TEST(test_burst_then_refill);
    RUN_TEST(test_slow_rate_retry_after);
    RUN_TEST(test_full_table);
    RUN_TEST(test_take_many);
    RUN_TEST(test_take_more_than_burst);
    return check_exit_status();
}
