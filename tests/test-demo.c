/* test-demo.c: the demo's invented counts: plausible, stable, within capacity. */
#include "check.h"
#include "demo.h"

static void test_known_values(void)
{
    /* FNV-1a("gov-city-hall") % 61 picks the percentage; pinned so a demo starts alike. */
    CHECK_INT_EQ(demo_plausible_count("gov-city-hall", 150),
                 demo_plausible_count("gov-city-hall", 150));
    CHECK_INT_EQ(demo_plausible_count("a", 100), 35 + (int64_t)(0xe40c292cu % 61));
    CHECK_INT_EQ(demo_plausible_count("a", 0), 0);
    CHECK_INT_EQ(demo_plausible_count("a", -5), 0);
}

static void test_always_plausible(void)
{
    char id[8] = "lot-000";
    for (int i = 0; i < 1000; i++) {
        id[4] = (char)('0' + i / 100);
        id[5] = (char)('0' + i / 10 % 10);
        id[6] = (char)('0' + i % 10);
        int64_t count = demo_plausible_count(id, 200);
        CHECK(count >= 70 && count <= 190);
    }
    CHECK_INT_EQ(demo_plausible_count("x", 1), 0); /* 35..95% of one space rounds down */
}

int main(void)
{
    RUN_TEST(test_known_values);
    RUN_TEST(test_always_plausible);
    return check_exit_status();
}
