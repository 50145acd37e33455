/* deadline_queue.h: items by the instant they are next due, earliest first (a binary heap); pure.
 */
#ifndef PARKSHARE_DEADLINE_QUEUE_H
#define PARKSHARE_DEADLINE_QUEUE_H

#include <stddef.h>
#include <stdint.h>

enum deadline_queue_error {
    DEADLINE_QUEUE_ERROR_NO_MEMORY = -1,
};

/* An item's position while it is not queued. */
#define DEADLINE_QUEUE_ABSENT SIZE_MAX

/*
 * Each queued item carries its own position (a size_t of the item's, kept
 * up to date by the queue), so that a changed or removed item is found in
 * O(1) and moved in O(log n): a timer that must wake for the earliest of
 * 100,000 lots' deadlines then costs a few steps per change instead of a
 * scan of every lot.
 */
struct deadline_queue_entry {
    int64_t due_ms;
    void *item;
    size_t *position;
};

struct deadline_queue {
    struct deadline_queue_entry *entries;
    size_t count;
    size_t capacity;
};

/* An empty queue. */
void deadline_queue_init(struct deadline_queue *queue);

/* Free the queue's memory; its items are not touched (their positions keep stale values). */
void deadline_queue_deinit(struct deadline_queue *queue);

/*
 * Queue item at due_ms, or move it there when *position says it is queued
 * already; a negative due_ms removes it. *position must be
 * DEADLINE_QUEUE_ABSENT for an item not queued, and stays the item's while
 * it is. Returns 0, or DEADLINE_QUEUE_ERROR_NO_MEMORY (the item is then not
 * queued).
 */
int deadline_queue_set(struct deadline_queue *queue, void *item, size_t *position, int64_t due_ms);

/* Take the item whose position is *position out of the queue, if it is queued. */
void deadline_queue_remove(struct deadline_queue *queue, size_t *position);

/* The earliest instant queued, or -1 when the queue is empty. */
int64_t deadline_queue_earliest(const struct deadline_queue *queue);

/*
 * Take out and return an item due at or before now_ms (the earliest), or
 * NULL when none is.
 */
void *deadline_queue_take_due(struct deadline_queue *queue, int64_t now_ms);

/* Take every item out (their positions become DEADLINE_QUEUE_ABSENT). */
void deadline_queue_clear(struct deadline_queue *queue);

#endif
