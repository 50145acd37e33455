/* metrics.c: the registry behind /metrics: fixed arrays counted in O(1), text only when read. */
#include "metrics.h"

#include "snapshot.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The statuses the daemon answers, counted exactly; anything else goes under its class. */
static const int known_statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 409,
                                     411, 413, 415, 422, 429, 431, 500, 503, 505};
#define KNOWN_STATUSES (sizeof(known_statuses) / sizeof(known_statuses[0]))
/* Then "1xx" to "5xx". */
#define STATUS_SLOTS (KNOWN_STATUSES + 5)
/* A status answered is looked up here: index status - 100, value slot + 1 (0: by class). */
#define STATUS_RANGE 500

/* Seconds: from half a millisecond (an answer from memory) to 5 s (a slow Redis). */
static const double request_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                        0.1,    0.25,  0.5,    1,     2.5,  5};
/* A script runs inside Redis: from 0.2 ms to 1 s. */
static const double script_bounds[] = {0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                       0.025,  0.05,   0.1,   0.25,   0.5,   1};
#define MAX_BOUNDS 13

static const char *const method_names[METRICS_METHOD_COUNT] = {"GET",    "HEAD",    "POST", "PUT",
                                                               "DELETE", "OPTIONS", "other"};
static const char *const write_names[METRICS_WRITE_COUNT] = {"ok", "replay", "clamped", "refused",
                                                             "unavailable"};
static const char *const limit_names[METRICS_LIMIT_COUNT] = {
    "max_connections", "max_connections_per_client", "max_streams", "max_streams_per_client",
    "descriptors"};
static const char *const rate_limit_names[METRICS_RATE_LIMIT_COUNT] = {"writes", "admin_writes",
                                                                       "auth_failures"};

struct histogram {
    uint64_t buckets[MAX_BOUNDS + 1]; /* per bucket, not cumulative; the last is +Inf */
    uint64_t count;
    double sum;
};

struct metrics {
    char *version;
    char *routes[METRICS_MAX_ROUTES + 1]; /* slot 0 is "other" */
    size_t route_count;
    const char *const *script_names;
    size_t script_count;
    unsigned char status_slot[STATUS_RANGE];
    uint64_t requests[METRICS_MAX_ROUTES + 1][METRICS_METHOD_COUNT][STATUS_SLOTS];
    struct histogram request_latency[METRICS_MAX_ROUTES + 1];
    struct histogram script_latency[METRICS_MAX_SCRIPTS];
    uint64_t writes[METRICS_WRITE_COUNT];
    uint64_t reconnects;
    uint64_t refusals[METRICS_LIMIT_COUNT];
    uint64_t rate_limited[METRICS_RATE_LIMIT_COUNT];
};

struct metrics *metrics_new(const char *version)
{
    struct metrics *metrics = calloc(1, sizeof(*metrics));

    if (metrics == NULL)
        return NULL;
    metrics->version = strdup(version != NULL ? version : "");
    metrics->routes[METRICS_ROUTE_OTHER] = strdup("other");
    metrics->route_count = 1;
    if (metrics->version == NULL || metrics->routes[METRICS_ROUTE_OTHER] == NULL) {
        metrics_free(metrics);
        return NULL;
    }
    for (size_t i = 0; i < KNOWN_STATUSES; i++)
        metrics->status_slot[known_statuses[i] - 100] = (unsigned char)(i + 1);
    return metrics;
}

void metrics_free(struct metrics *metrics)
{
    if (metrics == NULL)
        return;
    for (size_t i = 0; i < metrics->route_count; i++)
        free(metrics->routes[i]);
    free(metrics->version);
    free(metrics);
}

struct metrics *metrics_new_sibling(const struct metrics *model)
{
    struct metrics *metrics = metrics_new(model->version);
    size_t slot;

    for (size_t i = 1; metrics != NULL && i < model->route_count; i++) {
        if (metrics_add_route(metrics, model->routes[i], &slot) != 0) {
            metrics_free(metrics);
            return NULL;
        }
    }
    return metrics;
}

static void add_histogram(struct histogram *into, const struct histogram *from)
{
    for (size_t i = 0; i <= MAX_BOUNDS; i++)
        into->buckets[i] += from->buckets[i];
    into->count += from->count;
    into->sum += from->sum;
}

void metrics_add_counts(struct metrics *into, struct metrics *from, bool clear)
{
    const uint64_t *source = &from->requests[0][0][0];
    uint64_t *target = &into->requests[0][0][0];

    for (size_t i = 0; i < sizeof(from->requests) / sizeof(*source); i++)
        target[i] += source[i];
    for (size_t i = 0; i <= METRICS_MAX_ROUTES; i++)
        add_histogram(&into->request_latency[i], &from->request_latency[i]);
    for (size_t i = 0; i < METRICS_MAX_SCRIPTS; i++)
        add_histogram(&into->script_latency[i], &from->script_latency[i]);
    for (size_t i = 0; i < METRICS_WRITE_COUNT; i++)
        into->writes[i] += from->writes[i];
    into->reconnects += from->reconnects;
    for (size_t i = 0; i < METRICS_LIMIT_COUNT; i++)
        into->refusals[i] += from->refusals[i];
    for (size_t i = 0; i < METRICS_RATE_LIMIT_COUNT; i++)
        into->rate_limited[i] += from->rate_limited[i];
    if (!clear)
        return;
    memset(from->requests, 0, sizeof(from->requests));
    memset(from->request_latency, 0, sizeof(from->request_latency));
    memset(from->script_latency, 0, sizeof(from->script_latency));
    memset(from->writes, 0, sizeof(from->writes));
    from->reconnects = 0;
    memset(from->refusals, 0, sizeof(from->refusals));
    memset(from->rate_limited, 0, sizeof(from->rate_limited));
}

int metrics_add_route(struct metrics *metrics, const char *pattern, size_t *slot)
{
    for (size_t i = 1; i < metrics->route_count; i++) {
        if (strcmp(metrics->routes[i], pattern) == 0) {
            *slot = i;
            return 0;
        }
    }
    if (metrics->route_count > METRICS_MAX_ROUTES)
        return METRICS_ERROR_FULL;
    metrics->routes[metrics->route_count] = strdup(pattern);
    if (metrics->routes[metrics->route_count] == NULL)
        return METRICS_ERROR_NO_MEMORY;
    *slot = metrics->route_count++;
    return 0;
}

int metrics_name_scripts(struct metrics *metrics, const char *const *names, size_t count)
{
    if (count > METRICS_MAX_SCRIPTS)
        return METRICS_ERROR_FULL;
    metrics->script_names = names;
    metrics->script_count = count;
    return 0;
}

static size_t status_slot(const struct metrics *metrics, int status)
{
    int class = status / 100;

    if (status >= 100 && status < 100 + STATUS_RANGE && metrics->status_slot[status - 100] != 0)
        return metrics->status_slot[status - 100] - 1u;
    if (class < 1)
        class = 1;
    if (class > 5)
        class = 5;
    return KNOWN_STATUSES + (size_t)(class - 1);
}

void metrics_count_request(struct metrics *metrics, size_t route, enum metrics_method method,
                           int status)
{
    if (metrics == NULL || route >= metrics->route_count ||
        (unsigned)method >= METRICS_METHOD_COUNT)
        return;
    metrics->requests[route][method][status_slot(metrics, status)]++;
}

static void observe(struct histogram *histogram, const double *bounds, size_t bound_count,
                    double seconds)
{
    size_t bucket = 0;

    while (bucket < bound_count && seconds > bounds[bucket])
        bucket++;
    histogram->buckets[bucket]++;
    histogram->count++;
    histogram->sum += seconds;
}

void metrics_observe_request(struct metrics *metrics, size_t route, double seconds)
{
    if (metrics == NULL || route >= metrics->route_count)
        return;
    observe(&metrics->request_latency[route], request_bounds,
            sizeof(request_bounds) / sizeof(request_bounds[0]), seconds);
}

void metrics_count_write(struct metrics *metrics, enum metrics_write outcome)
{
    if (metrics != NULL && (unsigned)outcome < METRICS_WRITE_COUNT)
        metrics->writes[outcome]++;
}

void metrics_count_reconnect(struct metrics *metrics)
{
    if (metrics != NULL)
        metrics->reconnects++;
}

void metrics_observe_script(struct metrics *metrics, size_t script, double seconds)
{
    if (metrics == NULL || script >= metrics->script_count)
        return;
    observe(&metrics->script_latency[script], script_bounds,
            sizeof(script_bounds) / sizeof(script_bounds[0]), seconds);
}

void metrics_count_refusal(struct metrics *metrics, enum metrics_limit limit)
{
    if (metrics != NULL && (unsigned)limit < METRICS_LIMIT_COUNT)
        metrics->refusals[limit]++;
}

void metrics_count_rate_limited(struct metrics *metrics, enum metrics_rate_limit limit)
{
    if (metrics != NULL && (unsigned)limit < METRICS_RATE_LIMIT_COUNT)
        metrics->rate_limited[limit]++;
}

/* --- rendering --- */

/* The answer being written; failed once memory ran out (everything after is dropped). */
struct text {
    char *bytes;
    size_t length;
    size_t capacity;
    bool failed;
};

static void text_add(struct text *text, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void text_add(struct text *text, const char *format, ...)
{
    va_list arguments;
    int needed;

    if (text->failed)
        return;
    va_start(arguments, format);
    needed =
        vsnprintf(text->bytes + text->length, text->capacity - text->length, format, arguments);
    va_end(arguments);
    if (needed < 0) {
        text->failed = true;
        return;
    }
    if ((size_t)needed >= text->capacity - text->length) {
        size_t capacity = (text->capacity + (size_t)needed + 1) * 2;
        char *bytes = realloc(text->bytes, capacity);
        if (bytes == NULL) {
            text->failed = true;
            return;
        }
        text->bytes = bytes;
        text->capacity = capacity;
        va_start(arguments, format);
        vsnprintf(text->bytes + text->length, text->capacity - text->length, format, arguments);
        va_end(arguments);
    }
    text->length += (size_t)needed;
}

/* A label value as the format wants it: backslash, double quote and newline escaped. */
static void text_add_escaped(struct text *text, const char *value)
{
    for (const char *c = value; *c != '\0'; c++) {
        if (*c == '\\')
            text_add(text, "\\\\");
        else if (*c == '"')
            text_add(text, "\\\"");
        else if (*c == '\n')
            text_add(text, "\\n");
        else
            text_add(text, "%c", *c);
    }
}

static void text_add_family(struct text *text, const char *name, const char *type, const char *help)
{
    text_add(text, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{label="value"} number, the value escaped. */
static void text_add_sample(struct text *text, const char *name, const char *label,
                            const char *value, unsigned long long number)
{
    text_add(text, "%s{%s=\"", name, label);
    text_add_escaped(text, value);
    text_add(text, "\"} %llu\n", number);
}

static void format_status(int slot, char out[8])
{
    if ((size_t)slot < KNOWN_STATUSES)
        snprintf(out, 8, "%d", known_statuses[slot]);
    else
        snprintf(out, 8, "%dxx", slot - (int)KNOWN_STATUSES + 1);
}

static void render_requests(struct text *text, const struct metrics *metrics)
{
    static const char name[] = "parkshare_http_requests_total";
    char status[8];

    text_add_family(text, name, "counter",
                    "HTTP requests answered, by route template, method and status.");
    for (size_t route = 0; route < metrics->route_count; route++) {
        for (size_t method = 0; method < METRICS_METHOD_COUNT; method++) {
            for (size_t slot = 0; slot < STATUS_SLOTS; slot++) {
                uint64_t count = metrics->requests[route][method][slot];
                if (count == 0)
                    continue;
                format_status((int)slot, status);
                text_add(text, "%s{route=\"", name);
                text_add_escaped(text, metrics->routes[route]);
                text_add(text, "\",method=\"%s\",status=\"%s\"} %llu\n", method_names[method],
                         status, (unsigned long long)count);
            }
        }
    }
}

/* One labelled histogram's buckets (cumulative), sum and count. */
static void render_histogram(struct text *text, const char *name, const char *label,
                             const char *value, const struct histogram *histogram,
                             const double *bounds, size_t bound_count)
{
    uint64_t cumulative = 0;

    for (size_t i = 0; i <= bound_count; i++) {
        cumulative += histogram->buckets[i];
        text_add(text, "%s_bucket{%s=\"", name, label);
        text_add_escaped(text, value);
        if (i < bound_count)
            text_add(text, "\",le=\"%g\"} %llu\n", bounds[i], (unsigned long long)cumulative);
        else
            text_add(text, "\",le=\"+Inf\"} %llu\n", (unsigned long long)cumulative);
    }
    text_add(text, "%s_sum{%s=\"", name, label);
    text_add_escaped(text, value);
    text_add(text, "\"} %.9g\n%s_count{%s=\"", histogram->sum, name, label);
    text_add_escaped(text, value);
    text_add(text, "\"} %llu\n", (unsigned long long)histogram->count);
}

static void render_latencies(struct text *text, const struct metrics *metrics)
{
    static const char requests[] = "parkshare_http_request_duration_seconds";
    static const char scripts[] = "parkshare_redis_script_duration_seconds";

    text_add_family(text, requests, "histogram",
                    "Seconds from a request's head to its answer written, by route template "
                    "(event streams and long polls are not timed).");
    for (size_t route = 0; route < metrics->route_count; route++) {
        if (metrics->request_latency[route].count > 0)
            render_histogram(text, requests, "route", metrics->routes[route],
                             &metrics->request_latency[route], request_bounds,
                             sizeof(request_bounds) / sizeof(request_bounds[0]));
    }
    text_add_family(text, scripts, "histogram",
                    "Seconds from a Lua script's call to Redis' reply, by script.");
    for (size_t script = 0; script < metrics->script_count; script++) {
        if (metrics->script_latency[script].count > 0 && metrics->script_names[script] != NULL)
            render_histogram(text, scripts, "script", metrics->script_names[script],
                             &metrics->script_latency[script], script_bounds,
                             sizeof(script_bounds) / sizeof(script_bounds[0]));
    }
}

/* A family whose one label takes each of a fixed set of values, all shown, zeros too. */
static void render_fixed(struct text *text, const char *name, const char *type, const char *help,
                         const char *label, const char *const *values, const uint64_t *counts,
                         size_t count)
{
    text_add_family(text, name, type, help);
    for (size_t i = 0; i < count; i++)
        text_add_sample(text, name, label, values[i], (unsigned long long)counts[i]);
}

static void render_counters(struct text *text, const struct metrics *metrics)
{
    render_fixed(text, "parkshare_writes_total", "counter",
                 "Occupancy writes that reached the store, by outcome.", "outcome", write_names,
                 metrics->writes, METRICS_WRITE_COUNT);
    text_add_family(text, "parkshare_redis_reconnects_total", "counter",
                    "Times the Redis link was made whole again after it was lost.");
    text_add(text, "parkshare_redis_reconnects_total %llu\n",
             (unsigned long long)metrics->reconnects);
    render_fixed(text, "parkshare_connections_refused_total", "counter",
                 "Connections and streams refused, by the limit they met.", "limit", limit_names,
                 metrics->refusals, METRICS_LIMIT_COUNT);
    render_fixed(text, "parkshare_rate_limited_total", "counter",
                 "Requests answered 429, by the rate limit they met.", "limit", rate_limit_names,
                 metrics->rate_limited, METRICS_RATE_LIMIT_COUNT);
}

static void render_gauges(struct text *text, const struct metrics *metrics,
                          const struct metrics_gauges *gauges)
{
    const char *state_names[METRICS_LOT_STATES];
    uint64_t lots[METRICS_LOT_STATES];

    text_add_family(text, "parkshare_build_info", "gauge", "The daemon's version (always 1).");
    text_add_sample(text, "parkshare_build_info", "version", metrics->version, 1);
    text_add_family(text, "parkshare_redis_up", "gauge",
                    "1 while the Redis links are ready for commands, else 0.");
    text_add(text, "parkshare_redis_up %d\n", gauges->redis_up ? 1 : 0);
    for (size_t i = 0; i < METRICS_LOT_STATES; i++) {
        state_names[i] = snapshot_state_name((enum snapshot_state)i);
        lots[i] = gauges->lots[i];
    }
    render_fixed(text, "parkshare_lots", "gauge", "Lots by their state as the API names it.",
                 "state", state_names, lots, METRICS_LOT_STATES);
    text_add_family(text, "parkshare_stream_clients", "gauge", "Open event streams (/v1/stream).");
    text_add(text, "parkshare_stream_clients %zu\n", gauges->stream_clients);
    text_add_family(text, "parkshare_long_poll_waiters", "gauge",
                    "Long polls of /v1/totals waiting for a change.");
    text_add(text, "parkshare_long_poll_waiters %zu\n", gauges->long_poll_waiters);
    text_add_family(text, "parkshare_connections_open", "gauge", "Open client connections.");
    text_add(text, "parkshare_connections_open %zu\n", gauges->connections_open);
}

char *metrics_render(const struct metrics *metrics, const struct metrics_gauges *gauges,
                     size_t *length)
{
    struct text text = {NULL, 0, 0, false};

    text.bytes = malloc(16384);
    if (text.bytes == NULL)
        return NULL;
    text.capacity = 16384;
    render_gauges(&text, metrics, gauges);
    render_requests(&text, metrics);
    render_latencies(&text, metrics);
    render_counters(&text, metrics);
    if (text.failed) {
        free(text.bytes);
        return NULL;
    }
    *length = text.length;
    return text.bytes;
}
