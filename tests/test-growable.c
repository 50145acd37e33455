/* test-growable.c: reserving room in a growable array: doubling, keeping, refusing. */
#include "check.h"
#include "growable.h"

#include <stdint.h>
#include <stdlib.h>

static void test_first_reservation_and_doubling(void)
{
    int *items = NULL;
    size_t capacity = 0;

    CHECK_INT_EQ(growable_reserve((void **)&items, &capacity, 1, sizeof(*items)), 0);
    CHECK(items != NULL);
    CHECK_INT_EQ(capacity, GROWABLE_MINIMUM);
    for (int i = 0; i < GROWABLE_MINIMUM; i++)
        items[i] = i * 7;
    /* Room already there: nothing moves. */
    CHECK_INT_EQ(growable_reserve((void **)&items, &capacity, GROWABLE_MINIMUM, sizeof(*items)), 0);
    CHECK_INT_EQ(capacity, GROWABLE_MINIMUM);
    CHECK_INT_EQ(growable_reserve((void **)&items, &capacity, GROWABLE_MINIMUM + 1, sizeof(*items)),
                 0);
    CHECK_INT_EQ(capacity, 2 * GROWABLE_MINIMUM);
    /* A big jump doubles as often as it takes. */
    CHECK_INT_EQ(growable_reserve((void **)&items, &capacity, 5 * GROWABLE_MINIMUM, sizeof(*items)),
                 0);
    CHECK_INT_EQ(capacity, 8 * GROWABLE_MINIMUM);
    for (int i = 0; i < GROWABLE_MINIMUM; i++)
        CHECK_INT_EQ(items[i], i * 7);
    items[capacity - 1] = 1; /* the whole capacity is usable (ASan checks) */
    free(items);
}

static void test_odd_capacity_grows_from_itself(void)
{
    char *text = malloc(5);
    size_t capacity = 5;

    CHECK(text != NULL);
    memcpy(text, "abcd", 5);
    CHECK_INT_EQ(growable_reserve((void **)&text, &capacity, 6, 1), 0);
    CHECK_INT_EQ(capacity, 10);
    CHECK_STR_EQ(text, "abcd");
    free(text);
}

static void test_overflow_is_refused_and_changes_nothing(void)
{
    double *items = NULL;
    size_t capacity = 0;
    void *before;

    CHECK_INT_EQ(growable_reserve((void **)&items, &capacity, 3, sizeof(*items)), 0);
    before = items;
    CHECK_INT_EQ(growable_reserve((void **)&items, &capacity, SIZE_MAX / 2, sizeof(*items)), -1);
    CHECK_INT_EQ(growable_reserve((void **)&items, &capacity, SIZE_MAX, 1), -1);
    CHECK(items == before);
    CHECK_INT_EQ(capacity, GROWABLE_MINIMUM);
    free(items);
}

int main(void)
{
    RUN_TEST(test_first_reservation_and_doubling);
    RUN_TEST(test_odd_capacity_grows_from_itself);
    RUN_TEST(test_overflow_is_refused_and_changes_nothing);
    return check_exit_status();
}
