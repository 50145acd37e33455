/* snapshot.c: the in-memory state of every lot that public reads are answered from; pure. */
#include "snapshot.h"

#include "change.h"
#include "civil.h"
#include "etag.h"
#include "geo_index.h"
#include "growable.h"
#include "list_cache.h"
#include "schedule.h"

#include <math.h>
#include <parkshare/wire.h>
#include <stdlib.h>
#include <string.h>

/* A lot deleted during a load, so that the load's older record cannot revive it. */
struct tombstone {
    char *id;
    int64_t version;
};

struct snapshot {
    struct snapshot_options options;
    struct geo_index *geo;      /* every lot by location */
    int64_t stale_since_ms;     /* -1 while Redis is reachable */
    struct snapshot_lot **lots; /* sorted by id */
    size_t count;
    size_t capacity;
    bool loaded;
    uint64_t generation;
    struct tombstone *tombstones;
    size_t tombstone_count;
    size_t tombstone_capacity;
    char changed_id[WIRE_ID_MAX + 1];
    uint64_t revision;               /* see snapshot_revision */
    struct list_cache *list_answers; /* kept for revision */
};

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
    snapshot->geo = geo_index_new();
    snapshot->list_answers = list_cache_new(LIST_CACHE_DEFAULT_ENTRIES, LIST_CACHE_DEFAULT_BYTES);
    if (snapshot->geo == NULL || snapshot->list_answers == NULL) {
        snapshot_free(snapshot);
        return NULL;
    }
    return snapshot;
}

static void release_schedule(const struct snapshot *snapshot, struct snapshot_lot *lot)
{
    if (lot->compiled_schedule != NULL && snapshot->options.opening.release != NULL)
        snapshot->options.opening.release(lot->compiled_schedule);
    lot->compiled_schedule = NULL;
}

static void compile_schedule(const struct snapshot *snapshot, struct snapshot_lot *lot)
{
    release_schedule(snapshot, lot);
    if (snapshot->options.opening.compile != NULL)
        lot->compiled_schedule =
            snapshot->options.opening.compile(lot->static_json, snapshot->options.opening.data);
}

static void lot_free(const struct snapshot *snapshot, struct snapshot_lot *lot)
{
    if (lot == NULL)
        return;
    release_schedule(snapshot, lot);
    free(lot->opening_hours);
    free(lot->id);
    json_decref(lot->static_json);
    free(lot->body);
    gzip_copy_clear(&lot->gzip);
    free(lot);
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
        lot_free(snapshot, snapshot->lots[i]);
    free(snapshot->lots);
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

/* Judge state from the schedule, the count and its age. */
static void judge(const struct snapshot *snapshot, struct snapshot_lot *lot, int64_t now_ms)
{
    int64_t next_change = -1;
    bool open = true;

    if (lot->compiled_schedule != NULL && snapshot->options.opening.opening != NULL)
        open = snapshot->options.opening.opening(lot->compiled_schedule, now_ms, &next_change,
                                                 snapshot->options.opening.data);
    lot->open_now = open;
    lot->next_change_ms = next_change;
    lot->count_fresh = lot->occupied >= 0 && lot->updated_at_ms >= 0 &&
                       now_ms - lot->updated_at_ms <= snapshot->options.stale_after_ms;
    if (!open)
        lot->state = SNAPSHOT_STATE_CLOSED;
    else if (!lot->count_fresh)
        lot->state = SNAPSHOT_STATE_UNKNOWN;
    else if (lot->occupied >= lot->capacity)
        lot->state = SNAPSHOT_STATE_FULL;
    else
        lot->state = SNAPSHOT_STATE_OPEN;
}

static json_t *time_or_null(const struct snapshot *snapshot, int64_t milliseconds)
{
    char text[32];
    if (milliseconds < 0)
        return json_null();
    if (snapshot->options.opening.format_time != NULL)
        snapshot->options.opening.format_time(milliseconds, text);
    else
        civil_format_utc_ms(milliseconds, text);
    return json_string(text);
}

json_t *snapshot_lot_json(const struct snapshot *snapshot, const struct snapshot_lot *lot)
{
    json_t *document = json_pack("{s:s}", "id", lot->id);
    const char *key;
    json_t *value;

    if (document == NULL)
        return NULL;
    json_object_foreach(lot->static_json, key, value)
    {
        if (strcmp(key, "id") != 0 && strcmp(key, "opening_hours") != 0)
            json_object_set(document, key, value);
    }
    json_object_set_new(document, "occupied",
                        lot->occupied >= 0 ? json_integer(lot->occupied) : json_null());
    /* free is null whenever the count cannot be trusted (never reported, or
     * older than stale_after), so a sign never shows an old number. */
    json_object_set_new(document, "free",
                        lot->count_fresh ? json_integer(lot->capacity - lot->occupied)
                                         : json_null());
    json_object_set_new(document, "state", json_string(snapshot_state_name(lot->state)));
    json_object_set_new(document, "open_now", json_boolean(lot->open_now));
    json_object_set_new(document, "next_change", time_or_null(snapshot, lot->next_change_ms));
    json_object_set_new(document, "updated_at", time_or_null(snapshot, lot->updated_at_ms));
    json_object_set_new(document, "version", json_integer(lot->version));
    /* For map clients: derived from hours, so it always matches the state. */
    json_object_set_new(document, "opening_hours",
                        lot->opening_hours ? json_string(lot->opening_hours) : json_null());
    /* Redis is away: the count may have moved since; say so in the body too. */
    if (snapshot->stale_since_ms >= 0)
        json_object_set_new(document, "stale", json_true());
    return document;
}

/* Fill the typed views of a lot from its static JSON. Returns -1 if unusable. */
static int read_static(struct snapshot_lot *lot)
{
    const json_t *capacity = json_object_get(lot->static_json, "capacity");
    if (!json_is_object(lot->static_json) || !json_is_integer(capacity))
        return -1;
    lot->capacity = json_integer_value(capacity);
    lot->city = json_string_value(json_object_get(lot->static_json, "city"));
    lot->kind = json_string_value(json_object_get(lot->static_json, "kind"));
    lot->groups = json_object_get(lot->static_json, "groups");
    {
        const json_t *location = json_object_get(lot->static_json, "location");
        lot->latitude = json_number_value(json_object_get(location, "lat"));
        lot->longitude = json_number_value(json_object_get(location, "lon"));
    }
    free(lot->opening_hours);
    /* Given OSM text stands as it is; an hours object is said in OSM. */
    if (json_object_get(lot->static_json, "hours") == NULL &&
        json_is_string(json_object_get(lot->static_json, "opening_hours")))
        lot->opening_hours =
            strdup(json_string_value(json_object_get(lot->static_json, "opening_hours")));
    else
        lot->opening_hours = schedule_osm_string(json_object_get(lot->static_json, "hours"));
    return lot->opening_hours != NULL ? 0 : -1;
}

static int rebuild_body(const struct snapshot *snapshot, struct snapshot_lot *lot)
{
    json_t *document = snapshot_lot_json(snapshot, lot);
    char *body = document ? json_dumps(document, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(document);
    if (body == NULL)
        return SNAPSHOT_ERROR_NO_MEMORY;
    free(lot->body);
    lot->body = body;
    lot->body_length = strlen(body);
    etag_of(body, lot->body_length, lot->etag, sizeof(lot->etag));
    /* Without memory for the copy the identity body still serves every client. */
    gzip_copy_update(&lot->gzip, body, lot->body_length, lot->etag);
    return 0;
}

json_t *snapshot_compose_json(const struct snapshot *snapshot, const char *id,
                              const json_t *static_json, int64_t occupied, int64_t version,
                              int64_t updated_at_ms, int64_t now_ms)
{
    struct snapshot_lot lot = {0};
    json_t *document;

    lot.id = (char *)id;
    lot.static_json = (json_t *)static_json;
    lot.occupied = occupied;
    lot.version = version;
    lot.updated_at_ms = updated_at_ms;
    if (read_static(&lot) != 0)
        return NULL;
    compile_schedule(snapshot, &lot);
    judge(snapshot, &lot, now_ms);
    document = snapshot_lot_json(snapshot, &lot);
    release_schedule(snapshot, &lot);
    free(lot.opening_hours);
    return document;
}

/* A new lot from a record; NULL when its JSON is unusable or memory is out. */
static struct snapshot_lot *lot_from_record(const struct snapshot *snapshot,
                                            const struct snapshot_record *record, int64_t now_ms)
{
    struct snapshot_lot *lot = calloc(1, sizeof(*lot));
    if (lot == NULL)
        return NULL;
    lot->id = strdup(record->id);
    lot->static_json = json_loads(record->static_json, 0, NULL);
    lot->occupied = record->occupied;
    lot->version = record->version;
    lot->updated_at_ms = record->updated_at_ms;
    if (lot->id == NULL || lot->static_json == NULL || read_static(lot) != 0) {
        lot_free(snapshot, lot);
        return NULL;
    }
    compile_schedule(snapshot, lot);
    judge(snapshot, lot, now_ms);
    if (rebuild_body(snapshot, lot) != 0) {
        lot_free(snapshot, lot);
        return NULL;
    }
    return lot;
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
        lots[used] = lot_from_record(snapshot, &records[i], now_ms);
        if (lots[used] == NULL)
            (*skipped)++;
        else
            used++;
    }
    qsort(lots, used, sizeof(*lots), compare_lots);
    /* Keep what changed during the load and is not in it (created meanwhile,
     * or newer than its record). */
    for (size_t i = 0, loaded = used; i < snapshot->count; i++) {
        struct snapshot_lot *lot = snapshot->lots[i];
        if (lot->touched_generation < generation ||
            (loaded > 0 && bsearch(&lot, lots, loaded, sizeof(*lots), compare_lots) != NULL))
            continue;
        lots[used++] = lot;
        snapshot->lots[i] = NULL;
    }
    for (size_t i = 0; i < snapshot->count; i++)
        lot_free(snapshot, snapshot->lots[i]);
    free(snapshot->lots);
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

    /* Unknown lots are left to the next load; older versions lost the race. */
    if (!found || snapshot->lots[index]->version >= change->version)
        return 0;
    lot = snapshot->lots[index];
    lot->occupied = change->occupied;
    lot->updated_at_ms = change->updated_at_ms;
    lot->version = change->version;
    lot->touched_generation = snapshot->generation;
    judge(snapshot, lot, now_ms);
    *changed = true;
    return rebuild_body(snapshot, lot);
}

static int apply_lot(struct snapshot *snapshot, const struct change *change, int64_t now_ms,
                     bool *changed)
{
    const struct tombstone *deleted = find_tombstone(snapshot, change->id);
    struct snapshot_record record = {change->id, change->static_json, change->occupied,
                                     change->version, change->updated_at_ms};
    struct snapshot_lot *lot;
    bool found;
    size_t index = search(snapshot, change->id, &found);
    int result;

    if ((found && snapshot->lots[index]->version >= change->version) ||
        (deleted != NULL && deleted->version >= change->version))
        return 0;
    lot = lot_from_record(snapshot, &record, now_ms);
    if (lot == NULL)
        return SNAPSHOT_ERROR_MESSAGE;
    lot->touched_generation = snapshot->generation;
    *changed = true;
    if (found) {
        unindex(snapshot, snapshot->lots[index]);
        lot_free(snapshot, snapshot->lots[index]);
        snapshot->lots[index] = lot;
        return reindex(snapshot, lot);
    }
    result = insert_at(snapshot, index, lot);
    if (result != 0) {
        lot_free(snapshot, lot);
        return result;
    }
    return reindex(snapshot, lot);
}

static int apply_delete(struct snapshot *snapshot, const char *id, int64_t version, bool *changed)
{
    bool found;
    size_t index = search(snapshot, id, &found);

    if (found && snapshot->lots[index]->version < version) {
        unindex(snapshot, snapshot->lots[index]);
        lot_free(snapshot, snapshot->lots[index]);
        memmove(snapshot->lots + index, snapshot->lots + index + 1,
                (snapshot->count - index - 1) * sizeof(*snapshot->lots));
        snapshot->count--;
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
    snapshot->revision += changed ? 1 : 0;
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

size_t snapshot_refresh(struct snapshot *snapshot, int64_t now_ms, bool recompile)
{
    size_t changed = 0;
    for (size_t i = 0; i < snapshot->count; i++) {
        struct snapshot_lot *lot = snapshot->lots[i];
        if (recompile)
            compile_schedule(snapshot, lot);
        enum snapshot_state state = lot->state;
        bool open = lot->open_now, fresh = lot->count_fresh;
        int64_t next_change = lot->next_change_ms;
        judge(snapshot, lot, now_ms);
        if (recompile || lot->state != state || lot->open_now != open ||
            lot->count_fresh != fresh || lot->next_change_ms != next_change) {
            rebuild_body(snapshot, lot);
            changed++;
        }
    }
    if (changed > 0)
        snapshot->revision++;
    return changed;
}

int64_t snapshot_next_deadline(const struct snapshot *snapshot)
{
    int64_t earliest = -1;
    for (size_t i = 0; i < snapshot->count; i++) {
        const struct snapshot_lot *lot = snapshot->lots[i];
        int64_t candidates[2] = {lot->next_change_ms, -1};
        /* A fresh count turns stale at updated_at + stale_after. */
        if (lot->count_fresh)
            candidates[1] = lot->updated_at_ms + snapshot->options.stale_after_ms + 1;
        for (size_t c = 0; c < 2; c++) {
            if (candidates[c] >= 0 && (earliest < 0 || candidates[c] < earliest))
                earliest = candidates[c];
        }
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

    if (collector->by_distance) {
        distance = geo_distance_m(collector->lat, collector->lon, lot->latitude, lot->longitude);
        /* Within the radius means the distance shown (whole metres) is at most
         * the radius: a lot at 1000.0000001 m is in a 1000 m search. */
        if ((double)llround(distance) > collector->radius_m)
            return true;
    } else if (!geo_box_holds(&collector->box, lot->latitude, lot->longitude)) {
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
        rebuild_body(snapshot, snapshot->lots[i]);
}

int64_t snapshot_stale_since(const struct snapshot *snapshot)
{
    return snapshot->stale_since_ms;
}

uint64_t snapshot_revision(const struct snapshot *snapshot)
{
    return snapshot->revision;
}

struct list_cache *snapshot_list_cache(struct snapshot *snapshot)
{
    return snapshot->list_answers;
}

int64_t snapshot_stale_after_ms(const struct snapshot *snapshot)
{
    return snapshot->options.stale_after_ms;
}
