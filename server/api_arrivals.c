/* api_arrivals.c: GET /v1/lots?arrive_at=&min_free=: lots open then and expected to have room. */
#include "api_arrivals.h"

#include "api_forecast.h"
#include "civil.h"
#include "clock.h"
#include "http.h"
#include "lot_query.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CANDIDATES_MAX 64 /* lots judged per request, in the list's order */
#define AHEAD_MAX_MS   (7 * 86400000LL)

struct arrivals {
    struct http_exchange *exchange;
    struct endpoint_context *context;
    struct lot_query query;
    char strings[4][WIRE_ID_MAX + 1]; /* the selection's city, group, kind, kept */
    int64_t arrive_ms;
    int64_t min_free;
    int rounds;
};

static const char *lookup_parameter(const char *name, void *data)
{
    return http_exchange_query(data, name);
}

/* The list's parameters but min_free and cursor, plus arrive_at. */
static const char *unknown_parameter(struct http_exchange *exchange)
{
    const char *known[16];
    size_t count = 0;

    for (size_t i = 0; i < lot_query_parameter_count && count < 15; i++)
        if (strcmp(lot_query_parameters[i], "cursor") != 0 &&
            strcmp(lot_query_parameters[i], "open") != 0)
            known[count++] = lot_query_parameters[i];
    known[count++] = "arrive_at";
    return http_exchange_unknown_query(exchange, known, count);
}

/* The selection's texts point into the exchange; keep copies, as the answer may come later. */
static void keep_selection(struct arrivals *arrivals)
{
    const char **texts[] = {&arrivals->query.selection.city, &arrivals->query.selection.group,
                            &arrivals->query.selection.kind};
    for (size_t i = 0; i < 3; i++)
        if (*texts[i] != NULL) {
            snprintf(arrivals->strings[i], sizeof(arrivals->strings[i]), "%s", *texts[i]);
            *texts[i] = arrivals->strings[i];
        }
}

static int parse(struct http_exchange *exchange, struct arrivals *arrivals, int64_t now_ms)
{
    const char *unknown = unknown_parameter(exchange);
    const char *arrive = http_exchange_query(exchange, "arrive_at");
    struct field_error error;

    if (unknown != NULL) {
        http_reply_invalid(exchange, unknown,
                           strcmp(unknown, "cursor") == 0 || strcmp(unknown, "open") == 0
                               ? "not with arrive_at (the answer is one page of lots open then)"
                               : "unknown query parameter");
        return -1;
    }
    if (civil_parse_rfc3339(arrive, &arrivals->arrive_ms) != 0) {
        http_reply_invalid(exchange, "arrive_at",
                           "must be an RFC 3339 time such as 2026-10-01T09:40:00+08:00");
        return -1;
    }
    if (arrivals->arrive_ms < now_ms - 300000 || arrivals->arrive_ms > now_ms + AHEAD_MAX_MS) {
        http_reply_invalid(exchange, "arrive_at", "must be from now to 7 days ahead");
        return -1;
    }
    if (lot_query_parse(lookup_parameter, exchange, &arrivals->query, &error) != 0) {
        http_reply_invalid(exchange, error.field, error.rule);
        return -1;
    }
    /* min_free is about arrive_at here, and the opening too: not about now. */
    arrivals->min_free = arrivals->query.min_free >= 0 ? arrivals->query.min_free : 1;
    arrivals->query.min_free = -1;
    arrivals->query.open = LOT_QUERY_OPEN_ANY;
    keep_selection(arrivals);
    return 0;
}

static void local_hour(int64_t utc_ms, int64_t *day, int *hour)
{
    int64_t minute = clock_local_minute(utc_ms);
    *day = minute >= 0 ? minute / 1440 : (minute - 1439) / 1440;
    *hour = (int)((minute - *day * 1440) / 60);
}

static bool open_at(const struct arrivals *arrivals, const struct snapshot_lot *lot)
{
    struct snapshot_opening opening = opening_for_snapshot(arrivals->context->opening);
    int64_t next_change = -1;

    return lot->compiled_schedule == NULL ||
           opening.opening(lot->compiled_schedule, arrivals->arrive_ms, &next_change, opening.data);
}

/* The lot's answer with its forecast at arrive_at, when it is open then and has room. */
static json_t *judge(const struct arrivals *arrivals, const struct snapshot_lot *lot)
{
    struct forecast_profile profile;
    double expected, low, high, capacity = (double)lot->capacity;
    double observed = lot->count_fresh && lot->occupied >= 0 ? (double)lot->occupied : -1;
    int64_t made_day, day;
    int made_hour, hour;
    json_t *answer = NULL;
    bool found;

    if (!open_at(arrivals, lot) || api_forecast_profile(arrivals->context, lot->id, &profile) != 0)
        return NULL;
    local_hour(clock_now_ms(), &made_day, &made_hour);
    local_hour(arrivals->arrive_ms, &day, &hour);
    found = forecast_days_known(&profile) >= FORECAST_MIN_DAYS &&
            forecast_at(&profile, made_day, made_hour, observed, day, hour, &expected, &low, &high);
    api_forecast_profile_release(&profile);
    if (!found || lround(capacity - expected) < arrivals->min_free)
        return NULL;
    answer = json_loadb(lot->answer->body, lot->answer->body_length, 0, NULL);
    if (answer != NULL)
        json_object_set_new(answer, "forecast",
                            json_pack("{s:I, s:I, s:I}", "free",
                                      (json_int_t)lround(capacity - expected), "free_low",
                                      (json_int_t)lround(capacity - high), "free_high",
                                      (json_int_t)lround(capacity - low)));
    return answer;
}

static void reply(struct arrivals *arrivals, const struct lot_query_hit *hits, size_t count)
{
    json_t *lots = json_array(), *document;
    char time[32];

    for (size_t i = 0;
         lots != NULL && i < count && json_array_size(lots) < (size_t)arrivals->query.limit; i++) {
        json_t *lot = judge(arrivals, hits[i].lot);
        if (lot != NULL)
            json_array_append_new(lots, lot);
    }
    clock_format_local(arrivals->arrive_ms, time);
    /* One page: next_cursor is always null, as on a list's last page. */
    document = json_pack("{s:o, s:n, s:s, s:I}", "lots", lots, "next_cursor", "arrive_at", time,
                         "min_free", (json_int_t)arrivals->min_free);
    if (document == NULL)
        http_reply_problem(arrivals->exchange, PROBLEM_INTERNAL, "out of memory");
    else
        http_reply_json(arrivals->exchange, 200, document, 0);
    json_decref(document);
}

static void serve(struct arrivals *arrivals);

static void on_loaded(bool ok, void *data)
{
    struct arrivals *arrivals = data;
    if (!ok) {
        endpoint_reply_store_unavailable(arrivals->exchange);
        free(arrivals);
        return;
    }
    serve(arrivals);
}

/* Read the next candidates that are not kept, or answer once all are (or reads ran out). */
static void serve(struct arrivals *arrivals)
{
    struct lot_query_hit *hits = NULL;
    struct forecast_profile probe;
    const char *load[API_FORECAST_LOAD_MAX];
    size_t count = 0, missing = 0;

    if (lot_query_select(arrivals->context->snapshot, &arrivals->query, &hits, &count) != 0) {
        http_reply_problem(arrivals->exchange, PROBLEM_INTERNAL, "out of memory");
        goto done;
    }
    if (count > CANDIDATES_MAX)
        count = CANDIDATES_MAX;
    for (size_t i = 0; i < count && missing < API_FORECAST_LOAD_MAX; i++) {
        if (api_forecast_profile(arrivals->context, hits[i].lot->id, &probe) == 0)
            api_forecast_profile_release(&probe);
        else
            load[missing++] = hits[i].lot->id;
    }
    if (missing > 0 && arrivals->rounds++ <= CANDIDATES_MAX / API_FORECAST_LOAD_MAX) {
        if (api_forecast_load(arrivals->context, load, missing, on_loaded, arrivals) == 0) {
            free(hits);
            return;
        }
        endpoint_reply_store_unavailable(arrivals->exchange);
    } else {
        reply(arrivals, hits, count);
    }
done:
    free(hits);
    free(arrivals);
}

void api_arrivals_list(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct arrivals *arrivals = endpoint_allocate(exchange, sizeof(*arrivals));

    (void)token;
    if (arrivals == NULL)
        return;
    arrivals->exchange = exchange;
    arrivals->context = data;
    if (parse(exchange, arrivals, clock_now_ms()) != 0) {
        free(arrivals);
        return;
    }
    serve(arrivals);
}
