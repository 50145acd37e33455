/* metrics.h: the registry behind /metrics: counters, gauges and histograms with fixed label sets.
 */
#ifndef PARKSHARE_METRICS_H
#define PARKSHARE_METRICS_H

#include <stdbool.h>
#include <stddef.h>

enum metrics_error {
    METRICS_ERROR_NO_MEMORY = -1,
    METRICS_ERROR_FULL = -2, /* more routes or scripts than the registry has room for */
};

/* Route templates the registry has room for, besides "other" (slot 0). */
#define METRICS_MAX_ROUTES 64
/* The slot of requests that matched no route (404, 405, refused heads). */
#define METRICS_ROUTE_OTHER 0
/* Scripts the registry has room for. */
#define METRICS_MAX_SCRIPTS 32

enum metrics_method {
    METRICS_METHOD_GET = 0,
    METRICS_METHOD_HEAD,
    METRICS_METHOD_POST,
    METRICS_METHOD_PUT,
    METRICS_METHOD_DELETE,
    METRICS_METHOD_OPTIONS,
    METRICS_METHOD_OTHER,
    METRICS_METHOD_COUNT,
};

/* How an occupancy write ended in the store. */
enum metrics_write {
    METRICS_WRITE_OK = 0,
    METRICS_WRITE_REPLAY,      /* an idempotent retry answered with the first answer */
    METRICS_WRITE_CLAMPED,     /* applied, the count clamped to [0, capacity] */
    METRICS_WRITE_REFUSED,     /* the store refused it (a 4xx verdict) */
    METRICS_WRITE_UNAVAILABLE, /* Redis away or answering nonsense */
    METRICS_WRITE_COUNT,
};

/* The limit a connection or stream was refused by. */
enum metrics_limit {
    METRICS_LIMIT_MAX_CONNECTIONS = 0,
    METRICS_LIMIT_MAX_CONNECTIONS_PER_CLIENT,
    METRICS_LIMIT_MAX_STREAMS,
    METRICS_LIMIT_MAX_STREAMS_PER_CLIENT,
    METRICS_LIMIT_DESCRIPTORS, /* accept failed for lack of descriptors (or memory) */
    METRICS_LIMIT_COUNT,
};

/* The rate limit a request was refused by (429). */
enum metrics_rate_limit {
    METRICS_RATE_LIMIT_WRITES = 0,
    METRICS_RATE_LIMIT_ADMIN_WRITES,
    METRICS_RATE_LIMIT_AUTH_FAILURES,
    METRICS_RATE_LIMIT_COUNT,
};

/* Lot states, in enum snapshot_state's order. */
#define METRICS_LOT_STATES 4

/* What is read, not counted: the caller fills it from its accessors just before rendering. */
struct metrics_gauges {
    bool redis_up;
    size_t lots[METRICS_LOT_STATES]; /* lots per enum snapshot_state */
    size_t stream_clients;
    size_t long_poll_waiters;
    size_t connections_open;
};

struct metrics;

/* A registry with everything at zero; version (copied) labels build_info. NULL without memory. */
struct metrics *metrics_new(const char *version);

/* Free; accepts NULL. */
void metrics_free(struct metrics *metrics);

/*
 * A registry with model's version and routes (same slots), everything at
 * zero: one per thread that counts, added into model's with
 * metrics_add_counts. NULL without memory.
 */
struct metrics *metrics_new_sibling(const struct metrics *model);

/*
 * Add every count and observation of from into into (a sibling: the same
 * route slots), then, with clear, set from's to zero. Neither may be
 * counted into meanwhile (the caller's lock).
 */
void metrics_add_counts(struct metrics *into, struct metrics *from, bool clear);

/*
 * The slot of the route template pattern (copied), for metrics_count_request:
 * the same pattern gets the same slot. At registration, never per request.
 * Returns 0, METRICS_ERROR_FULL past METRICS_MAX_ROUTES, or _NO_MEMORY.
 */
int metrics_add_route(struct metrics *metrics, const char *pattern, size_t *slot);

/*
 * Name the scripts whose latency is observed: script i is names[i] (borrowed:
 * they must outlive the registry; a NULL name is never rendered). Returns 0,
 * or METRICS_ERROR_FULL past METRICS_MAX_SCRIPTS (nothing is named then).
 */
int metrics_name_scripts(struct metrics *metrics, const char *const *names, size_t count);

/*
 * The counting functions below take O(1) time, allocate nothing and accept
 * a NULL registry (nothing is counted); out-of-range slots are ignored.
 */

/*
 * One answered request: route slot, method and status. The statuses the
 * daemon answers are counted exactly; any other is counted under its class
 * ("2xx" and so on), so the label set stays bounded.
 */
void metrics_count_request(struct metrics *metrics, size_t route, enum metrics_method method,
                           int status);

/* A request's latency in seconds, by route slot. */
void metrics_observe_request(struct metrics *metrics, size_t route, double seconds);

void metrics_count_write(struct metrics *metrics, enum metrics_write outcome);
void metrics_count_reconnect(struct metrics *metrics);
void metrics_observe_script(struct metrics *metrics, size_t script, double seconds);
void metrics_count_refusal(struct metrics *metrics, enum metrics_limit limit);
void metrics_count_rate_limited(struct metrics *metrics, enum metrics_rate_limit limit);

/*
 * The Prometheus text exposition (version 0.0.4) of everything counted and
 * of gauges: HELP and TYPE for every family; label sets that were never
 * counted are left out of requests and histograms, fixed ones (outcomes,
 * limits, lot states) are always shown. A new string (caller frees) with
 * its length in *length, or NULL without memory.
 */
char *metrics_render(const struct metrics *metrics, const struct metrics_gauges *gauges,
                     size_t *length);

#endif
