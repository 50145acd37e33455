/* api_forecast.c: a lot's expected free spaces by the calendar, from its history kept in memory a
 * while. */
#include "api_forecast.h"

#include "civil.h"
#include "clock.h"
#include "history.h"
#include "http.h"
#include "store_history.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS       86400000LL
#define HOUR_MS      3600000LL
#define AHEAD_MAX_MS (7 * DAY_MS)

/* One lot's hourly means, as read at loaded_ms. */
struct kept {
    char id[WIRE_ID_MAX + 1];
    bool group; /* a group's own history (api_forecast_load_group), not a lot's */
    int64_t loaded_ms;
    int64_t first_day;
    size_t day_count;
    float *hourly;
};

struct api_forecast {
    struct kept kept[API_FORECAST_LOTS];
};

/* What a request waits for: the lot's history, then its answer. */
struct forecast_request {
    struct http_exchange *exchange;
    struct endpoint_context *context;
    char id[WIRE_ID_MAX + 1];
    bool eval;
    int64_t from_ms; /* forecast: the first step; eval: the first local day */
    int64_t to_ms;   /* forecast: the last step's start; eval: the last local day */
    int64_t step_ms;
    int64_t first_day; /* local days of the profile being read */
    size_t day_count;
    int64_t first_utc_day; /* the day strings read */
    size_t utc_days;
    /* The lots being read: the lot itself, or a group's lots (api_forecast_load), or a group. */
    bool group;
    size_t lot_count;
    char lots[API_FORECAST_LOAD_MAX][WIRE_ID_MAX + 1];
    int64_t carries[API_FORECAST_LOAD_MAX];
    api_forecast_loaded *loaded; /* NULL: answer the request once read */
    void *loaded_data;
};

int api_forecast_new(struct api_forecast **out)
{
    *out = calloc(1, sizeof(**out));
    return *out == NULL ? -1 : 0;
}

void api_forecast_free(struct api_forecast *forecast)
{
    if (forecast == NULL)
        return;
    for (size_t i = 0; i < API_FORECAST_LOTS; i++)
        free(forecast->kept[i].hourly);
    free(forecast);
}

static struct kept *kept_find(struct api_forecast *forecast, const char *id, bool group,
                              int64_t now_ms)
{
    for (size_t i = 0; i < API_FORECAST_LOTS; i++) {
        struct kept *kept = &forecast->kept[i];
        if (kept->hourly != NULL && kept->group == group && strcmp(kept->id, id) == 0 &&
            now_ms - kept->loaded_ms < API_FORECAST_KEEP_MS)
            return kept;
    }
    return NULL;
}

/* The lot's (or group's) own slot, else an empty one, else the oldest. */
static struct kept *kept_slot(struct api_forecast *forecast, const char *id, bool group)
{
    struct kept *oldest = &forecast->kept[0];
    for (size_t i = 0; i < API_FORECAST_LOTS; i++) {
        struct kept *kept = &forecast->kept[i];
        if (kept->hourly == NULL || (kept->group == group && strcmp(kept->id, id) == 0))
            return kept;
        if (kept->loaded_ms < oldest->loaded_ms)
            oldest = kept;
    }
    return oldest;
}

static int64_t local_day_of(int64_t utc_ms, int *hour)
{
    int64_t minute = clock_local_minute(utc_ms);
    int64_t day = minute >= 0 ? minute / 1440 : (minute - 1439) / 1440;
    if (hour != NULL)
        *hour = (int)((minute - day * 1440) / 60);
    return day;
}

/*
 * The profile of a kept history with today's calendar of lot (the days'
 * classes are never kept), for capacity spaces.
 */
static int profile_of(const struct endpoint_context *context, const struct kept *kept,
                      const struct snapshot_lot *lot, int64_t capacity,
                      struct forecast_profile *profile)
{
    const char *calendar_id = snapshot_lot_string(lot, "calendar");
    const struct calendar *calendar =
        calendar_id != NULL ? opening_calendar(context->opening, calendar_id) : NULL;

    *profile = (struct forecast_profile){.first_day = kept->first_day,
                                         .day_count = kept->day_count,
                                         .hourly = kept->hourly,
                                         .capacity = capacity};
    return forecast_profile_classify(profile, calendar);
}

/* profile's arrays but the kept hourly means, which the cache owns. */
static void profile_release(struct forecast_profile *profile)
{
    free(profile->days);
    profile->days = NULL;
}

int api_forecast_profile(const struct endpoint_context *context, const char *lot_id,
                         struct forecast_profile *profile)
{
    const struct kept *kept = kept_find(context->forecast, lot_id, false, clock_now_ms());
    const struct snapshot_lot *lot = snapshot_find(context->snapshot, lot_id);

    if (kept == NULL || lot == NULL)
        return -1;
    return profile_of(context, kept, lot, lot->capacity, profile);
}

int api_forecast_group_profile(const struct endpoint_context *context, const char *group_id,
                               const struct snapshot_lot *calendar_lot, int64_t capacity,
                               struct forecast_profile *profile)
{
    const struct kept *kept = kept_find(context->forecast, group_id, true, clock_now_ms());

    if (kept == NULL)
        return -1;
    return profile_of(context, kept, calendar_lot, capacity, profile);
}

void api_forecast_profile_release(struct forecast_profile *profile)
{
    profile_release(profile);
}

static double observed_now(const struct snapshot_lot *lot)
{
    return lot->count_fresh && lot->occupied >= 0 ? (double)lot->occupied : -1;
}

enum forecast_trend api_forecast_trend(const struct endpoint_context *context, const char *lot_id)
{
    int64_t now_ms = clock_now_ms();
    const struct kept *kept = kept_find(context->forecast, lot_id, false, now_ms);
    const struct snapshot_lot *lot = snapshot_find(context->snapshot, lot_id);
    struct forecast_profile profile;
    enum forecast_trend trend = FORECAST_TREND_UNKNOWN;
    int hour;
    int64_t day = local_day_of(now_ms, &hour);

    if (kept == NULL || lot == NULL || profile_of(context, kept, lot, lot->capacity, &profile) != 0)
        return FORECAST_TREND_UNKNOWN;
    trend = forecast_trend_of(&profile, day, hour, observed_now(lot));
    profile_release(&profile);
    return trend;
}

static json_t *forecast_point(const struct forecast_profile *profile, struct forecast_memo *memo,
                              int64_t time_ms, int64_t made_day, int made_hour, double observed)
{
    int hour;
    int64_t day = local_day_of(time_ms, &hour);
    struct forecast_day kind = forecast_classify(profile->calendar, day);
    double expected, low, high, capacity = (double)profile->capacity;
    char time[32];

    clock_format_local(time_ms, time);
    if (!forecast_at_memo(profile, memo, made_day, made_hour, observed, day, hour, &expected, &low,
                          &high))
        return json_pack("{s:s, s:n, s:n, s:n, s:s, s:s?}", "time", time, "free", "free_low",
                         "free_high", "day", forecast_kind_name(kind.kind), "holiday",
                         kind.holiday);
    /* Occupied turns into free: the interval's ends swap. */
    return json_pack("{s:s, s:I, s:I, s:I, s:s, s:s?}", "time", time, "free",
                     (json_int_t)lround(capacity - expected), "free_low",
                     (json_int_t)lround(capacity - high), "free_high",
                     (json_int_t)lround(capacity - low), "day", forecast_kind_name(kind.kind),
                     "holiday", kind.holiday);
}

/* The usual free count at each local hour of day (null where no day is like it), for charts. */
static json_t *usual_json(const struct forecast_profile *profile, int64_t day, bool enough)
{
    json_t *list = json_array();
    double mean, spread;

    for (int hour = 0; enough && list != NULL && hour < FORECAST_HOURS; hour++)
        json_array_append_new(list, forecast_usual(profile, day, hour, day, &mean, &spread) > 0
                                        ? json_integer(lround((double)profile->capacity - mean))
                                        : json_null());
    return list;
}

static json_t *forecast_document(const struct forecast_request *request,
                                 const struct forecast_profile *profile,
                                 const struct snapshot_lot *lot, int64_t now_ms)
{
    size_t known = forecast_days_known(profile);
    bool enough = known >= FORECAST_MIN_DAYS;
    json_t *points = json_array();
    int made_hour;
    int64_t made_day = local_day_of(now_ms, &made_hour);
    struct forecast_memo memo = {0};
    char made[32];

    for (int64_t t = request->from_ms; enough && points != NULL && t <= request->to_ms;
         t += request->step_ms)
        json_array_append_new(
            points, forecast_point(profile, &memo, t, made_day, made_hour, observed_now(lot)));
    clock_format_local(now_ms, made);
    return json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:o, s:s, s:o}", "id", lot->id, "basis",
                     enough ? "calendar" : "insufficient", "days_known", (json_int_t)known,
                     "capacity", (json_int_t)lot->capacity, "made_at", made, "step",
                     request->step_ms == HOUR_MS ? "1h" : "5m", "points", points, "today",
                     forecast_kind_name(forecast_classify(profile->calendar, made_day).kind),
                     "usual_today", usual_json(profile, made_day, enough));
}

static json_t *errors_json(const struct forecast_errors *errors, int class)
{
    static const char *const leads[] = {"1h", "3h", "24h"};
    json_t *ours = json_object(), *baseline = json_object();

    for (int lead = 0; lead < 3; lead++) {
        size_t count = errors->count[class][lead];
        json_object_set_new(ours, leads[lead],
                            count ? json_real(round(errors->sum[class][lead] / count * 100) / 100)
                                  : json_null());
        json_object_set_new(
            baseline, leads[lead],
            count ? json_real(round(errors->baseline_sum[class][lead] / count * 100) / 100)
                  : json_null());
    }
    return json_pack("{s:I, s:o, s:o}", "hours", (json_int_t)errors->count[class][2], "mae", ours,
                     "baseline_mae", baseline);
}

static json_t *eval_document(const struct forecast_request *request,
                             const struct forecast_profile *profile)
{
    struct forecast_errors errors;
    char from[11], to[11];

    forecast_backtest(profile, request->from_ms, request->to_ms, &errors);
    civil_date_format(civil_date_from_days(request->from_ms), from);
    civil_date_format(civil_date_from_days(request->to_ms), to);
    return json_pack("{s:s, s:s, s:s, s:I, s:{s:o, s:o, s:o}}", "id", request->id, "from", from,
                     "to", to, "days_known", (json_int_t)forecast_days_known(profile), "classes",
                     "holiday", errors_json(&errors, 0), "makeup_workday", errors_json(&errors, 1),
                     "normal", errors_json(&errors, 2));
}

/* Answer request from the kept history of its lot. */
static void answer(const struct forecast_request *request, const struct kept *kept)
{
    const struct snapshot_lot *lot = snapshot_find(request->context->snapshot, request->id);
    struct forecast_profile profile;
    json_t *document = NULL;

    if (lot == NULL) {
        http_reply_problem(request->exchange, PROBLEM_NOT_FOUND, "no lot '%s'", request->id);
        return;
    }
    if (kept == NULL) {
        /* Replaced by other lots' reads before it could be used: rare, and retried. */
        endpoint_reply_store_unavailable(request->exchange);
        return;
    }
    if (profile_of(request->context, kept, lot, lot->capacity, &profile) == 0)
        document = request->eval ? eval_document(request, &profile)
                                 : forecast_document(request, &profile, lot, clock_now_ms());
    profile_release(&profile);
    if (document == NULL) {
        http_reply_problem(request->exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    http_reply_json(request->exchange, 200, document, request->eval ? HTTP_REPLY_NO_STORE : 0);
    json_decref(document);
}

/* The hourly means of the request's local days from the day strings read. */
static float *hourly_from_days(const struct forecast_request *request,
                               const unsigned char *const *days, const size_t *lengths,
                               int64_t carry)
{
    size_t buckets = request->utc_days * HISTORY_BUCKETS_PER_DAY;
    size_t hours = request->day_count * FORECAST_HOURS;
    struct history_record *records = calloc(buckets, sizeof(*records));
    struct history_point *points = calloc(buckets, sizeof(*points));
    struct history_point *merged = calloc(hours, sizeof(*merged));
    int64_t *bounds = calloc(hours + 1, sizeof(*bounds));
    float *hourly = records && points && merged && bounds ? malloc(hours * sizeof(*hourly)) : NULL;

    if (hourly != NULL) {
        for (size_t d = 0; d < request->utc_days; d++)
            if (days[d] != NULL)
                (void)history_day_decode(days[d], lengths[d],
                                         records + d * HISTORY_BUCKETS_PER_DAY);
        history_points_5m(records, request->first_utc_day * HISTORY_BUCKETS_PER_DAY, buckets, carry,
                          clock_now_ms(), points);
        for (size_t i = 0; i <= hours; i++)
            bounds[i] = clock_utc_ms(request->first_day * 1440 + (int64_t)i * 60);
        history_points_merge(points, buckets, bounds, hours, merged);
        for (size_t i = 0; i < hours; i++)
            hourly[i] = merged[i].known ? (float)merged[i].mean : NAN;
    }
    free(records);
    free(points);
    free(merged);
    free(bounds);
    return hourly;
}

static void on_days(enum store_outcome outcome, const unsigned char *const *days,
                    const size_t *lengths, void *data)
{
    struct forecast_request *request = data;
    float *hourly = NULL;
    struct kept *kept;

    if (outcome != STORE_OUTCOME_OK && request->loaded != NULL)
        goto failed;
    if (outcome != STORE_OUTCOME_OK) {
        if (outcome == STORE_OUTCOME_UNAVAILABLE)
            endpoint_reply_store_unavailable(request->exchange);
        else
            http_reply_problem(request->exchange, PROBLEM_INTERNAL,
                               "the history could not be read");
        goto done;
    }
    for (size_t i = 0; i < request->lot_count; i++) {
        hourly = hourly_from_days(request, days + i * request->utc_days,
                                  lengths + i * request->utc_days, request->carries[i]);
        if (hourly == NULL) {
            http_reply_problem(request->exchange, PROBLEM_INTERNAL, "out of memory");
            goto done;
        }
        kept = kept_slot(request->context->forecast, request->lots[i], request->group);
        free(kept->hourly);
        *kept = (struct kept){.group = request->group,
                              .loaded_ms = clock_now_ms(),
                              .first_day = request->first_day,
                              .day_count = request->day_count,
                              .hourly = hourly};
        snprintf(kept->id, sizeof(kept->id), "%s", request->lots[i]);
    }
    if (request->loaded != NULL) {
        request->loaded(true, request->loaded_data);
        goto done;
    }
    answer(request, kept_find(request->context->forecast, request->id, false, clock_now_ms()));
done:
    free(request);
    return;
failed:
    if (request->loaded != NULL)
        request->loaded(false, request->loaded_data);
    free(request);
}

/* Read the history of request->lots (lot_count of them); 0, or -1 when nothing was sent. */
static int read_lots(struct forecast_request *request)
{
    struct endpoint_context *context = request->context;
    int64_t now_ms = clock_now_ms(), today = local_day_of(now_ms, NULL);
    const char *ids[API_FORECAST_LOAD_MAX];

    request->first_day = today - store_history_days(context->store);
    request->day_count = (size_t)(today - request->first_day + 1);
    request->first_utc_day = clock_utc_ms(request->first_day * 1440) / DAY_MS - 1;
    request->utc_days = (size_t)(now_ms / DAY_MS - request->first_utc_day + 1);
    for (size_t i = 0; i < request->lot_count; i++) {
        /* A group's count before its days is not looked for: its days read show it. */
        const struct snapshot_lot *lot =
            request->group ? NULL : snapshot_find(context->snapshot, request->lots[i]);
        ids[i] = request->lots[i];
        request->carries[i] = lot != NULL && lot->updated_at_ms >= 0 &&
                                      lot->updated_at_ms < request->first_utc_day * DAY_MS
                                  ? lot->occupied
                                  : -1;
    }
    return store_history_read(
        context->store, request->group ? STORE_HISTORY_GROUPS : STORE_HISTORY_LOTS, ids,
        request->lot_count, request->first_utc_day, request->utc_days, on_days, request);
}

/* Answer from what is kept, or read the lot's history first (request is taken either way). */
static void serve(struct forecast_request *request, const struct snapshot_lot *lot)
{
    const struct kept *kept = kept_find(request->context->forecast, lot->id, false, clock_now_ms());

    if (kept != NULL) {
        answer(request, kept);
        free(request);
        return;
    }
    request->lot_count = 1;
    snprintf(request->lots[0], sizeof(request->lots[0]), "%s", lot->id);
    if (read_lots(request) != 0) {
        endpoint_reply_store_unavailable(request->exchange);
        free(request);
    }
}

int api_forecast_load(struct endpoint_context *context, const char *const *lot_ids, size_t count,
                      api_forecast_loaded *loaded, void *data)
{
    struct forecast_request *request = calloc(1, sizeof(*request));

    if (request == NULL || count == 0 || count > API_FORECAST_LOAD_MAX) {
        free(request);
        return -1;
    }
    *request = (struct forecast_request){
        .context = context, .lot_count = count, .loaded = loaded, .loaded_data = data};
    for (size_t i = 0; i < count; i++)
        snprintf(request->lots[i], sizeof(request->lots[i]), "%s", lot_ids[i]);
    if (read_lots(request) != 0) {
        free(request);
        return -1;
    }
    return 0;
}

int api_forecast_load_group(struct endpoint_context *context, const char *group_id,
                            api_forecast_loaded *loaded, void *data)
{
    struct forecast_request *request = calloc(1, sizeof(*request));

    if (request == NULL)
        return -1;
    *request = (struct forecast_request){
        .context = context, .group = true, .lot_count = 1, .loaded = loaded, .loaded_data = data};
    snprintf(request->lots[0], sizeof(request->lots[0]), "%s", group_id);
    if (read_lots(request) != 0) {
        free(request);
        return -1;
    }
    return 0;
}

/* from (default now), to (default from + 24 h, at most 7 days ahead), step 1h (default) or 5m. */
int api_forecast_query(struct http_exchange *exchange, int64_t now_ms, int64_t *from_ms,
                       int64_t *to_ms, int64_t *step_ms)
{
    static const char *const known[] = {"from", "to", "step"};
    const char *unknown = http_exchange_unknown_query(exchange, known, 3);
    const char *step = http_exchange_query(exchange, "step");
    int64_t from, to;

    if (unknown != NULL) {
        http_reply_invalid(exchange, unknown, "unknown query parameter; expected from, to or step");
        return -1;
    }
    *step_ms = step == NULL || strcmp(step, "1h") == 0 ? HOUR_MS
               : strcmp(step, "5m") == 0               ? 5 * 60000
                                                       : 0;
    if (*step_ms == 0) {
        http_reply_invalid(exchange, "step", "must be 5m or 1h");
        return -1;
    }
    if (endpoint_query_instant(exchange, "from", now_ms, &from) != 0 ||
        endpoint_query_instant(exchange, "to", from + DAY_MS, &to) != 0)
        return -1;
    if (from > to) {
        http_reply_invalid(exchange, "from", "must not be after to");
        return -1;
    }
    if (from < now_ms - *step_ms) {
        http_reply_invalid(exchange, "from", "must not be in the past; the history has the past");
        return -1;
    }
    if (to > now_ms + AHEAD_MAX_MS) {
        http_reply_invalid(exchange, "to", "must be at most 7 days ahead");
        return -1;
    }
    *from_ms = from - from % *step_ms;
    *to_ms = to;
    return 0;
}

static struct forecast_request *request_new(struct http_exchange *exchange, void *data,
                                            const struct snapshot_lot **lot)
{
    struct endpoint_context *context = data;
    const char *id = http_exchange_parameter(exchange, "id");
    struct forecast_request *request;

    *lot = snapshot_find(context->snapshot, id);
    if (*lot == NULL) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no lot '%s'", id);
        return NULL;
    }
    request = endpoint_allocate(exchange, sizeof(*request));
    if (request == NULL)
        return NULL;
    request->exchange = exchange;
    request->context = context;
    snprintf(request->id, sizeof(request->id), "%s", (*lot)->id);
    return request;
}

void api_forecast_lot(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    const struct snapshot_lot *lot;
    struct forecast_request *request = request_new(exchange, data, &lot);

    (void)token;
    if (request == NULL)
        return;
    if (api_forecast_query(exchange, clock_now_ms(), &request->from_ms, &request->to_ms,
                           &request->step_ms) != 0) {
        free(request);
        return;
    }
    serve(request, lot);
}

static int parse_date(struct http_exchange *exchange, const char *name, int64_t fallback,
                      int64_t *day)
{
    const char *text = http_exchange_query(exchange, name);
    struct civil_date date;

    *day = fallback;
    if (text == NULL)
        return 0;
    if (civil_date_parse(text, strlen(text), &date) != 0) {
        http_reply_invalid(exchange, name, "must be a date YYYY-MM-DD");
        return -1;
    }
    *day = civil_days_from_date(date);
    return 0;
}

void api_forecast_eval(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    static const char *const known[] = {"from", "to"};
    const char *unknown = http_exchange_unknown_query(exchange, known, 2);
    int64_t today = local_day_of(clock_now_ms(), NULL);
    const struct snapshot_lot *lot;
    struct forecast_request *request;

    (void)token;
    if (unknown != NULL) {
        http_reply_invalid(exchange, unknown, "unknown query parameter; expected from or to");
        return;
    }
    request = request_new(exchange, data, &lot);
    if (request == NULL)
        return;
    request->eval = true;
    if (parse_date(exchange, "to", today - 1, &request->to_ms) != 0 ||
        parse_date(exchange, "from", request->to_ms - 364, &request->from_ms) != 0)
        goto refused;
    if (request->from_ms > request->to_ms) {
        http_reply_invalid(exchange, "from", "must not be after to");
        goto refused;
    }
    serve(request, lot);
    return;
refused:
    free(request);
}
