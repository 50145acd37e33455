/* test-simulate.c: the simulation's steps: never past empty or full, arrivals likelier when empty.
 */
#include "check.h"
#include "simulate.h"

static void test_bounds(void)
{
    CHECK_INT_EQ(simulate_step(0, 10, 0.99), 1);  /* an empty lot can only fill */
    CHECK_INT_EQ(simulate_step(10, 10, 0.0), -1); /* a full lot can only empty */
    CHECK_INT_EQ(simulate_step(12, 10, 0.0), -1);
    CHECK_INT_EQ(simulate_step(0, 0, 0.5), 0); /* no space at all: nothing happens */
}

static void test_arrivals_follow_the_fill(void)
{
    int arrivals_nearly_empty = 0, arrivals_nearly_full = 0;
    for (int i = 0; i < 1000; i++) {
        double draw = (i + 0.5) / 1000.0; /* mid-points: no draw on a boundary */
        arrivals_nearly_empty += simulate_step(1, 100, draw) == 1;
        arrivals_nearly_full += simulate_step(99, 100, draw) == 1;
    }
    /* 0.8 - 0.5 × fill of the draws are arrivals. */
    CHECK_INT_EQ(arrivals_nearly_empty, 795);
    CHECK_INT_EQ(arrivals_nearly_full, 305);
}

int main(void)
{
    RUN_TEST(test_bounds);
    RUN_TEST(test_arrivals_follow_the_fill);
    return check_exit_status();
}
