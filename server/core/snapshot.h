/* snapshot.h: the in-memory state of every lot that public reads are answered from; pure. */
#ifndef PARKSHARE_SNAPSHOT_H
#define PARKSHARE_SNAPSHOT_H

#include "gzip.h"
#include "rendered_answer.h"
#include "space.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum snapshot_error {
    SNAPSHOT_ERROR_NO_MEMORY = -1,
    SNAPSHOT_ERROR_MESSAGE = -2, /* a change message that is not understood */
};

/* A lot's state for the public, as the spec defines it. */
enum snapshot_state {
    SNAPSHOT_STATE_CLOSED = 0,
    SNAPSHOT_STATE_UNKNOWN,
    SNAPSHOT_STATE_FULL,
    SNAPSHOT_STATE_OPEN,
};

/*
 * One lot: its canonical static JSON as text, the few static fields that
 * are read often (typed, filled once when the static fields change), live
 * counts and the answer built from both. The answer is the static text
 * spliced with the live members, not a jansson tree: 100,000 lots are
 * loaded in well under a second and kept in a few hundred bytes each.
 */
struct snapshot_lot {
    char *id;
    char *static_text; /* canonical static fields, compact JSON text (owned) */
    size_t static_length;
    char *strings; /* the string-valued static fields: "key\0value\0…\0" (owned) */
    int64_t capacity;
    const char *city; /* views into strings, or NULL */
    const char *kind;
    json_t *groups;     /* the group ids (owned), NULL when none */
    json_t *space_plan; /* {"spaces": the declared types} (owned; core/space.h reads it), or NULL */
    double latitude;
    double longitude;
    void *compiled_schedule; /* from snapshot_opening.compile, or NULL */
    char *opening_hours;     /* OSM string derived from hours, once per change */
    int64_t occupied;        /* -1 when never reported */
    int64_t version;
    int64_t count_version; /* the version that last set occupied (see space_counts.version) */
    int64_t updated_at_ms; /* -1 when never reported */
    enum snapshot_state state;
    bool count_fresh; /* a count exists and is no older than stale_after */
    int trend;        /* where the count heads next hour (enum forecast_trend); 0: no basis */
    bool open_now;
    int64_t next_change_ms; /* -1 when none is known */
    int64_t leave_by_ms;    /* the leave-by deadline in force, -1 when none applies */
    /* What the schedule alone said at schedule_judged_ms (-1: nothing kept): good until
     * its next change, its deadline passing, or an hour, whichever comes first. */
    int64_t schedule_judged_ms;
    bool schedule_open;
    int64_t schedule_next_ms;
    int64_t schedule_leave_by_ms;
    /* GET /v1/lots/{id}, built when the lot changed (one reference, the lot's): the
     * published view shares it, and its gzip copy is made when first asked for. */
    struct rendered_answer *answer;
    uint64_t touched_generation; /* the load generation of the last change */
    /* The space types' counts (core/space.h; owned), NULL while none was ever stored or
     * reported: most lots have none, and the counts are 216 bytes. While NULL, a type
     * count's message is judged against spaces_version (see snapshot_lot_counts). */
    struct space_counts *spaces;
    int64_t spaces_version;
    unsigned spaces_fresh; /* which of them are fresh: bit (1 << type) */
    /* Announced closures (core/closure.h): the stored records (owned; NULL when
     * there are none), the one in force at the last judgement (borrowed from them, or NULL), when
     * the lot opens again as far as closures go, the next instant they change the answer,
     * and the last closure event as JSON text (owned, or NULL) with its serial (see
     * snapshot_closure_serial). */
    json_t *closures;
    const json_t *closure;
    int64_t closure_until_ms;
    int64_t closure_boundary_ms;
    int64_t judged_at_ms;
    char *closure_event;
    uint64_t closure_event_serial;
    size_t deadline_position; /* in the snapshot's queue of deadlines (core/deadline_queue.h) */
};

struct snapshot;
struct change;
struct list_cache;

/*
 * How a lot's opening times are judged. The schedule engine answers; the
 * snapshot only asks. compile turns a lot's canonical static JSON text into
 * a handle once per change of the lot (NULL: no schedule, always open);
 * opening says whether the lot is open at now_ms and when that next changes
 * (*next_change_ms, -1 when not within reach); release frees a handle.
 */
struct snapshot_opening {
    void *(*compile)(const char *static_text, void *data);
    bool (*opening)(const void *compiled, int64_t now_ms, int64_t *next_change_ms, void *data);
    void (*release)(void *compiled);
    void *data;
    /* Writes an instant as RFC 3339 in the deployment's timezone; NULL: UTC. */
    void (*format_time)(int64_t utc_ms, char out[32]);
    /*
     * The lot's leave-by deadline in force at now_ms (while open, and after
     * entry closes until it passes), or -1; NULL: no lot has one.
     */
    int64_t (*leave_by)(const void *compiled, int64_t now_ms, void *data);
};

/* How lots are judged: counts older than stale_after are "unknown". */
struct snapshot_options {
    int64_t stale_after_ms;
    struct snapshot_opening opening; /* all NULL: every lot is always open */
};

/* A new, empty and not yet loaded snapshot, or NULL when out of memory. */
struct snapshot *snapshot_new(const struct snapshot_options *options);

/* How old a count may be and still be shown (stale_after), in milliseconds. */
int64_t snapshot_stale_after_ms(const struct snapshot *snapshot);

/* Free the snapshot and every lot; accepts NULL. */
void snapshot_free(struct snapshot *snapshot);

/* Whether a full load has completed at least once. */
bool snapshot_is_loaded(const struct snapshot *snapshot);

/*
 * Mark the start of a full load and return its generation. Changes applied
 * after this call win over the load's older records (see snapshot_load).
 */
uint64_t snapshot_begin_load(struct snapshot *snapshot);

/* One stored lot, as the store loads it; strings are borrowed. */
struct snapshot_record {
    const char *id;
    const char *static_json; /* canonical static fields, JSON text */
    int64_t occupied;        /* -1 when never reported */
    int64_t version;
    int64_t updated_at_ms;             /* -1 when never reported */
    const struct space_counts *spaces; /* the space types' counts (borrowed); NULL: none */
    const char *closures_json;         /* the hash field "closures", or NULL */
};

/*
 * Replace the content with records read since snapshot_begin_load returned
 * generation. A lot changed by a message since then keeps the newer state,
 * and one deleted since then stays deleted. Records whose JSON does not
 * parse are skipped and counted in *skipped. Returns 0 or
 * SNAPSHOT_ERROR_NO_MEMORY (the old content then stays).
 */
int snapshot_load(struct snapshot *snapshot, uint64_t generation,
                  const struct snapshot_record *records, size_t count, int64_t now_ms,
                  size_t *skipped);

/*
 * Apply one change of a lot (core/change.h). Older versions than what is
 * held are ignored; calendar changes are not the snapshot's and change
 * nothing. *changed_id (may be NULL) receives the lot id it touched, or
 * NULL when nothing changed; valid until the next call. Returns 0,
 * SNAPSHOT_ERROR_MESSAGE (a lot whose static fields are unusable) or
 * SNAPSHOT_ERROR_NO_MEMORY.
 */
int snapshot_apply_change(struct snapshot *snapshot, const struct change *change, int64_t now_ms,
                          const char **changed_id);

/* snapshot_apply_change of a message's text; SNAPSHOT_ERROR_MESSAGE when change_parse refuses it.
 */
int snapshot_apply(struct snapshot *snapshot, const char *message, size_t length, int64_t now_ms,
                   const char **changed_id);

/* The lot with id, or NULL. */
const struct snapshot_lot *snapshot_find(const struct snapshot *snapshot, const char *id);

/* Lots in id order: the count, the lot at index, and the first index whose id > after. */
size_t snapshot_count(const struct snapshot *snapshot);
const struct snapshot_lot *snapshot_at(const struct snapshot *snapshot, size_t index);
size_t snapshot_index_after(const struct snapshot *snapshot, const char *after);

/*
 * The full public JSON of a lot: its static fields, then occupied, free,
 * state, open_now, next_change, updated_at and version (its answer, parsed).
 * A new reference, NULL when memory is out.
 */
json_t *snapshot_lot_json(const struct snapshot *snapshot, const struct snapshot_lot *lot);

/*
 * The lot's canonical static fields parsed: a new reference (NULL when
 * memory is out). For the rare reader of a field the lot keeps no typed
 * view of (names, hours, calendar, fee notes).
 */
json_t *snapshot_lot_static(const struct snapshot_lot *lot);

/*
 * A string-valued static field of the lot ("name", "address", "calendar",
 * …; the names by language as "names.en", "names.zh"), or NULL when the
 * lot has no such field or it is not a string. Borrowed from the lot:
 * valid until it changes.
 */
const char *snapshot_lot_string(const struct snapshot_lot *lot, const char *name);

/*
 * The string fields of snapshot_lot_string in turn, in stored order: *at
 * starts NULL and each call moves it on; returns the next value with its
 * key in *key, NULL after the last.
 */
const char *snapshot_lot_next_string(const struct snapshot_lot *lot, const char **at,
                                     const char **key);

/* One static member's value parsed (a new reference), or NULL when the lot has none. */
json_t *snapshot_lot_member(const struct snapshot_lot *lot, const char *name);

/*
 * The same for a lot as a write answers it (static JSON text and the live
 * values from Redis), for PUT answers before the change message arrives.
 */
json_t *snapshot_compose_json(const struct snapshot *snapshot, const char *id,
                              const json_t *static_json, int64_t occupied, int64_t version,
                              int64_t updated_at_ms, int64_t now_ms);

/*
 * Re-judge against the clock (opening times, stale counts) the lots whose
 * deadline (snapshot_lot_deadline) has come by now_ms, and rebuild the
 * answers of those whose state changed. Returns how many changed. With
 * recompile, every lot's schedule is compiled again and every lot is
 * judged (a holiday calendar changed).
 */
size_t snapshot_refresh(struct snapshot *snapshot, int64_t now_ms, bool recompile);

/*
 * The earliest instant a lot's answer will change by time alone (its state,
 * a count turning stale, a leave-by deadline passing), or -1. O(1): lots are
 * kept in a queue by their deadlines as they change.
 */
int64_t snapshot_next_deadline(const struct snapshot *snapshot);

/* The same for one lot of the snapshot: O(1), for a change to one lot. */
int64_t snapshot_lot_deadline(const struct snapshot *snapshot, const struct snapshot_lot *lot);

/*
 * The lots within radius_m metres of lat, lon (their distance rounded to
 * whole metres is at most radius_m), through the spatial index,
 * in a new array (*lots, freed by the caller) with their distances
 * (*distances, in metres, same order; may be NULL). Unsorted. Returns the
 * count, or (size_t)-1 when out of memory.
 */
size_t snapshot_near(const struct snapshot *snapshot, double lat, double lon, double radius_m,
                     const struct snapshot_lot ***lots, double **distances);

/* The lots inside a box (min_lon > max_lon: across the antimeridian), unsorted; as snapshot_near.
 */
size_t snapshot_in_box(const struct snapshot *snapshot, double min_lat, double min_lon,
                       double max_lat, double max_lon, const struct snapshot_lot ***lots);

/*
 * Mark the content as stale (Redis is away: counts may have moved since) or
 * fresh again. Every answer is rebuilt with or without "stale": true.
 * since_ms is when the link was lost.
 */
void snapshot_set_stale(struct snapshot *snapshot, bool stale, int64_t since_ms);

/* When the content went stale, or -1 while it is fresh. */
int64_t snapshot_stale_since(const struct snapshot *snapshot);

/*
 * A number that moves whenever any lot's public answer may have changed: a
 * load, a change applied, a lot re-judged by the clock, stale or fresh
 * again. Answers built from the lots are good while it stays.
 */
uint64_t snapshot_revision(const struct snapshot *snapshot);

/*
 * Set the trend of lot id (an enum forecast_trend value, set by the
 * forecasts' refresh; the lot's own answer does not carry it, the feeds
 * do). Moves the revision when it changed. Returns whether it changed.
 */
bool snapshot_set_trend(struct snapshot *snapshot, const char *id, int trend);

/*
 * A number that moves whenever the set of lot ids may have changed (a
 * load, a lot added or deleted), not when a count or a field does: what
 * an index of ids is good for.
 */
uint64_t snapshot_membership(const struct snapshot *snapshot);

/*
 * A number that moves whenever the lot ids or any lot's static fields may
 * have changed (a load, a lot added, replaced or deleted), not when a
 * count, a closure or the clock does: what an index of static fields (the
 * cities that have lots) is good for. Lots are replaced, not edited, on
 * such a change, so while it stays, snapshot_at(i) is the same lot.
 */
uint64_t snapshot_static_revision(const struct snapshot *snapshot);

/*
 * The list answers kept for the current revision (core/list_answer.h fills
 * it); owned by the snapshot, bounded.
 */
struct list_cache *snapshot_list_cache(struct snapshot *snapshot);

/*
 * A number that moves with every closure event (announced, withdrawn,
 * started, ended): a lot whose closure_event_serial is above a value seen
 * before has a new event in closure_event, {"lot", "kind", "closure",
 * "state"}. Loads make no events.
 */
uint64_t snapshot_closure_serial(const struct snapshot *snapshot);

/* The lot's space type counts: lot->spaces, or every count unknown when it holds none. */
const struct space_counts *snapshot_lot_counts(const struct snapshot_lot *lot);

/* The state's name: "closed", "unknown", "full" or "open". */
const char *snapshot_state_name(enum snapshot_state state);

#endif
