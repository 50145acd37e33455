/* view_publisher.c: the lot view published with atomics; epochs free what readers let go of. */
#include "view_publisher.h"

#include "log.h"
#include "lot_index.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char component[] = "workers";

/* A reader's announced epoch, alone on its cache line: the reader writes it per request. */
struct reader_slot {
    _Alignas(64) _Atomic uint64_t epoch; /* 0: outside */
};

/* What one publication replaced: freed once every reader is outside or at epoch or later. */
struct retired {
    struct retired *next;
    uint64_t epoch;
    struct lot_view_garbage *garbage;
};

/* A lot's answer as the last full update saw it, by snapshot index. */
struct seen_answer {
    char etag[24];
    size_t length;
};

struct view_publisher {
    _Atomic(struct lot_view *) current;
    _Atomic uint64_t epoch; /* starts at 1; moved by each publication */
    size_t readers;
    struct retired *retired, **retired_tail; /* oldest first; the writer's alone */
    struct reader_slot *slots;
    /* The writer's: while the snapshot's membership stays, a full update compares each
     * lot's ETag with this, in order, and looks up only the lots whose answer moved. */
    struct seen_answer *seen;
    size_t seen_count;
    uint64_t seen_membership;
    bool seen_valid;
    struct lot_index *offered; /* for the next update's version (view_publisher_offer_index) */
};

struct view_publisher *view_publisher_new(size_t readers)
{
    struct view_publisher *publisher = calloc(1, sizeof(*publisher));

    if (publisher == NULL)
        return NULL;
    publisher->slots = aligned_alloc(64, (readers > 0 ? readers : 1) * sizeof(struct reader_slot));
    if (publisher->slots == NULL) {
        free(publisher);
        return NULL;
    }
    for (size_t i = 0; i < readers; i++)
        atomic_init(&publisher->slots[i].epoch, 0);
    atomic_init(&publisher->current, NULL);
    atomic_init(&publisher->epoch, 1);
    publisher->readers = readers;
    publisher->retired_tail = &publisher->retired;
    return publisher;
}

/*
 * The reader announces its epoch before it loads the pointer; the writer
 * stores the pointer before it moves the epoch and reads the slots after.
 * All sequentially consistent: a reader the writer saw outside, or at the
 * new epoch, loads the new pointer, so the old version is no longer its.
 */
const struct lot_view *view_publisher_enter(struct view_publisher *publisher, size_t reader)
{
    atomic_store(&publisher->slots[reader].epoch, atomic_load(&publisher->epoch));
    return atomic_load(&publisher->current);
}

void view_publisher_leave(struct view_publisher *publisher, size_t reader)
{
    atomic_store_explicit(&publisher->slots[reader].epoch, 0, memory_order_release);
}

size_t view_publisher_reclaim(struct view_publisher *publisher)
{
    uint64_t oldest = UINT64_MAX;
    size_t held = 0;

    for (size_t i = 0; i < publisher->readers; i++) {
        uint64_t epoch = atomic_load(&publisher->slots[i].epoch);
        if (epoch != 0 && epoch < oldest)
            oldest = epoch;
    }
    while (publisher->retired != NULL && publisher->retired->epoch <= oldest) {
        struct retired *done = publisher->retired;
        publisher->retired = done->next;
        lot_view_garbage_free(done->garbage);
        free(done);
    }
    if (publisher->retired == NULL)
        publisher->retired_tail = &publisher->retired;
    for (struct retired *left = publisher->retired; left != NULL; left = left->next)
        held++;
    return held;
}

static void publish(struct view_publisher *publisher, struct lot_view *view,
                    struct lot_view_garbage *garbage)
{
    struct retired *retired = malloc(sizeof(*retired));
    uint64_t epoch;

    atomic_store(&publisher->current, view);
    epoch = atomic_fetch_add(&publisher->epoch, 1) + 1;
    if (retired == NULL) {
        /* Leaked rather than freed under a reader. */
        log_error(component, "no memory to retire a view: %zu pieces leak",
                  lot_view_garbage_size(garbage));
        return;
    }
    *retired = (struct retired){NULL, epoch, garbage};
    *publisher->retired_tail = retired;
    publisher->retired_tail = &retired->next;
    view_publisher_reclaim(publisher);
}

/*
 * Put lot's answer into draft unless that very answer is there already.
 * Equal bytes in another object (a reload builds every lot afresh) are
 * replaced too: the view then shares the snapshot's object, and the old
 * one goes with the garbage instead of staying as a second copy.
 */
static int put_lot(struct lot_view_draft *draft, const struct snapshot_lot *lot)
{
    if (lot_view_find(lot_view_draft_view(draft), lot->id) == lot->answer)
        return 0;
    /* The snapshot's own answer, shared: the view's reference goes with its garbage. */
    return lot_view_draft_put(draft, rendered_answer_hold(lot->answer));
}

struct gone_lots {
    const struct snapshot *snapshot;
    const char **ids;
    size_t count, capacity;
    bool failed;
};

static void note_if_gone(const struct rendered_answer *entry, void *data)
{
    struct gone_lots *gone = data;

    if (gone->failed || snapshot_find(gone->snapshot, entry->id) != NULL)
        return;
    if (gone->count == gone->capacity) {
        size_t capacity = gone->capacity ? 2 * gone->capacity : 16;
        const char **grown = realloc(gone->ids, capacity * sizeof(*grown));
        if (grown == NULL) {
            gone->failed = true;
            return;
        }
        gone->ids = grown;
        gone->capacity = capacity;
    }
    gone->ids[gone->count++] = entry->id;
}

/* Room for count answers seen; false (and nothing seen) without memory. */
static bool reserve_seen(struct view_publisher *publisher, size_t count)
{
    struct seen_answer *grown = realloc(publisher->seen, (count ? count : 1) * sizeof(*grown));

    if (grown == NULL) {
        free(publisher->seen);
        publisher->seen = NULL;
        publisher->seen_count = 0;
        return false;
    }
    publisher->seen = grown;
    publisher->seen_count = count;
    return true;
}

/*
 * Every lot: changed ones put, gone ones removed. While the set of lots is
 * the one the last full update saw, only the lots whose ETag moved since
 * are looked up (a clock re-judgement at 100,000 lots).
 */
static int update_all(struct view_publisher *publisher, struct lot_view_draft *draft,
                      const struct snapshot *snapshot)
{
    struct gone_lots gone = {.snapshot = snapshot};
    size_t count = snapshot_count(snapshot);
    uint64_t membership = snapshot_membership(snapshot);
    bool quick = publisher->seen_valid && publisher->seen_membership == membership &&
                 publisher->seen_count == count;
    bool seeing = quick || reserve_seen(publisher, count);
    int result = 0;

    for (size_t i = 0; i < count && result == 0; i++) {
        const struct snapshot_lot *lot = snapshot_at(snapshot, i);
        struct seen_answer *seen = seeing ? &publisher->seen[i] : NULL;
        if (quick && seen->length == lot->answer->body_length &&
            strcmp(seen->etag, lot->answer->etag) == 0)
            continue;
        result = put_lot(draft, lot);
        if (seen != NULL) {
            memcpy(seen->etag, lot->answer->etag, sizeof(seen->etag));
            seen->length = lot->answer->body_length;
        }
    }
    if (!quick) {
        lot_view_each(lot_view_draft_view(draft), note_if_gone, &gone);
        /* The ids are the entries' own: removing frees nothing before the view is retired. */
        for (size_t i = 0; i < gone.count && result == 0; i++)
            result = lot_view_draft_remove(draft, gone.ids[i]);
        free(gone.ids);
        if (gone.failed)
            result = LOT_VIEW_ERROR_NO_MEMORY;
    }
    publisher->seen_valid = seeing && result == 0;
    publisher->seen_membership = membership;
    return result;
}

void view_publisher_update(struct view_publisher *publisher, const struct snapshot *snapshot,
                           const char *id)
{
    struct lot_view *current = atomic_load(&publisher->current), *next;
    struct lot_view_draft *draft = NULL;
    struct lot_view_garbage *garbage = NULL;
    const struct snapshot_lot *lot;
    int result;

    if (lot_view_draft_begin(current, &draft) != 0) {
        log_error(component, "no memory to publish a change to the workers");
        return;
    }
    if (id == NULL) {
        result = update_all(publisher, draft, snapshot);
        lot_view_draft_set_stale(draft, snapshot_stale_since(snapshot));
    } else {
        lot = snapshot_find(snapshot, id);
        result = lot != NULL ? put_lot(draft, lot) : lot_view_draft_remove(draft, id);
    }
    if (result != 0) {
        publisher->seen_valid = false; /* the next full update looks at every lot */
        log_error(component, "no memory for a change in the workers' view; mended at the next "
                             "full update");
    }
    lot_view_draft_set_layout(draft, snapshot_layout(snapshot));
    if (publisher->offered != NULL) {
        lot_view_draft_set_index(draft, publisher->offered);
        publisher->offered = NULL;
    }
    next = lot_view_draft_finish(draft, &garbage);
    publish(publisher, next, garbage);
}

void view_publisher_offer_index(struct view_publisher *publisher, struct lot_index *index)
{
    lot_index_free(publisher->offered);
    publisher->offered = index;
}

const struct lot_index *view_publisher_index(const struct view_publisher *publisher)
{
    const struct lot_view *current = atomic_load(&publisher->current);

    if (publisher->offered != NULL)
        return publisher->offered;
    return current != NULL ? lot_view_index(current) : NULL;
}

void view_publisher_answers(struct view_publisher *publisher, struct rendered_answer *const *put,
                            size_t put_count, const char *const *gone, size_t gone_count)
{
    struct lot_view *current = atomic_load(&publisher->current), *next;
    struct lot_view_draft *draft = NULL;
    struct lot_view_garbage *garbage = NULL;
    int result = 0;

    if (lot_view_draft_begin(current, &draft) != 0) {
        for (size_t i = 0; i < put_count; i++)
            rendered_answer_drop(put[i]);
        log_error(component, "no memory to publish answers to the workers; the old ones stay "
                             "until the next publication");
        return;
    }
    for (size_t i = 0; i < gone_count && result == 0; i++)
        result = lot_view_draft_remove_answer(draft, gone[i]);
    for (size_t i = 0; i < put_count; i++) {
        if (result == 0)
            result = lot_view_draft_put_answer(draft, put[i]);
        else
            rendered_answer_drop(put[i]);
    }
    if (result != 0) {
        /* No answer may outlive its change: the workers hand every such read over instead. */
        lot_view_draft_drop_answers(draft);
        log_error(component, "no memory to publish answers to the workers; the owner answers "
                             "those reads until they are published again");
    }
    /* Two statements: an argument's order of evaluation is unspecified, garbage is set here. */
    next = lot_view_draft_finish(draft, &garbage);
    publish(publisher, next, garbage);
}

void view_publisher_free(struct view_publisher *publisher)
{
    if (publisher == NULL)
        return;
    while (publisher->retired != NULL) {
        struct retired *done = publisher->retired;
        publisher->retired = done->next;
        lot_view_garbage_free(done->garbage);
        free(done);
    }
    lot_view_free(atomic_load(&publisher->current));
    lot_index_free(publisher->offered);
    free(publisher->seen);
    free(publisher->slots);
    free(publisher);
}
