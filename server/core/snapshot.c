/* snapshot.c: the in-memory state of every lot that public reads are answered from; pure. */
#include "snapshot_private.h"

#include "change.h"
#include "geo_index.h"
#include "growable.h"
#include "list_cache.h"
#include "snapshot_closure.h"

#include <math.h>
#include <parkshare/wire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {"closed", "unknown", "full", "open"};

const char *snapshot_state_name(enum snapshot_state state)
{
    return (unsigned)state < 4 ? state_names[state] : "unknown";
}

struct snapshot *snapshot_new(const struct snapshot_options *options)
{
    struct snapshot *snapshot = calloc(1, sizeof(*snapshot));
    if (snapshot == NULL)
        return NULL;
    snapshot->options = *options;
    snapshot->stale_since_ms = -1;
    deadline_queue_init(&snapshot->deadlines);
    snapshot->geo = geo_index_new();
    snapshot->list_answers = list_cache_new(LIST_CACHE_DEFAULT_ENTRIES, LIST_CACHE_DEFAULT_BYTES);
    if (snapshot->geo == NULL || snapshot->list_answers == NULL) {
        snapshot_free(snapshot);
        return NULL;
    }
    return snapshot;
}

static void clear_tombstones(struct snapshot *snapshot)
{
    for (size_t i = 0; i < snapshot->tombstone_count; i++)
        free(snapshot->tombstones[i].id);
    free(snapshot->tombstones);
    snapshot->tombstones = NULL;
    snapshot->tombstone_count = 0;
    snapshot->tombstone_capacity = 0;
}

void snapshot_free(struct snapshot *snapshot)
{
    if (snapshot == NULL)
        return;
    for (size_t i = 0; i < snapshot->count; i++)
        snapshot_lot_free(snapshot, snapshot->lots[i]);
    free(snapshot->lots);
    deadline_queue_deinit(&snapshot->deadlines);
    clear_tombstones(snapshot);
    geo_index_free(snapshot->geo);
    list_cache_free(snapshot->list_answers);
    free(snapshot);
}

bool snapshot_is_loaded(const struct snapshot *snapshot)
{
    return snapshot->loaded;
}

/* Binary search: the index of id, or where it would go (*found false). */
static size_t search(const struct snapshot *snapshot, const char *id, bool *found)
{
    size_t low = 0, high = snapshot->count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        int order = strcmp(snapshot->lots[middle]->id, id);
        if (order == 0) {
            *found = true;
            return middle;
        }
        if (order < 0)
            low = middle + 1;
        else
            high = middle;
    }
    *found = false;
    return low;
}

const struct snapshot_lot *snapshot_find(const struct snapshot *snapshot, const char *id)
{
    bool found;
    size_t index = search(snapshot, id, &found);
    return found ? snapshot->lots[index] : NULL;
}

size_t snapshot_count(const struct snapshot *snapshot)
{
    return snapshot->count;
}

const struct snapshot_lot *snapshot_at(const struct snapshot *snapshot, size_t index)
{
    return index < snapshot->count ? snapshot->lots[index] : NULL;
}

size_t snapshot_index_after(const struct snapshot *snapshot, const char *after)
{
    bool found;
    size_t index = search(snapshot, after, &found);
    return found ? index + 1 : index;
}

static int compare_lots(const void *left, const void *right)
{
    const struct snapshot_lot *const *a = left, *const *b = right;
    return strcmp((*a)->id, (*b)->id);
}

static const struct tombstone *find_tombstone(const struct snapshot *snapshot, const char *id)
{
    for (size_t i = 0; i < snapshot->tombstone_count; i++) {
        if (strcmp(snapshot->tombstones[i].id, id) == 0)
            return &snapshot->tombstones[i];
    }
    return NULL;
}

/* Queue lot at its next deadline, or take it out when it has none. */
static void track_deadline(struct snapshot *snapshot, struct snapshot_lot *lot, int64_t now_ms)
{
    int64_t due = snapshot_lot_deadline(snapshot, lot);

    /* Just judged at now_ms, a lot is due later; never again at once (no endless refresh). */
    if (due >= 0 && due <= now_ms)
        due = now_ms + 1;
    if (deadline_queue_set(&snapshot->deadlines, lot, &lot->deadline_position, due) != 0)
        snapshot->deadlines_incomplete = true;
}

static void track_every_deadline(struct snapshot *snapshot, int64_t now_ms)
{
    deadline_queue_clear(&snapshot->deadlines);
    snapshot->deadlines_incomplete = false;
    for (size_t i = 0; i < snapshot->count; i++)
        track_deadline(snapshot, snapshot->lots[i], now_ms);
}

uint64_t snapshot_begin_load(struct snapshot *snapshot)
{
    clear_tombstones(snapshot);
    return ++snapshot->generation;
}

int snapshot_load(struct snapshot *snapshot, uint64_t generation,
                  const struct snapshot_record *records, size_t count, int64_t now_ms,
                  size_t *skipped)
{
    struct snapshot_lot **lots = calloc(count + snapshot->count + 1, sizeof(*lots));
    size_t used = 0;

    *skipped = 0;
    if (lots == NULL)
        return SNAPSHOT_ERROR_NO_MEMORY;
    for (size_t i = 0; i < count; i++) {
        const struct snapshot_lot *newer = snapshot_find(snapshot, records[i].id);
        const struct tombstone *deleted = find_tombstone(snapshot, records[i].id);
        /* Changes applied during the load are newer than its records. */
        if ((newer != NULL && newer->touched_generation >= generation &&
             newer->version >= records[i].version) ||
            (deleted != NULL && deleted->version > records[i].version))
            continue;
        lots[used] = snapshot_lot_from_record(snapshot, &records[i], now_ms);
        if (lots[used] == NULL)
            (*skipped)++;
        else
            used++;
    }
    size_t loaded = used;
    qsort(lots, used, sizeof(*lots), compare_lots);
    /* Keep what changed during the load and is not in it (created meanwhile,
     * or newer than its record). */
    for (size_t i = 0; i < snapshot->count; i++) {
        struct snapshot_lot *lot = snapshot->lots[i];
        if (lot->touched_generation < generation ||
            (loaded > 0 && bsearch(&lot, lots, loaded, sizeof(*lots), compare_lots) != NULL))
            continue;
        lots[used++] = lot;
        snapshot->lots[i] = NULL;
    }
    deadline_queue_clear(&snapshot->deadlines); /* before the lots it points into go */
    for (size_t i = 0; i < snapshot->count; i++)
        snapshot_lot_free(snapshot, snapshot->lots[i]);
    free(snapshot->lots);
    /* Sorted already unless lots kept from before were added at the end. */
    if (used > loaded)
        qsort(lots, used, sizeof(*lots), compare_lots);
    /* A fresh index for the new content; without memory, reads by location
     * find nothing rather than freed lots. */
    geo_index_free(snapshot->geo);
    snapshot->geo = geo_index_new();
    for (size_t i = 0; snapshot->geo != NULL && i < used; i++)
        geo_index_insert(snapshot->geo, lots[i], lots[i]->latitude, lots[i]->longitude);
    snapshot->capacity = count + snapshot->count + 1;
    snapshot->lots = lots;
    snapshot->count = used;
    snapshot->loaded = true;
    snapshot->revision++;
    snapshot->membership++;
    snapshot->static_revision++;
    track_every_deadline(snapshot, now_ms);
    clear_tombstones(snapshot);
    return 0;
}

static void unindex(struct snapshot *snapshot, struct snapshot_lot *lot)
{
    if (snapshot->geo != NULL)
        geo_index_remove(snapshot->geo, lot, lot->latitude, lot->longitude);
}

static int reindex(struct snapshot *snapshot, struct snapshot_lot *lot)
{
    if (snapshot->geo == NULL)
        return SNAPSHOT_ERROR_NO_MEMORY;
    return geo_index_insert(snapshot->geo, lot, lot->latitude, lot->longitude) == 0
               ? 0
               : SNAPSHOT_ERROR_NO_MEMORY;
}

static int insert_at(struct snapshot *snapshot, size_t index, struct snapshot_lot *lot)
{
    if (growable_reserve((void **)&snapshot->lots, &snapshot->capacity, snapshot->count + 1,
                         sizeof(*snapshot->lots)) != 0)
        return SNAPSHOT_ERROR_NO_MEMORY;
    memmove(snapshot->lots + index + 1, snapshot->lots + index,
            (snapshot->count - index) * sizeof(*snapshot->lots));
    snapshot->lots[index] = lot;
    snapshot->count++;
    return 0;
}

static int add_tombstone(struct snapshot *snapshot, const char *id, int64_t version)
{
    struct tombstone *added;

    if (growable_reserve((void **)&snapshot->tombstones, &snapshot->tombstone_capacity,
                         snapshot->tombstone_count + 1, sizeof(*snapshot->tombstones)) != 0)
        return SNAPSHOT_ERROR_NO_MEMORY;
    added = &snapshot->tombstones[snapshot->tombstone_count];
    added->id = strdup(id);
    if (added->id == NULL)
        return SNAPSHOT_ERROR_NO_MEMORY;
    added->version = version;
    snapshot->tombstone_count++;
    return 0;
}

static int apply_occupancy(struct snapshot *snapshot, const struct change *change, int64_t now_ms,
                           bool *changed)
{
    bool found;
    size_t index = search(snapshot, change->id, &found);
    struct snapshot_lot *lot;

    int64_t *held;

    /* Unknown lots are left to the next load. */
    if (!found)
        return 0;
    lot = snapshot->lots[index];
    /*
     * An older report of the same count lost the race. Each count is judged
     * by its own version: a daemon shows its own write at once, so a newer
     * version of one count (a space type's) may arrive before an older one
     * of another (the lot's), which must still be applied.
     */
    if (change->has_space && lot->spaces == NULL) {
        if (lot->spaces_version >= change->version)
            return 0;
        /* The lot's first type count: every type's version is what was judged so far. */
        lot->spaces = malloc(sizeof(*lot->spaces));
        if (lot->spaces == NULL)
            return SNAPSHOT_ERROR_NO_MEMORY;
        space_counts_clear(lot->spaces);
        for (int type = 0; type < SPACE_TYPE_COUNT; type++)
            lot->spaces->version[type] = lot->spaces_version;
    }
    held = change->has_space ? &lot->spaces->version[change->space] : &lot->count_version;
    if (*held >= change->version)
        return 0;
    *held = change->version;
    if (change->has_space) {
        lot->spaces->occupied[change->space] = change->occupied;
        lot->spaces->updated_at_ms[change->space] = change->updated_at_ms;
    } else {
        lot->occupied = change->occupied;
        lot->updated_at_ms = change->updated_at_ms;
    }
    if (change->version > lot->version)
        lot->version = change->version;
    lot->touched_generation = snapshot->generation;
    snapshot_lot_judge(snapshot, lot, now_ms);
    *changed = true;
    return snapshot_lot_rebuild_body(snapshot, lot);
}

static int apply_lot(struct snapshot *snapshot, const struct change *change, int64_t now_ms,
                     bool *changed)
{
    const struct tombstone *deleted = find_tombstone(snapshot, change->id);
    struct snapshot_record record = {change->id,
                                     change->static_json,
                                     change->occupied,
                                     change->version,
                                     change->updated_at_ms,
                                     NULL,
                                     NULL};
    struct snapshot_lot *lot;
    bool found;
    size_t index = search(snapshot, change->id, &found);
    int result;

    if ((found && snapshot->lots[index]->version >= change->version) ||
        (deleted != NULL && deleted->version >= change->version))
        return 0;
    if (found) /* new static fields keep the space types' counts, as they keep the lot's */
        record.spaces = snapshot->lots[index]->spaces;
    lot = snapshot_lot_from_record(snapshot, &record, now_ms);
    if (lot == NULL)
        return SNAPSHOT_ERROR_MESSAGE;
    if (found && snapshot->lots[index]->spaces == NULL)
        lot->spaces_version = snapshot->lots[index]->spaces_version;
    lot->touched_generation = snapshot->generation;
    *changed = true;
    snapshot->static_revision++;
    if (found) {
        lot->trend = snapshot->lots[index]->trend; /* until the next refresh says otherwise */
        /* Closures are not static fields: a replaced lot keeps them. */
        result = snapshot_lot_set_closures(snapshot, lot,
                                           json_incref(snapshot->lots[index]->closures), now_ms);
        unindex(snapshot, snapshot->lots[index]);
        deadline_queue_remove(&snapshot->deadlines, &snapshot->lots[index]->deadline_position);
        snapshot_lot_free(snapshot, snapshot->lots[index]);
        snapshot->lots[index] = lot;
        return result != 0 ? result : reindex(snapshot, lot);
    }
    result = insert_at(snapshot, index, lot);
    if (result != 0) {
        snapshot_lot_free(snapshot, lot);
        return result;
    }
    snapshot->membership++;
    return reindex(snapshot, lot);
}

static int apply_delete(struct snapshot *snapshot, const char *id, int64_t version, bool *changed)
{
    bool found;
    size_t index = search(snapshot, id, &found);

    if (found && snapshot->lots[index]->version < version) {
        unindex(snapshot, snapshot->lots[index]);
        deadline_queue_remove(&snapshot->deadlines, &snapshot->lots[index]->deadline_position);
        snapshot_lot_free(snapshot, snapshot->lots[index]);
        memmove(snapshot->lots + index, snapshot->lots + index + 1,
                (snapshot->count - index - 1) * sizeof(*snapshot->lots));
        snapshot->count--;
        snapshot->membership++;
        snapshot->static_revision++;
        *changed = true;
    }
    return add_tombstone(snapshot, id, version);
}

int snapshot_apply_change(struct snapshot *snapshot, const struct change *change, int64_t now_ms,
                          const char **changed_id)
{
    bool changed = false;
    int result = 0;

    if (changed_id != NULL)
        *changed_id = NULL;
    if (change->type == CHANGE_OCCUPANCY)
        result = apply_occupancy(snapshot, change, now_ms, &changed);
    else if (change->type == CHANGE_LOT)
        result = apply_lot(snapshot, change, now_ms, &changed);
    else if (change->type == CHANGE_LOT_DELETED)
        result = apply_delete(snapshot, change->id, change->version, &changed);
    else if (change->type == CHANGE_CLOSURES)
        result = snapshot_apply_closures(snapshot, change, now_ms, &changed);
    snapshot->revision += changed ? 1 : 0;
    if (changed && change->type != CHANGE_LOT_DELETED) {
        bool found;
        size_t index = search(snapshot, change->id, &found);
        if (found)
            track_deadline(snapshot, snapshot->lots[index], now_ms);
    }
    if (changed && changed_id != NULL) {
        memcpy(snapshot->changed_id, change->id, sizeof(snapshot->changed_id));
        *changed_id = snapshot->changed_id;
    }
    return result;
}

int snapshot_apply(struct snapshot *snapshot, const char *message, size_t length, int64_t now_ms,
                   const char **changed_id)
{
    struct change change;
    int result;

    if (changed_id != NULL)
        *changed_id = NULL;
    if (change_parse(message, length, &change) != 0)
        return SNAPSHOT_ERROR_MESSAGE;
    result = snapshot_apply_change(snapshot, &change, now_ms, changed_id);
    change_deinit(&change);
    return result;
}

/* Judge lot again at now_ms and rebuild its answer if that changed it; whether it did. */
static bool refresh_lot(struct snapshot *snapshot, struct snapshot_lot *lot, int64_t now_ms,
                        bool recompile)
{
    if (recompile)
        snapshot_lot_compile_schedule(snapshot, lot);
    enum snapshot_state state = lot->state;
    bool open = lot->open_now, fresh = lot->count_fresh;
    int64_t next_change = lot->next_change_ms, leave_by = lot->leave_by_ms;
    unsigned spaces_fresh = lot->spaces_fresh;
    int64_t boundary = lot->closure_boundary_ms;
    const json_t *closure = lot->closure;
    char closure_id[32];
    snprintf(closure_id, sizeof(closure_id), "%s", snapshot_lot_closure_id(lot));
    snapshot_lot_judge(snapshot, lot, now_ms);
    if (snapshot_lot_note_closure_turn(snapshot, lot, closure_id, closure) || recompile ||
        lot->state != state || lot->open_now != open || lot->count_fresh != fresh ||
        lot->next_change_ms != next_change || lot->leave_by_ms != leave_by ||
        lot->spaces_fresh != spaces_fresh || lot->closure_boundary_ms != boundary) {
        snapshot_lot_rebuild_body(snapshot, lot);
        return true;
    }
    return false;
}

size_t snapshot_refresh(struct snapshot *snapshot, int64_t now_ms, bool recompile)
{
    struct snapshot_lot *lot;
    size_t changed = 0;

    if (recompile || snapshot->deadlines_incomplete) {
        for (size_t i = 0; i < snapshot->count; i++)
            changed += refresh_lot(snapshot, snapshot->lots[i], now_ms, recompile) ? 1 : 0;
        track_every_deadline(snapshot, now_ms);
    } else {
        /* Each lot taken is queued again at its next deadline, which is after now_ms. */
        while ((lot = deadline_queue_take_due(&snapshot->deadlines, now_ms)) != NULL) {
            changed += refresh_lot(snapshot, lot, now_ms, false) ? 1 : 0;
            track_deadline(snapshot, lot, now_ms);
        }
    }
    if (changed > 0)
        snapshot->revision++;
    return changed;
}

int64_t snapshot_lot_deadline(const struct snapshot *snapshot, const struct snapshot_lot *lot)
{
    /* The leave-by deadline passing changes the answer, not the state; so does a
     * space type's count going stale, and a closure entering the upcoming window. */
    int64_t candidates[5] = {lot->next_change_ms, -1, lot->leave_by_ms, -1,
                             lot->closure_boundary_ms};
    int64_t earliest = -1;

    /* A fresh count turns stale at updated_at + stale_after. */
    if (lot->count_fresh)
        candidates[1] = lot->updated_at_ms + snapshot->options.stale_after_ms + 1;
    candidates[3] = space_counts_next_stale(lot->spaces_fresh, snapshot_lot_counts(lot),
                                            snapshot->options.stale_after_ms);
    for (size_t c = 0; c < 5; c++) {
        if (candidates[c] >= 0 && (earliest < 0 || candidates[c] < earliest))
            earliest = candidates[c];
    }
    return earliest;
}

int64_t snapshot_next_deadline(const struct snapshot *snapshot)
{
    int64_t earliest = -1;

    if (!snapshot->deadlines_incomplete)
        return deadline_queue_earliest(&snapshot->deadlines);
    for (size_t i = 0; i < snapshot->count; i++) {
        int64_t deadline = snapshot_lot_deadline(snapshot, snapshot->lots[i]);
        if (deadline >= 0 && (earliest < 0 || deadline < earliest))
            earliest = deadline;
    }
    return earliest;
}

/* Collects index hits into a growing array, with an exact test. */
struct collector {
    const struct snapshot_lot **lots;
    double *distances;
    size_t count;
    size_t lots_capacity;
    size_t distances_capacity;
    bool failed;
    bool by_distance; /* else by box */
    double lat, lon, radius_m;
    struct geo_box box;
};

static bool collect(void *item, void *data)
{
    struct collector *collector = data;
    const struct snapshot_lot *lot = item;
    double distance = 0;

    /* The walked cells reach past the box; what lies outside it is out of any
     * circle the box was drawn around, without the trigonometry. */
    if (!geo_box_holds(&collector->box, lot->latitude, lot->longitude))
        return true;
    if (collector->by_distance) {
        distance = geo_distance_m(collector->lat, collector->lon, lot->latitude, lot->longitude);
        /* Within the radius means the distance shown (whole metres) is at most
         * the radius: a lot at 1000.0000001 m is in a 1000 m search. */
        if ((double)llround(distance) > collector->radius_m)
            return true;
    }
    if (growable_reserve((void **)&collector->lots, &collector->lots_capacity, collector->count + 1,
                         sizeof(*collector->lots)) != 0 ||
        growable_reserve((void **)&collector->distances, &collector->distances_capacity,
                         collector->count + 1, sizeof(*collector->distances)) != 0) {
        collector->failed = true;
        return false;
    }
    collector->lots[collector->count] = lot;
    collector->distances[collector->count++] = distance;
    return true;
}

static size_t finish(struct collector *collector, const struct snapshot_lot ***lots,
                     double **distances)
{
    if (collector->failed) {
        free(collector->lots);
        free(collector->distances);
        return (size_t)-1;
    }
    *lots = collector->lots;
    if (distances != NULL)
        *distances = collector->distances;
    else
        free(collector->distances);
    return collector->count;
}

size_t snapshot_near(const struct snapshot *snapshot, double lat, double lon, double radius_m,
                     const struct snapshot_lot ***lots, double **distances)
{
    struct collector collector = {0};
    /* Across the antimeridian or around a pole when the circle is. */
    struct geo_box box = geo_box_around(lat, lon, radius_m);

    collector.by_distance = true;
    collector.box = box;
    collector.lat = lat;
    collector.lon = lon;
    collector.radius_m = radius_m;
    if (snapshot->geo != NULL)
        geo_index_query(snapshot->geo, box.min_lat, box.min_lon, box.max_lat, box.max_lon, collect,
                        &collector);
    return finish(&collector, lots, distances);
}

size_t snapshot_in_box(const struct snapshot *snapshot, double min_lat, double min_lon,
                       double max_lat, double max_lon, const struct snapshot_lot ***lots)
{
    struct collector collector = {0};
    collector.box = (struct geo_box){min_lat, min_lon, max_lat, max_lon};
    if (snapshot->geo != NULL)
        geo_index_query(snapshot->geo, min_lat, min_lon, max_lat, max_lon, collect, &collector);
    return finish(&collector, lots, NULL);
}

void snapshot_set_stale(struct snapshot *snapshot, bool stale, int64_t since_ms)
{
    if ((snapshot->stale_since_ms >= 0) == stale)
        return;
    snapshot->stale_since_ms = stale ? since_ms : -1;
    snapshot->revision++;
    for (size_t i = 0; i < snapshot->count; i++)
        snapshot_lot_rebuild_body(snapshot, snapshot->lots[i]);
}

int64_t snapshot_stale_since(const struct snapshot *snapshot)
{
    return snapshot->stale_since_ms;
}

uint64_t snapshot_revision(const struct snapshot *snapshot)
{
    return snapshot->revision;
}

bool snapshot_set_trend(struct snapshot *snapshot, const char *id, int trend)
{
    bool found;
    size_t index = search(snapshot, id, &found);

    if (!found || snapshot->lots[index]->trend == trend)
        return false;
    snapshot->lots[index]->trend = trend;
    snapshot->revision++;
    return true;
}

uint64_t snapshot_membership(const struct snapshot *snapshot)
{
    return snapshot->membership;
}

uint64_t snapshot_static_revision(const struct snapshot *snapshot)
{
    return snapshot->static_revision;
}

struct list_cache *snapshot_list_cache(struct snapshot *snapshot)
{
    return snapshot->list_answers;
}

int64_t snapshot_stale_after_ms(const struct snapshot *snapshot)
{
    return snapshot->options.stale_after_ms;
}
