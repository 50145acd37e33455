/* feed_slots.c: whole-city feed documents kept one to a slot, rebuilt at a bounded rate. */
#include "feed_slots.h"

#include "clock.h"

#include <stdlib.h>
#include <string.h>

struct feed_slot {
    char *key; /* NULL: the slot is empty */
    struct rendered_answer *answer;
    uint64_t revision;
    int64_t built_at_ms;
    int64_t build_ms;
    uint64_t used; /* the tick of the last find, for dropping the least recently asked */
};

struct feed_slots {
    int64_t (*monotonic_ms)(void *data);
    void *data;
    uint64_t tick;
    uint64_t builds;
    struct feed_slot slots[FEED_SLOTS_MAX];
};

bool feed_slots_rebuild_due(uint64_t revision, uint64_t built_revision, int64_t now_ms,
                            int64_t built_at_ms, int64_t build_ms)
{
    if (revision == built_revision)
        return false;
    if (build_ms < FEED_SLOTS_AT_ONCE_MS)
        return true;
    return now_ms - built_at_ms >= (int64_t)FEED_SLOTS_REBUILD_FACTOR * build_ms;
}

struct feed_slots *feed_slots_new(int64_t (*monotonic_ms)(void *data), void *data)
{
    struct feed_slots *slots = calloc(1, sizeof(*slots));

    if (slots == NULL)
        return NULL;
    slots->monotonic_ms = monotonic_ms;
    slots->data = data;
    return slots;
}

static void empty(struct feed_slot *slot)
{
    free(slot->key);
    rendered_answer_drop(slot->answer);
    memset(slot, 0, sizeof(*slot));
}

void feed_slots_free(struct feed_slots *slots)
{
    if (slots == NULL)
        return;
    for (size_t index = 0; index < FEED_SLOTS_MAX; index++)
        empty(&slots->slots[index]);
    free(slots);
}

int64_t feed_slots_clock(const struct feed_slots *slots)
{
    return slots->monotonic_ms != NULL ? slots->monotonic_ms(slots->data) : clock_monotonic_ms();
}

static struct feed_slot *slot_of(struct feed_slots *slots, const char *key)
{
    for (size_t index = 0; index < FEED_SLOTS_MAX; index++)
        if (slots->slots[index].key != NULL && strcmp(slots->slots[index].key, key) == 0)
            return &slots->slots[index];
    return NULL;
}

const struct rendered_answer *feed_slots_find(struct feed_slots *slots, const char *key,
                                              uint64_t revision, bool *rebuild)
{
    struct feed_slot *slot = slot_of(slots, key);

    *rebuild = true;
    if (slot == NULL)
        return NULL;
    slot->used = ++slots->tick;
    *rebuild = feed_slots_rebuild_due(revision, slot->revision, feed_slots_clock(slots),
                                      slot->built_at_ms, slot->build_ms);
    return slot->answer;
}

/* An empty slot, else the least recently found one (emptied). */
static struct feed_slot *free_slot(struct feed_slots *slots)
{
    struct feed_slot *oldest = &slots->slots[0];

    for (size_t index = 0; index < FEED_SLOTS_MAX; index++) {
        struct feed_slot *slot = &slots->slots[index];
        if (slot->key == NULL)
            return slot;
        if (slot->used < oldest->used)
            oldest = slot;
    }
    empty(oldest);
    return oldest;
}

int feed_slots_store(struct feed_slots *slots, const char *key, uint64_t revision,
                     struct rendered_answer *answer, int64_t started_ms)
{
    struct feed_slot *slot = slot_of(slots, key);
    int64_t now_ms = feed_slots_clock(slots);

    if (slot == NULL) {
        char *copy = strdup(key);
        if (copy == NULL) {
            rendered_answer_drop(answer);
            return -1;
        }
        slot = free_slot(slots);
        slot->key = copy;
    }
    /* Readers that still hold the old document keep it alive until they are done. */
    rendered_answer_drop(slot->answer);
    slot->answer = answer;
    slot->revision = revision;
    slot->built_at_ms = now_ms;
    slot->build_ms = now_ms - started_ms;
    slot->used = ++slots->tick;
    slots->builds++;
    return 0;
}

uint64_t feed_slots_builds(const struct feed_slots *slots)
{
    return slots->builds;
}

size_t feed_slots_count(const struct feed_slots *slots)
{
    size_t count = 0;

    for (size_t index = 0; index < FEED_SLOTS_MAX; index++)
        count += slots->slots[index].key != NULL;
    return count;
}
