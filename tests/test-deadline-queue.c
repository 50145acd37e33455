/* test-deadline-queue.c: items by due instant: order, moves, removal, positions, against a model.
 */
#include "check.h"
#include "deadline_queue.h"

#include <stdint.h>
#include <stdlib.h>

struct item {
    int number;
    size_t position;
    int64_t due_ms; /* the model: -1 when not queued */
};

#define ITEMS 200

static void test_taken_earliest_first(void)
{
    struct deadline_queue queue;
    struct item items[5] = {{0, DEADLINE_QUEUE_ABSENT, 0},
                            {1, DEADLINE_QUEUE_ABSENT, 0},
                            {2, DEADLINE_QUEUE_ABSENT, 0},
                            {3, DEADLINE_QUEUE_ABSENT, 0},
                            {4, DEADLINE_QUEUE_ABSENT, 0}};
    const int64_t due[5] = {50, 10, 40, 10, 30};
    struct item *taken;

    deadline_queue_init(&queue);
    CHECK_INT_EQ(deadline_queue_earliest(&queue), -1);
    CHECK(deadline_queue_take_due(&queue, INT64_MAX) == NULL);
    for (int i = 0; i < 5; i++)
        CHECK_INT_EQ(deadline_queue_set(&queue, &items[i], &items[i].position, due[i]), 0);
    CHECK_INT_EQ(deadline_queue_earliest(&queue), 10);
    /* Nothing is due before its instant. */
    CHECK(deadline_queue_take_due(&queue, 9) == NULL);
    taken = deadline_queue_take_due(&queue, 10);
    CHECK(taken == &items[1] || taken == &items[3]);
    CHECK_INT_EQ(taken->position, DEADLINE_QUEUE_ABSENT);
    taken = deadline_queue_take_due(&queue, 10);
    CHECK(taken == &items[1] || taken == &items[3]);
    CHECK(deadline_queue_take_due(&queue, 29) == NULL);
    CHECK(deadline_queue_take_due(&queue, 100) == &items[4]);
    CHECK(deadline_queue_take_due(&queue, 100) == &items[2]);
    CHECK(deadline_queue_take_due(&queue, 100) == &items[0]);
    CHECK(deadline_queue_take_due(&queue, 100) == NULL);
    CHECK_INT_EQ(deadline_queue_earliest(&queue), -1);
    deadline_queue_deinit(&queue);
}

static void test_moved_and_removed(void)
{
    struct deadline_queue queue;
    struct item a = {0, DEADLINE_QUEUE_ABSENT, 0}, b = {1, DEADLINE_QUEUE_ABSENT, 0},
                c = {2, DEADLINE_QUEUE_ABSENT, 0};

    deadline_queue_init(&queue);
    CHECK_INT_EQ(deadline_queue_set(&queue, &a, &a.position, 100), 0);
    CHECK_INT_EQ(deadline_queue_set(&queue, &b, &b.position, 200), 0);
    CHECK_INT_EQ(deadline_queue_set(&queue, &c, &c.position, 300), 0);
    /* A later instant for the earliest: the next one comes first now. */
    CHECK_INT_EQ(deadline_queue_set(&queue, &a, &a.position, 400), 0);
    CHECK_INT_EQ(deadline_queue_earliest(&queue), 200);
    /* An earlier one for the last. */
    CHECK_INT_EQ(deadline_queue_set(&queue, &c, &c.position, 150), 0);
    CHECK_INT_EQ(deadline_queue_earliest(&queue), 150);
    /* A negative instant takes it out; removing twice is harmless. */
    CHECK_INT_EQ(deadline_queue_set(&queue, &c, &c.position, -1), 0);
    CHECK_INT_EQ(c.position, DEADLINE_QUEUE_ABSENT);
    deadline_queue_remove(&queue, &c.position);
    CHECK_INT_EQ(deadline_queue_earliest(&queue), 200);
    deadline_queue_remove(&queue, &b.position);
    CHECK_INT_EQ(deadline_queue_earliest(&queue), 400);
    deadline_queue_clear(&queue);
    CHECK_INT_EQ(a.position, DEADLINE_QUEUE_ABSENT);
    CHECK_INT_EQ(deadline_queue_earliest(&queue), -1);
    deadline_queue_deinit(&queue);
}

/* The model's earliest instant, or -1. */
static int64_t model_earliest(const struct item *items)
{
    int64_t earliest = -1;
    for (int i = 0; i < ITEMS; i++)
        if (items[i].due_ms >= 0 && (earliest < 0 || items[i].due_ms < earliest))
            earliest = items[i].due_ms;
    return earliest;
}

/* Random sets, moves, removals and takes agree with a plain array at every step. */
static void test_agrees_with_a_model(void)
{
    struct deadline_queue queue;
    struct item items[ITEMS];
    unsigned seed = 12345;

    deadline_queue_init(&queue);
    for (int i = 0; i < ITEMS; i++)
        items[i] = (struct item){i, DEADLINE_QUEUE_ABSENT, -1};
    for (int step = 0; step < 20000; step++) {
        seed = seed * 1103515245u + 12345u;
        struct item *item = &items[(seed >> 8) % ITEMS];
        unsigned action = (seed >> 20) % 4;
        if (action < 2) {
            int64_t due = (int64_t)((seed >> 4) % 1000);
            CHECK_INT_EQ(deadline_queue_set(&queue, item, &item->position, due), 0);
            item->due_ms = due;
        } else if (action == 2) {
            deadline_queue_remove(&queue, &item->position);
            item->due_ms = -1;
        } else {
            int64_t now = (int64_t)((seed >> 6) % 1000);
            struct item *taken = deadline_queue_take_due(&queue, now);
            int64_t earliest = model_earliest(items);
            if (earliest >= 0 && earliest <= now) {
                CHECK(taken != NULL);
                CHECK_INT_EQ(taken->due_ms, earliest);
                taken->due_ms = -1;
            } else {
                CHECK(taken == NULL);
            }
        }
        CHECK_INT_EQ(deadline_queue_earliest(&queue), model_earliest(items));
        for (int i = 0; i < ITEMS; i++)
            CHECK_INT_EQ(items[i].position == DEADLINE_QUEUE_ABSENT, items[i].due_ms < 0);
    }
    deadline_queue_deinit(&queue);
}

int main(void)
{
    RUN_TEST(test_taken_earliest_first);
    RUN_TEST(test_moved_and_removed);
    RUN_TEST(test_agrees_with_a_model);
    return check_exit_status();
}
