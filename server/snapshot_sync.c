/* snapshot_sync.c: keeps the snapshot in step with Redis: full loads and change messages. */
#include "snapshot_sync.h"

#include "change.h"
#include "clock.h"
#include "log.h"
#include "store_calendars.h"
#include "store_groups.h"
#include "store_lots.h"

#include <stdlib.h>

/* Sleep at most this long between re-judgements, as a guard against a
 * deadline computed wrong; signs must never stay stale for long. */
#define MAX_TIMER_MS 60000

struct snapshot_sync {
    struct store *store;
    struct snapshot *snapshot;
    struct opening *opening;
    struct group_names *groups; /* the areas' names (owned) */
    snapshot_sync_change_callback on_change;
    void *data;
    struct event *timer;
    int64_t timer_due_ms; /* when the clock timer fires next; -1 while it is not armed */
    bool store_ready;
    bool loaded_since_ready;
    uint64_t load_generation;
    unsigned loads_in_flight;
};

static const char component[] = "snapshot";

/* Arm the clock timer for deadline (-1: none known), at most MAX_TIMER_MS ahead. */
static void arm_timer_at(struct snapshot_sync *sync, int64_t deadline)
{
    int64_t now = clock_now_ms();
    int64_t delay = MAX_TIMER_MS;
    struct timeval wait;

    if (deadline >= 0) {
        delay = deadline - now;
        if (delay < 0)
            delay = 0;
        if (delay > MAX_TIMER_MS)
            delay = MAX_TIMER_MS;
    }
    wait.tv_sec = delay / 1000;
    wait.tv_usec = (delay % 1000) * 1000;
    if (evtimer_add(sync->timer, &wait) == 0)
        sync->timer_due_ms = now + delay;
}

/* Arm for the earliest deadline of every lot: after a load or when the timer fired. */
static void arm_timer(struct snapshot_sync *sync)
{
    arm_timer_at(sync, snapshot_next_deadline(sync->snapshot));
}

/*
 * After a change to one lot, bring the timer forward if that lot's deadline
 * comes first. Scanning every lot on every change made a city of 100,000
 * lots spend three quarters of its time there; a deadline that moved later
 * only wakes the timer early, and the timer then scans once.
 */
static void arm_timer_for(struct snapshot_sync *sync, const char *lot_id)
{
    const struct snapshot_lot *lot = snapshot_find(sync->snapshot, lot_id);
    int64_t deadline = lot != NULL ? snapshot_lot_deadline(sync->snapshot, lot) : -1;

    if (deadline >= 0 && (sync->timer_due_ms < 0 || deadline < sync->timer_due_ms))
        arm_timer_at(sync, deadline);
}

static void on_timer(evutil_socket_t fd, short events, void *data)
{
    struct snapshot_sync *sync = data;
    size_t changed = snapshot_refresh(sync->snapshot, clock_now_ms(), false);
    if (changed > 0) {
        log_debug(component, "%zu lot(s) changed state with the clock", changed);
        if (sync->on_change != NULL)
            sync->on_change(NULL, sync->data);
    }
    arm_timer(sync);
}

static void on_loaded(const struct snapshot_record *records, size_t count, bool complete,
                      void *data)
{
    struct snapshot_sync *sync = data;
    size_t skipped = 0;

    sync->loads_in_flight--;
    if (!complete) {
        log_warning(component, "the load of lots was cut off; it is retried when Redis is back");
        return;
    }
    if (snapshot_load(sync->snapshot, sync->load_generation, records, count, clock_now_ms(),
                      &skipped) != 0) {
        log_error(component, "out of memory loading %zu lots", count);
        return;
    }
    if (skipped > 0)
        log_error(component, "%zu stored lot(s) could not be read and are not served", skipped);
    log_info(component, "loaded %zu lot(s)", snapshot_count(sync->snapshot));
    sync->loaded_since_ready = sync->store_ready;
    if (sync->on_change != NULL)
        sync->on_change(NULL, sync->data);
    arm_timer(sync);
}

/* Install one calendar read from Redis; a bad one is logged and left out. */
static bool install_calendar(struct snapshot_sync *sync, const char *id, const char *json)
{
    json_t *document = json_loads(json, 0, NULL);
    struct calendar *calendar = NULL;
    char error[256];
    bool installed = false;

    if (document == NULL || calendar_from_json(document, &calendar, error, sizeof(error)) != 0)
        log_error(component, "the stored calendar %s cannot be read: %s", id,
                  document ? error : "not JSON");
    else
        installed = opening_set_calendar(sync->opening, id, calendar) == 0;
    json_decref(document);
    return installed;
}

static void on_calendar_loaded(enum store_outcome outcome, const char *id, const char *json,
                               void *data)
{
    struct snapshot_sync *sync = data;
    if (id != NULL && json != NULL && json[0] != '\0')
        install_calendar(sync, id, json);
    else if (id == NULL && outcome == STORE_OUTCOME_OK)
        log_debug(component, "calendars loaded");
}

/* A calendar changed on some daemon: read it again and re-judge every lot. */
static void on_calendar_changed(enum store_outcome outcome, const char *id, const char *json,
                                void *data)
{
    struct snapshot_sync *sync = data;
    if (outcome == STORE_OUTCOME_NOT_FOUND) {
        opening_remove_calendar(sync->opening, id);
        log_info(component, "calendar %s deleted", id);
    } else if (outcome != STORE_OUTCOME_OK || !install_calendar(sync, id, json)) {
        return;
    } else {
        log_info(component, "calendar %s changed; lots re-judged", id);
    }
    /* Compiled again, so that no lot keeps what its schedule said under the old calendar. */
    snapshot_refresh(sync->snapshot, clock_now_ms(), true);
    if (sync->on_change != NULL)
        sync->on_change(NULL, sync->data);
    arm_timer(sync);
}

/* Install one group's names read from Redis; a bad one is logged and left out. */
static void install_group(struct snapshot_sync *sync, const char *id, const char *json)
{
    json_t *document = json_loads(json, 0, NULL);
    if (document == NULL || group_names_set(sync->groups, id, document) != 0)
        log_error(component, "the stored names of group %s cannot be read", id);
    json_decref(document);
}

static void on_group_loaded(enum store_outcome outcome, const char *id, const char *json,
                            void *data)
{
    if (id != NULL && json != NULL)
        install_group(data, id, json);
}

/* A group's names changed on some daemon: read them again (the last read wins). */
static void on_group_changed(enum store_outcome outcome, const char *id, const char *json,
                             void *data)
{
    struct snapshot_sync *sync = data;
    if (outcome == STORE_OUTCOME_NOT_FOUND)
        group_names_remove(sync->groups, id);
    else if (outcome == STORE_OUTCOME_OK)
        install_group(sync, id, json);
}

static void reload_group(struct snapshot_sync *sync, const char *id)
{
    if (store_group_get(sync->store, id, on_group_changed, sync) != 0)
        log_warning(component, "cannot read the changed group %s", id);
}

struct group_names *snapshot_sync_groups(const struct snapshot_sync *sync)
{
    return sync->groups;
}

void snapshot_sync_on_ready(bool ready, void *data)
{
    struct snapshot_sync *sync = data;

    sync->store_ready = ready;
    sync->loaded_since_ready = false;
    if (!ready)
        return;
    /* Changes may have been missed while the link was down: load everything,
     * calendars first so that the lots are judged with them. */
    if (store_calendars_load(sync->store, on_calendar_loaded, sync) != 0)
        log_warning(component, "cannot start the load of calendars; waiting for Redis");
    group_names_clear(sync->groups);
    if (store_groups_load(sync->store, on_group_loaded, sync) != 0)
        log_warning(component, "cannot start the load of group names; waiting for Redis");
    sync->load_generation = snapshot_begin_load(sync->snapshot);
    if (store_lots_load(sync->store, on_loaded, sync) == 0)
        sync->loads_in_flight++;
    else
        log_warning(component, "cannot start the load of lots; waiting for Redis");
}

/*
 * A calendar was stored or deleted: read it again rather than trust the
 * message, so that of quick successive changes the last read (in order on
 * the command link) wins.
 */
static void reload_calendar(struct snapshot_sync *sync, const char *id)
{
    if (store_calendar_get(sync->store, id, on_calendar_changed, sync) != 0)
        log_warning(component, "cannot read the changed calendar %s", id);
}

static void apply_lot_change(struct snapshot_sync *sync, const struct change *change)
{
    const char *changed = NULL;

    if (snapshot_apply_change(sync->snapshot, change, clock_now_ms(), &changed) != 0) {
        log_warning(component, "ignored a change message that is not understood");
        return;
    }
    if (changed == NULL)
        return;
    if (sync->on_change != NULL)
        sync->on_change(changed, sync->data);
    arm_timer_for(sync, changed);
}

void snapshot_sync_apply_own(struct snapshot_sync *sync, const struct change *change)
{
    if (change->version > 0)
        apply_lot_change(sync, change);
}

void snapshot_sync_on_message(const char *message, size_t length, void *data)
{
    struct snapshot_sync *sync = data;
    struct change change;

    if (change_parse(message, length, &change) != 0) {
        log_warning(component, "ignored a change message that is not understood");
        return;
    }
    switch (change.type) {
    case CHANGE_CALENDAR:
    case CHANGE_CALENDAR_DELETED:
        reload_calendar(sync, change.id);
        break;
    case CHANGE_GROUP:
    case CHANGE_GROUP_DELETED:
        reload_group(sync, change.id);
        break;
    case CHANGE_OCCUPANCY:
    case CHANGE_LOT:
    case CHANGE_LOT_DELETED:
    case CHANGE_CLOSURES:
        apply_lot_change(sync, &change);
        break;
    }
    change_deinit(&change);
}

bool snapshot_sync_is_ready(const struct snapshot_sync *sync)
{
    return sync->store_ready && sync->loaded_since_ready;
}

int snapshot_sync_new(struct event_base *base, struct store *store, struct snapshot *snapshot,
                      struct opening *opening, snapshot_sync_change_callback on_change, void *data,
                      struct snapshot_sync **out)
{
    struct snapshot_sync *sync = calloc(1, sizeof(*sync));
    if (sync == NULL)
        return -1;
    sync->store = store;
    sync->snapshot = snapshot;
    sync->opening = opening;
    sync->on_change = on_change;
    sync->data = data;
    sync->timer = evtimer_new(base, on_timer, sync);
    sync->timer_due_ms = -1;
    sync->groups = group_names_new();
    if (sync->timer == NULL || sync->groups == NULL)
        goto free_sync;
    *out = sync;
    return 0;

free_sync:
    if (sync->timer != NULL)
        event_free(sync->timer);
    group_names_free(sync->groups);
    free(sync);
    return -1;
}

void snapshot_sync_free(struct snapshot_sync *sync)
{
    if (sync == NULL)
        return;
    if (sync->timer != NULL)
        event_free(sync->timer);
    group_names_free(sync->groups);
    free(sync);
}
