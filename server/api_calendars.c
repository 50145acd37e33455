/* api_calendars.c: PUT and GET /v1/calendars/{id}: holiday calendars. */
#include "api_calendars.h"

#include "calendar.h"
#include "endpoint.h"
#include "lot.h"
#include "store_calendars.h"

#include <parkshare/wire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A refused calendar: 422 naming the field and rule, or 500 when memory ran out. */
static void reply_refused(struct http_exchange *exchange, int result,
                          const struct field_error *error)
{
    if (result == CALENDAR_ERROR_INVALID)
        http_reply_invalid(exchange, error->field, error->rule);
    else
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
}

/* The tz database, where libc's localtime reads zones; the zone name is already well formed. */
#define ZONEINFO_DIR "/usr/share/zoneinfo"

static bool zone_exists(const char *zone, void *data)
{
    char path[256];
    struct stat status;

    (void)data;
    if (snprintf(path, sizeof(path), "%s/%s", ZONEINFO_DIR, zone) >= (int)sizeof(path))
        return false;
    return stat(path, &status) == 0 && S_ISREG(status.st_mode);
}

/* --- GET /v1/calendars/{id}?year= --- */

void api_calendars_get(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct endpoint_context *context = data;
    const char *id = http_exchange_parameter(exchange, "id");
    const struct calendar *calendar = opening_calendar(context->opening, id);
    json_t *document;
    int64_t year;

    if (calendar == NULL) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no calendar '%s'", id);
        return;
    }
    /* 0: the whole calendar. */
    if (http_exchange_query_integer(exchange, "year", "a year", 1900, 2200, 0, &year) != 0)
        return;
    document = calendar_to_json(calendar, (int)year);
    if (document == NULL || json_object_set_new(document, "id", json_string(id)) != 0) {
        json_decref(document);
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    http_reply_json(exchange, 200, document, HTTP_REPLY_PUBLIC);
    json_decref(document);
}

/* --- PUT /v1/calendars/{id} --- */

struct put_call {
    struct endpoint_context *context;
    struct http_exchange *exchange;
    char id[WIRE_ID_MAX + 1];
    json_t *body;
    json_t *stored; /* what was written, for the answer */
};

static void put_call_free(void *data)
{
    struct put_call *call = data;
    json_decref(call->body);
    json_decref(call->stored);
    free(call);
}

static void on_stored(enum store_outcome outcome, void *data)
{
    struct put_call *call = data;

    if (outcome == STORE_OUTCOME_CREATED || outcome == STORE_OUTCOME_REPLACED) {
        json_object_set_new(call->stored, "id", json_string(call->id));
        http_reply_json(call->exchange, outcome == STORE_OUTCOME_CREATED ? 201 : 200, call->stored,
                        HTTP_REPLY_NO_STORE);
    } else if (store_outcome_unavailable(outcome)) {
        endpoint_reply_unavailable(call->exchange, outcome);
    } else {
        http_reply_problem(call->exchange, PROBLEM_INTERNAL, "the calendar could not be stored");
    }
    put_call_free(call);
}

/* Write calendar (consumed) as the new content of the id. */
static void store_calendar(struct put_call *call, struct calendar *calendar)
{
    char *text;

    call->stored = calendar_to_json(calendar, 0);
    calendar_free(calendar);
    text = call->stored ? json_dumps(call->stored, JSON_COMPACT) : NULL;
    if (text == NULL) {
        http_reply_problem(call->exchange, PROBLEM_INTERNAL, "out of memory");
        put_call_free(call);
        return;
    }
    if (store_calendar_put(call->context->store, call->id, text, false, on_stored, call) != 0) {
        endpoint_reply_store_unavailable(call->exchange);
        put_call_free(call);
    }
    free(text);
}

/* A year file merges into the stored calendar (or a new one in the deployment's zone). */
static void on_current(enum store_outcome outcome, const char *id, const char *json, void *data)
{
    struct put_call *call = data;
    struct calendar *calendar = NULL;
    json_t *current;
    struct field_error error;
    int result;

    if (outcome == STORE_OUTCOME_UNAVAILABLE || outcome == STORE_OUTCOME_FAILED) {
        endpoint_reply_store_unavailable(call->exchange);
        put_call_free(call);
        return;
    }
    current = json != NULL ? json_loads(json, 0, NULL) : NULL;
    if (current != NULL)
        calendar_parse(current, &calendar, &error);
    json_decref(current);
    if (calendar == NULL)
        calendar = calendar_new(call->context->timezone);
    if (calendar == NULL) {
        http_reply_problem(call->exchange, PROBLEM_INTERNAL, "out of memory");
        put_call_free(call);
        return;
    }
    result = calendar_merge_year(calendar, call->body, &error);
    if (result != 0) {
        calendar_free(calendar);
        reply_refused(call->exchange, result, &error);
        put_call_free(call);
        return;
    }
    store_calendar(call, calendar);
}

void api_calendars_put(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct put_call *call = endpoint_allocate(exchange, sizeof(*call));
    struct calendar *calendar = NULL;
    struct field_error error;
    int result;

    if (call == NULL)
        return;
    *call = (struct put_call){.context = data, .exchange = exchange};
    snprintf(call->id, sizeof(call->id), "%s", http_exchange_parameter(exchange, "id"));
    if (http_exchange_json_body(exchange, &call->body) != 0) {
        put_call_free(call);
        return;
    }
    if (json_object_get(call->body, "year") != NULL) {
        if (store_calendar_get(call->context->store, call->id, on_current, call) != 0) {
            endpoint_reply_store_unavailable(exchange);
            put_call_free(call);
        }
        return;
    }
    result = calendar_parse(call->body, &calendar, &error);
    if (result == 0)
        result =
            calendar_check_timezone(calendar, call->context->timezone, zone_exists, NULL, &error);
    if (result != 0) {
        calendar_free(calendar);
        reply_refused(exchange, result, &error);
        put_call_free(call);
        return;
    }
    store_calendar(call, calendar);
}

/* --- DELETE /v1/calendars/{id} --- */

static void on_deleted(enum store_outcome outcome, void *data)
{
    endpoint_reply_deletion(data, outcome, STORE_OUTCOME_OK, "calendar",
                            "the calendar could not be deleted");
}

/* The first lot whose schedule uses calendar id, or NULL. */
static const char *lot_using(const struct snapshot *snapshot, const char *id, size_t *count)
{
    const char *first = NULL;
    *count = 0;
    for (size_t i = 0; i < snapshot_count(snapshot); i++) {
        const struct snapshot_lot *lot = snapshot_at(snapshot, i);
        const char *calendar = snapshot_lot_string(lot, "calendar");
        if (calendar != NULL && strcmp(calendar, id) == 0) {
            first = first ? first : lot->id;
            (*count)++;
        }
    }
    return first;
}

void api_calendars_delete(struct http_exchange *exchange, const struct store_token *token,
                          void *data)
{
    struct endpoint_context *context = data;
    const char *id = http_exchange_parameter(exchange, "id");
    const char *user;
    size_t users;

    if (!lot_id_is_valid(id)) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no calendar '%s'", id);
        return;
    }
    /* A calendar lots still use cannot go: their schedules would silently lose holidays. */
    user = lot_using(context->snapshot, id, &users);
    if (user != NULL) {
        http_reply_problem(exchange, PROBLEM_CONFLICT,
                           "calendar '%s' is used by %zu lot(s), e.g. '%s'; change them first", id,
                           users, user);
        return;
    }
    if (store_calendar_delete(context->store, id, on_deleted, exchange) != 0)
        endpoint_reply_store_unavailable(exchange);
}
