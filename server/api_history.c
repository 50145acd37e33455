/* api_history.c: a lot's and a group's count history, and importing past counts. */
#include "api_history.h"

#include "civil.h"
#include "clock.h"
#include "history.h"
#include "http.h"
#include "lot.h"
#include "lot_names.h"
#include "store_history.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS     86400000LL
#define CARRY_DAYS 7 /* how far back a count is looked for to carry into the range */

struct history_query {
    struct http_exchange *exchange;
    char id[WIRE_ID_MAX + 1];
    enum history_step step;
    bool csv;
    int64_t *bounds; /* steps + 1 */
    size_t steps;
    int64_t first_day;
    size_t day_count;
    int64_t now_ms;
    int64_t capacity;
    enum store_history_owner owner;
    int64_t carry; /* the count before first_day, -1 when unknown */
};

static void query_free(struct history_query *query)
{
    if (query != NULL)
        free(query->bounds);
    free(query);
}

/* A number with at most two decimals, as JSON. */
static json_t *mean_json(double mean)
{
    return json_real(round(mean * 100.0) / 100.0);
}

static json_t *points_json(const struct history_query *query, const struct history_point *points)
{
    json_t *list = json_array();
    char time[32];

    for (size_t i = 0; list != NULL && i < query->steps; i++) {
        clock_format_local(points[i].time_ms, time);
        json_array_append_new(list, points[i].known
                                        ? json_pack("{s:s, s:o, s:I, s:I, s:I}", "time", time,
                                                    "mean", mean_json(points[i].mean), "min",
                                                    (json_int_t)points[i].min, "max",
                                                    (json_int_t)points[i].max, "last",
                                                    (json_int_t)points[i].last)
                                        : json_pack("{s:s, s:n, s:n, s:n, s:n}", "time", time,
                                                    "mean", "min", "max", "last"));
    }
    return list;
}

static void reply_csv(const struct history_query *query, const struct history_point *points)
{
    size_t size = 64 + query->steps * 96, used = 0;
    char *text = malloc(size), time[32];

    if (text == NULL) {
        http_reply_problem(query->exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    used += (size_t)snprintf(text, size, "time,mean,min,max,last\r\n");
    for (size_t i = 0; i < query->steps; i++) {
        clock_format_local(points[i].time_ms, time);
        if (points[i].known)
            used += (size_t)snprintf(text + used, size - used, "%s,%.2f,%lld,%lld,%lld\r\n", time,
                                     points[i].mean, (long long)points[i].min,
                                     (long long)points[i].max, (long long)points[i].last);
        else
            used += (size_t)snprintf(text + used, size - used, "%s,,,,\r\n", time);
    }
    http_reply(query->exchange, 200, "text/csv; charset=utf-8", text, used, NULL, 0);
    free(text);
}

static void reply_points(const struct history_query *query, const struct history_point *points)
{
    char from[32], to[32];
    json_t *document;

    if (query->csv) {
        reply_csv(query, points);
        return;
    }
    clock_format_local(query->bounds[0], from);
    clock_format_local(query->bounds[query->steps], to);
    document = json_pack("{s:s, s:s, s:s, s:s, s:I, s:o}", "id", query->id, "step",
                         history_step_name(query->step), "from", from, "to", to, "capacity",
                         (json_int_t)query->capacity, "points", points_json(query, points));
    if (document == NULL)
        http_reply_problem(query->exchange, PROBLEM_INTERNAL, "out of memory");
    else
        http_reply_json(query->exchange, 200, document, 0);
    json_decref(document);
}

/* The owner's steps from its days (day_count of them). */
static int lot_steps(const struct history_query *query, const unsigned char *const *days,
                     const size_t *lengths, int64_t carry, struct history_point *out)
{
    size_t buckets = query->day_count * HISTORY_BUCKETS_PER_DAY;
    struct history_record *records = calloc(buckets, sizeof(*records));
    struct history_point *points = calloc(buckets, sizeof(*points));
    int result = records != NULL && points != NULL ? 0 : -1;

    /* A day that does not decode keeps the records before the fault: a day lost, not the answer. */
    for (size_t d = 0; result == 0 && d < query->day_count; d++)
        if (days[d] != NULL)
            (void)history_day_decode(days[d], lengths[d], records + d * HISTORY_BUCKETS_PER_DAY);
    if (result == 0) {
        history_points_5m(records, query->first_day * HISTORY_BUCKETS_PER_DAY, buckets, carry,
                          query->now_ms, points);
        history_points_merge(points, buckets, query->bounds, query->steps, out);
    }
    free(records);
    free(points);
    return result;
}

static void on_days(enum store_outcome outcome, const unsigned char *const *days,
                    const size_t *lengths, void *data)
{
    struct history_query *query = data;
    struct history_point *points = NULL;

    if (outcome != STORE_OUTCOME_OK) {
        if (outcome == STORE_OUTCOME_UNAVAILABLE)
            endpoint_reply_store_unavailable(query->exchange);
        else
            http_reply_problem(query->exchange, PROBLEM_INTERNAL, "the history could not be read");
        goto done;
    }
    points = calloc(query->steps, sizeof(*points));
    if (points != NULL && lot_steps(query, days, lengths, query->carry, points) == 0)
        reply_points(query, points);
    else
        http_reply_problem(query->exchange, PROBLEM_INTERNAL, "out of memory");
done:
    free(points);
    query_free(query);
}

/* from (default to - 24 h), to (default now), step (default 5m), format (json or csv). */
static struct history_query *query_parse(struct http_exchange *exchange, int64_t now_ms)
{
    static const char *const known[] = {"from", "to", "step", "format"};
    const char *unknown = http_exchange_unknown_query(exchange, known, 4);
    const char *step = http_exchange_query(exchange, "step");
    const char *format = http_exchange_query(exchange, "format");
    struct history_query *query = NULL;
    struct field_error error;
    int64_t from, to;
    int result;

    if (unknown != NULL) {
        http_reply_invalid(exchange, unknown,
                           "unknown query parameter; expected from, to, step or format");
        return NULL;
    }
    if (endpoint_query_instant(exchange, "to", now_ms, &to) != 0 ||
        endpoint_query_instant(exchange, "from", to - DAY_MS, &from) != 0)
        return NULL;
    query = endpoint_allocate(exchange, sizeof(*query));
    if (query == NULL)
        return NULL;
    if (step != NULL && history_step_parse(step, &query->step) != 0) {
        http_reply_invalid(exchange, "step", "must be 5m, 1h or 1d");
        goto refused;
    }
    if (format != NULL && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0) {
        http_reply_invalid(exchange, "format", "must be json or csv");
        goto refused;
    }
    query->csv = format != NULL && strcmp(format, "csv") == 0;
    result = history_bounds(from, to, query->step, &query->bounds, &query->steps, &error);
    if (result == HISTORY_ERROR_INVALID)
        http_reply_invalid(exchange, error.field, error.rule);
    else if (result != 0)
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
    if (result != 0)
        goto refused;
    query->exchange = exchange;
    query->now_ms = now_ms;
    return query;
refused:
    query_free(query);
    return NULL;
}

/* The days to read: the range and a week before it (to carry a count in), within retention. */
static void query_days(struct history_query *query, int64_t history_days)
{
    int64_t oldest = query->now_ms / DAY_MS - history_days - 1;
    int64_t first = query->bounds[0] / DAY_MS - CARRY_DAYS;
    int64_t last = (query->bounds[query->steps] - 1) / DAY_MS;

    if (last > query->now_ms / DAY_MS)
        last = query->now_ms / DAY_MS;
    if (first < oldest)
        first = oldest;
    if (last < first)
        last = first; /* a range wholly outside the kept days reads one empty day */
    query->first_day = first;
    query->day_count = (size_t)(last - first + 1);
}

/* A lot's count before the first day read, when it has not changed since. */
static int64_t lot_carry(const struct snapshot_lot *lot, int64_t first_day)
{
    return lot->updated_at_ms >= 0 && lot->updated_at_ms < first_day * DAY_MS ? lot->occupied : -1;
}

static void query_send(struct history_query *query, struct endpoint_context *context)
{
    const char *id = query->id;

    if (store_history_read(context->store, query->owner, &id, 1, query->first_day, query->day_count,
                           on_days, query) != 0) {
        endpoint_reply_store_unavailable(query->exchange);
        query_free(query);
    }
}

void api_history_lot(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct endpoint_context *context = data;
    const char *id = http_exchange_parameter(exchange, "id");
    const struct snapshot_lot *lot = snapshot_find(context->snapshot, id);
    struct history_query *query;

    (void)token;
    if (lot == NULL) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no lot '%s'", id);
        return;
    }
    query = query_parse(exchange, clock_now_ms());
    if (query == NULL)
        return;
    snprintf(query->id, sizeof(query->id), "%s", lot->id);
    query->capacity = lot->capacity;
    query->owner = STORE_HISTORY_LOTS;
    query_days(query, store_history_days(context->store));
    query->carry = lot_carry(lot, query->first_day);
    query_send(query, context);
}

const char **api_history_group_lots(const struct endpoint_context *context, const char *group,
                                    size_t *count)
{
    /* A group no lot has costs a look-up and an array of one, not a pass and room for every lot. */
    return lot_names_group_ids(context->lot_names, context->snapshot, group, count);
}

/*
 * A group's count before first_day: the sum of its lots' counts when none
 * of them changed since (the group's own history holds it otherwise).
 */
static int64_t group_carry(const struct snapshot *snapshot, const char *const *ids, size_t count,
                           int64_t first_day)
{
    int64_t sum = 0;
    bool known = false;

    for (size_t i = 0; i < count; i++) {
        const struct snapshot_lot *lot = snapshot_find(snapshot, ids[i]);
        if (lot->updated_at_ms >= first_day * DAY_MS)
            return -1;
        if (lot->updated_at_ms >= 0) {
            sum += lot->occupied;
            known = true;
        }
    }
    return known ? sum : -1;
}

void api_history_group(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct endpoint_context *context = data;
    const char *id = http_exchange_parameter(exchange, "id");
    size_t count = 0;
    const char **ids = api_history_group_lots(context, id, &count);
    struct history_query *query = NULL;

    (void)token;
    if (ids == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    if (count == 0) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no lot is in group '%s'", id);
        goto free_ids;
    }
    query = query_parse(exchange, clock_now_ms());
    if (query == NULL)
        goto free_ids;
    snprintf(query->id, sizeof(query->id), "%s", id);
    query->owner = STORE_HISTORY_GROUPS;
    query_days(query, store_history_days(context->store));
    /* The group's own buckets, folded as its lots' counts changed: one owner's days to read. */
    for (size_t i = 0; i < count; i++)
        query->capacity += snapshot_find(context->snapshot, ids[i])->capacity;
    query->carry = group_carry(context->snapshot, ids, count, query->first_day);
    query_send(query, context);
free_ids:
    free(ids);
}

struct import_call {
    struct http_exchange *exchange;
    char id[WIRE_ID_MAX + 1];
    size_t samples;
    int64_t first_ms;
    int64_t last_ms;
};

static void on_imported(enum store_outcome outcome, void *data)
{
    struct import_call *call = data;
    char from[32], to[32];
    json_t *document;

    if (outcome == STORE_OUTCOME_OK) {
        clock_format_local(call->first_ms, from);
        clock_format_local(call->last_ms, to);
        document = json_pack("{s:s, s:I, s:s, s:s}", "id", call->id, "imported",
                             (json_int_t)call->samples, "from", from, "to", to);
        http_reply_json(call->exchange, 200, document, HTTP_REPLY_NO_STORE);
        json_decref(document);
    } else if (outcome == STORE_OUTCOME_NOT_FOUND) {
        http_reply_problem(call->exchange, PROBLEM_NOT_FOUND, "no lot '%s'", call->id);
    } else if (outcome == STORE_OUTCOME_UNAVAILABLE) {
        endpoint_reply_store_unavailable(call->exchange);
    } else {
        http_reply_problem(call->exchange, PROBLEM_INTERNAL, "the history could not be written");
    }
    free(call);
}

/* Fold the checked samples and send them; the call is answered (and freed) either way. */
static void import_send(struct import_call *call, struct endpoint_context *context,
                        const int64_t *times, const int64_t *counts)
{
    struct history_record *records = NULL;
    int64_t first_bucket;
    size_t buckets;

    if (history_import_fold(times, counts, call->samples, &records, &first_bucket, &buckets) != 0) {
        http_reply_problem(call->exchange, PROBLEM_INTERNAL, "out of memory");
        free(call);
    } else if (store_history_import(context->store, call->id, records, first_bucket, buckets,
                                    clock_now_ms() / DAY_MS - STORE_HISTORY_DETAIL_DAYS,
                                    on_imported, call) != 0) {
        endpoint_reply_store_unavailable(call->exchange);
        free(call);
    }
    free(records);
}

void api_history_import(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct endpoint_context *context = data;
    const char *id = http_exchange_parameter(exchange, "id");
    const struct snapshot_lot *lot = snapshot_find(context->snapshot, id);
    int64_t now_ms = clock_now_ms(), *times = NULL, *counts = NULL;
    int64_t oldest_ms = now_ms - store_history_days(context->store) * DAY_MS;
    struct import_call *call = NULL;
    struct field_error error;
    json_t *body = NULL;
    size_t count;
    int result;

    (void)token;
    if (lot == NULL) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no lot '%s'", id);
        return;
    }
    if (http_exchange_json_body(exchange, &body) != 0)
        return;
    result = history_import_parse(body, lot->capacity, oldest_ms, now_ms, &times, &counts, &count,
                                  &error);
    if (result == HISTORY_ERROR_INVALID)
        http_reply_invalid(exchange, error.field, error.rule);
    else if (result != 0)
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
    else if ((call = endpoint_allocate(exchange, sizeof(*call))) != NULL) {
        *call = (struct import_call){exchange, "", count, times[0], times[count - 1]};
        snprintf(call->id, sizeof(call->id), "%s", lot->id);
        import_send(call, context, times, counts);
    }
    free(times);
    free(counts);
    json_decref(body);
}
