/* api_forecast_group.c: GET /v1/groups/{id}/forecast: from the group's own history, or its lots'.
 */
#include "api_forecast_group.h"

#include "api_forecast.h"
#include "api_history.h"
#include "clock.h"
#include "http.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUP_LOTS_MAX 32 /* a forecast summed from the lots: for at most this many */

struct group_request {
    struct http_exchange *exchange;
    struct endpoint_context *context;
    char id[WIRE_ID_MAX + 1];
    int64_t from_ms, to_ms, step_ms;
    int rounds;    /* reads so far: at most one per API_FORECAST_LOAD_MAX lots, and one more */
    bool own_read; /* the group's own history was read */
};

static void local_hour(int64_t utc_ms, int64_t *day, int *hour)
{
    int64_t minute = clock_local_minute(utc_ms);
    *day = minute >= 0 ? minute / 1440 : (minute - 1439) / 1440;
    *hour = (int)((minute - *day * 1440) / 60);
}

/* One step summed over the lots: null when any lot has no forecast for it. */
static json_t *group_point(struct forecast_memo *memos, struct forecast_profile *profiles,
                           const double *observed, size_t count, int64_t time_ms, int64_t capacity)
{
    double expected = 0, low = 0, high = 0, one, one_low, one_high;
    int64_t made_day, day;
    int made_hour, hour;
    char time[32];

    local_hour(clock_now_ms(), &made_day, &made_hour);
    local_hour(time_ms, &day, &hour);
    clock_format_local(time_ms, time);
    for (size_t i = 0; i < count; i++) {
        if (!forecast_at_memo(&profiles[i], &memos[i], made_day, made_hour, observed[i], day, hour,
                              &one, &one_low, &one_high))
            return json_pack("{s:s, s:n, s:n, s:n}", "time", time, "free", "free_low", "free_high");
        expected += one;
        low += one_low;
        high += one_high;
    }
    /* Summed intervals: wider than the group's own 80 %, never narrower. */
    return json_pack("{s:s, s:I, s:I, s:I}", "time", time, "free",
                     (json_int_t)lround((double)capacity - expected), "free_low",
                     (json_int_t)lround((double)capacity - high), "free_high",
                     (json_int_t)lround((double)capacity - low));
}

static json_t *group_document(const struct group_request *request,
                              struct forecast_profile *profiles, const double *observed,
                              size_t count, bool enough, int64_t capacity, size_t lots)
{
    struct forecast_memo *memos = calloc(count + 1, sizeof(*memos));
    json_t *points = memos != NULL ? json_array() : NULL;
    char made[32];

    for (int64_t t = request->from_ms; enough && points != NULL && t <= request->to_ms;
         t += request->step_ms)
        json_array_append_new(points, group_point(memos, profiles, observed, count, t, capacity));
    free(memos);
    clock_format_local(clock_now_ms(), made);
    return json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:o}", "id", request->id, "basis",
                     enough ? "calendar" : "insufficient", "lots", (json_int_t)lots, "capacity",
                     (json_int_t)capacity, "made_at", made, "step",
                     request->step_ms == 3600000 ? "1h" : "5m", "points", points);
}

static void reply_document(struct group_request *request, json_t *document)
{
    if (document == NULL)
        http_reply_problem(request->exchange, PROBLEM_INTERNAL, "out of memory");
    else
        http_reply_json(request->exchange, 200, document, 0);
    json_decref(document);
}

/* Answer from what is kept: every lot must be, with enough history, for a figure. */
static void group_answer(struct group_request *request, const char **ids, size_t count)
{
    struct forecast_profile *profiles = calloc(count + 1, sizeof(*profiles));
    double *observed = calloc(count + 1, sizeof(*observed));
    size_t ready = 0;
    int64_t capacity = 0;
    bool enough = profiles != NULL && observed != NULL;
    json_t *document = NULL;

    for (size_t i = 0; i < count; i++) {
        const struct snapshot_lot *lot = snapshot_find(request->context->snapshot, ids[i]);
        capacity += lot->capacity;
        if (!enough || ready < i ||
            api_forecast_profile(request->context, ids[i], &profiles[i]) != 0)
            continue;
        ready++;
        observed[i] = lot->count_fresh && lot->occupied >= 0 ? (double)lot->occupied : -1;
        enough = forecast_days_known(&profiles[i]) >= FORECAST_MIN_DAYS;
    }
    if (profiles != NULL && observed != NULL)
        document = group_document(request, profiles, observed, count, enough && ready == count,
                                  capacity, count);
    for (size_t i = 0; i < ready && profiles != NULL; i++)
        api_forecast_profile_release(&profiles[i]);
    free(profiles);
    free(observed);
    reply_document(request, document);
}

static void group_serve(struct group_request *request);

/*
 * From the group's own history, kept: 1 answered; 0 kept but too short
 * (FORECAST_MIN_DAYS for a group of more than GROUP_LOTS_MAX lots, else a
 * year); -1 not kept. The calendar is the first lot's
 * (a group's lots are in one city); the count now is the sum of the lots'
 * while every one is fresh.
 */
static int group_own(struct group_request *request, const char *const *ids, size_t count)
{
    const struct snapshot *snapshot = request->context->snapshot;
    struct forecast_profile profile;
    int64_t capacity = 0;
    double observed = 0;

    for (size_t i = 0; i < count; i++) {
        const struct snapshot_lot *lot = snapshot_find(snapshot, ids[i]);
        capacity += lot->capacity;
        if (observed >= 0)
            observed =
                lot->count_fresh && lot->occupied >= 0 ? observed + (double)lot->occupied : -1;
    }
    if (api_forecast_group_profile(request->context, request->id, snapshot_find(snapshot, ids[0]),
                                   capacity, &profile) != 0)
        return -1;
    /* The lots' histories have the years a city imported; the group's begins with live
     * counts: it is used once it has a year, or when the lots' sum is not taken. */
    if (forecast_days_known(&profile) < (count > GROUP_LOTS_MAX ? FORECAST_MIN_DAYS : 365)) {
        api_forecast_profile_release(&profile);
        return 0;
    }
    reply_document(request, group_document(request, &profile, &observed, 1, true, capacity, count));
    api_forecast_profile_release(&profile);
    return 1;
}

static void on_loaded(bool ok, void *data)
{
    struct group_request *request = data;
    if (!ok) {
        endpoint_reply_store_unavailable(request->exchange);
        free(request);
        return;
    }
    group_serve(request);
}

/*
 * The group's own history first (read once); without a basis there, the
 * sum of its lots': read the next lots that are not kept, or answer when
 * all are (or reads ran out).
 */
static void group_serve(struct group_request *request)
{
    struct forecast_profile probe;
    size_t count = 0, missing = 0;
    const char **ids = api_history_group_lots(request->context, request->id, &count);
    const char *load[API_FORECAST_LOAD_MAX];
    int own = ids != NULL && count > 0 ? group_own(request, ids, count) : 0;

    if (own == -1 && !request->own_read) {
        request->own_read = true;
        if (api_forecast_load_group(request->context, request->id, on_loaded, request) != 0) {
            endpoint_reply_store_unavailable(request->exchange);
            free(request);
        }
        free(ids);
        return;
    }
    for (size_t i = 0; ids != NULL && i < count && missing < API_FORECAST_LOAD_MAX; i++) {
        if (api_forecast_profile(request->context, ids[i], &probe) == 0)
            api_forecast_profile_release(&probe);
        else
            load[missing++] = ids[i];
    }
    if (own == 1) {
        /* answered from the group's own history */
    } else if (ids == NULL || count == 0) {
        http_reply_problem(request->exchange, PROBLEM_INTERNAL, "out of memory");
    } else if (count > GROUP_LOTS_MAX) {
        http_reply_invalid(request->exchange, "id",
                           "a forecast is for groups of at most 32 lots until the group has "
                           "14 days of its own history");
    } else if (missing > 0 && request->rounds++ <= GROUP_LOTS_MAX / API_FORECAST_LOAD_MAX) {
        if (api_forecast_load(request->context, load, missing, on_loaded, request) == 0) {
            free(ids);
            return;
        }
        endpoint_reply_store_unavailable(request->exchange);
    } else {
        group_answer(request, ids, count);
    }
    free(ids);
    free(request);
}

void api_forecast_group(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct endpoint_context *context = data;
    const char *id = http_exchange_parameter(exchange, "id");
    size_t count = 0;
    const char **ids = api_history_group_lots(context, id, &count);
    struct group_request *request = NULL;

    (void)token;
    if (ids == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    free(ids);
    if (count == 0) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no lot is in group '%s'", id);
        return;
    }
    request = endpoint_allocate(exchange, sizeof(*request));
    if (request == NULL)
        return;
    *request = (struct group_request){.exchange = exchange, .context = context};
    snprintf(request->id, sizeof(request->id), "%s", id);
    if (api_forecast_query(exchange, clock_now_ms(), &request->from_ms, &request->to_ms,
                           &request->step_ms) != 0) {
        free(request);
        return;
    }
    group_serve(request);
}
