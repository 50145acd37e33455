/* deadline_queue.c: items by the instant they are next due, earliest first (a binary heap); pure.
 */
#include "deadline_queue.h"

#include "growable.h"

#include <stdlib.h>

void deadline_queue_init(struct deadline_queue *queue)
{
    queue->entries = NULL;
    queue->count = 0;
    queue->capacity = 0;
}

void deadline_queue_deinit(struct deadline_queue *queue)
{
    free(queue->entries);
    deadline_queue_init(queue);
}

/* Put entry at index and tell its item where it is. */
static void place(struct deadline_queue *queue, size_t index, struct deadline_queue_entry entry)
{
    queue->entries[index] = entry;
    *entry.position = index;
}

static void sift_up(struct deadline_queue *queue, size_t index)
{
    struct deadline_queue_entry entry = queue->entries[index];

    while (index > 0) {
        size_t parent = (index - 1) / 2;
        if (queue->entries[parent].due_ms <= entry.due_ms)
            break;
        place(queue, index, queue->entries[parent]);
        index = parent;
    }
    place(queue, index, entry);
}

static void sift_down(struct deadline_queue *queue, size_t index)
{
    struct deadline_queue_entry entry = queue->entries[index];

    for (;;) {
        size_t child = 2 * index + 1;
        if (child >= queue->count)
            break;
        if (child + 1 < queue->count &&
            queue->entries[child + 1].due_ms < queue->entries[child].due_ms)
            child++;
        if (entry.due_ms <= queue->entries[child].due_ms)
            break;
        place(queue, index, queue->entries[child]);
        index = child;
    }
    place(queue, index, entry);
}

void deadline_queue_remove(struct deadline_queue *queue, size_t *position)
{
    size_t index = *position;

    if (index == DEADLINE_QUEUE_ABSENT || index >= queue->count)
        return;
    *position = DEADLINE_QUEUE_ABSENT;
    queue->count--;
    if (index == queue->count)
        return;
    /* The last entry fills the hole and goes whichever way its instant says. */
    struct deadline_queue_entry moved = queue->entries[queue->count];
    place(queue, index, moved);
    sift_up(queue, index);
    if (*moved.position == index)
        sift_down(queue, index);
}

int deadline_queue_set(struct deadline_queue *queue, void *item, size_t *position, int64_t due_ms)
{
    size_t index = *position;

    if (due_ms < 0) {
        deadline_queue_remove(queue, position);
        return 0;
    }
    if (index != DEADLINE_QUEUE_ABSENT && index < queue->count) {
        int64_t was = queue->entries[index].due_ms;
        queue->entries[index].due_ms = due_ms;
        if (due_ms < was)
            sift_up(queue, index);
        else
            sift_down(queue, index);
        return 0;
    }
    if (growable_reserve((void **)&queue->entries, &queue->capacity, queue->count + 1,
                         sizeof(*queue->entries)) != 0) {
        *position = DEADLINE_QUEUE_ABSENT;
        return DEADLINE_QUEUE_ERROR_NO_MEMORY;
    }
    place(queue, queue->count,
          (struct deadline_queue_entry){.due_ms = due_ms, .item = item, .position = position});
    queue->count++;
    sift_up(queue, queue->count - 1);
    return 0;
}

int64_t deadline_queue_earliest(const struct deadline_queue *queue)
{
    return queue->count > 0 ? queue->entries[0].due_ms : -1;
}

void *deadline_queue_take_due(struct deadline_queue *queue, int64_t now_ms)
{
    void *item;

    if (queue->count == 0 || queue->entries[0].due_ms > now_ms)
        return NULL;
    item = queue->entries[0].item;
    deadline_queue_remove(queue, queue->entries[0].position);
    return item;
}

void deadline_queue_clear(struct deadline_queue *queue)
{
    for (size_t i = 0; i < queue->count; i++)
        *queue->entries[i].position = DEADLINE_QUEUE_ABSENT;
    queue->count = 0;
}
