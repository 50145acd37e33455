/* api_groups.c: the named areas: GET /v1/groups, PUT and DELETE /v1/groups/{id}. */
#include "api_groups.h"

#include "clock.h"
#include "group.h"
#include "http.h"
#include "lot.h"
#include "lot_query.h"
#include "store_groups.h"
#include "store_tokens.h"
#include "totals.h"

#include <inttypes.h>
#include <parkshare/wire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The English name of a lot's static fields, when it has one. */
static const char *english_name(const json_t *static_json)
{
    return json_string_value(json_object_get(json_object_get(static_json, "names"), "en"));
}

/* Every group id: those with names and those some lot belongs to, as an object's keys. */
static json_t *every_group_id(const struct snapshot *snapshot, const struct group_names *names)
{
    json_t *ids = json_object();

    for (size_t i = 0; ids != NULL && i < group_names_count(names); i++)
        json_object_set_new(ids, group_names_at(names, i)->id, json_true());
    for (size_t i = 0; ids != NULL && i < snapshot_count(snapshot); i++) {
        const json_t *groups = snapshot_at(snapshot, i)->groups;
        size_t index;
        const json_t *group;
        json_array_foreach(groups, index, group)
        {
            if (json_is_string(group))
                json_object_set_new(ids, json_string_value(group), json_true());
        }
    }
    return ids;
}

/* The lots of group id as [{"id","name","names"}], in the snapshot's (id) order. */
static json_t *lots_of(const struct snapshot *snapshot, const char *id)
{
    struct lot_selection which = {.group = id};
    json_t *lots = json_array();

    for (size_t i = 0; lots != NULL && i < snapshot_count(snapshot); i++) {
        const struct snapshot_lot *lot = snapshot_at(snapshot, i);
        json_t *fields;
        const char *english;
        int failed;

        if (!lot_query_selects(&which, lot))
            continue;
        /* Names are read from the stored fields of the group's lots alone. */
        fields = snapshot_lot_static(lot);
        english = english_name(fields);
        failed = json_array_append_new(
            lots, english != NULL
                      ? json_pack("{s:s, s:O?, s:{s:s}}", "id", lot->id, "name",
                                  json_object_get(fields, "name"), "names", "en", english)
                      : json_pack("{s:s, s:O?, s:{}}", "id", lot->id, "name",
                                  json_object_get(fields, "name"), "names"));
        json_decref(fields);
        if (failed != 0) {
            json_decref(lots);
            return NULL;
        }
    }
    return lots;
}

/* One group's entry of the list, or NULL when out of memory. */
static json_t *group_entry(const struct endpoint_context *context, const char *id)
{
    const struct group_names *names = snapshot_sync_groups(context->sync);
    struct lot_selection which = {.group = id};
    struct totals totals;
    json_t *entry = group_name_to_json(group_names_find(names, id));
    json_t *lots = lots_of(context->snapshot, id);

    totals_compute(context->snapshot, &which, &totals);
    if (entry == NULL || lots == NULL || json_object_set_new(entry, "id", json_string(id)) != 0 ||
        json_object_set_new(entry, "lots", lots) != 0 ||
        json_object_set_new(entry, "totals", totals_json(&totals, clock_format_local)) != 0) {
        json_decref(entry);
        return NULL;
    }
    return entry;
}

/* Order of ids in the answer. */
static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *groups_document(const struct endpoint_context *context)
{
    json_t *ids = every_group_id(context->snapshot, snapshot_sync_groups(context->sync));
    json_t *list = json_array(), *document = NULL;
    size_t count = ids != NULL ? json_object_size(ids) : 0, at = 0;
    const char **sorted = calloc(count + 1, sizeof(*sorted));
    const char *id;
    json_t *value;

    if (ids == NULL || list == NULL || sorted == NULL)
        goto free_all;
    json_object_foreach(ids, id, value) sorted[at++] = id;
    qsort(sorted, count, sizeof(*sorted), by_text);
    for (size_t i = 0; i < count; i++) {
        json_t *entry = group_entry(context, sorted[i]);
        if (entry == NULL || json_array_append_new(list, entry) != 0)
            goto free_all;
    }
    document =
        json_pack("{s:s, s:I, s:O}", "timezone", context->timezone, "stale_after",
                  (json_int_t)(snapshot_stale_after_ms(context->snapshot) / 1000), "groups", list);
free_all:
    free(sorted);
    json_decref(ids);
    json_decref(list);
    return document;
}

void api_groups_list(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    const struct endpoint_context *context = data;
    const char *unknown = http_exchange_unknown_query(exchange, NULL, 0);
    char key[64];

    if (unknown != NULL) {
        http_reply_invalid(exchange, unknown, "unknown query parameter; this list takes none");
        return;
    }
    /* Every group's lots and totals cost a walk of the city: built once per change. */
    snprintf(key, sizeof(key), "groups:%" PRIu64,
             group_names_revision(snapshot_sync_groups(context->sync)));
    endpoint_reply_kept_document(exchange, context, key, groups_document);
}

/* A write in flight: what to set in this daemon's table once Redis took it. */
struct group_call {
    struct endpoint_context *context;
    struct http_exchange *exchange;
    char id[WIRE_ID_MAX + 1];
    json_t *stored; /* PUT: the names written; NULL for DELETE */
};

static void group_call_free(struct group_call *call)
{
    json_decref(call->stored);
    free(call);
}

static void on_put(enum store_outcome outcome, void *data)
{
    struct group_call *call = data;

    if (outcome == STORE_OUTCOME_CREATED || outcome == STORE_OUTCOME_REPLACED) {
        /* Read-your-writes: the change message will set the same again. */
        group_names_set(snapshot_sync_groups(call->context->sync), call->id, call->stored);
        json_object_set_new(call->stored, "id", json_string(call->id));
        http_reply_json(call->exchange, outcome == STORE_OUTCOME_CREATED ? 201 : 200, call->stored,
                        HTTP_REPLY_NO_STORE);
    } else if (store_outcome_unavailable(outcome)) {
        endpoint_reply_unavailable(call->exchange, outcome);
    } else {
        http_reply_problem(call->exchange, PROBLEM_INTERNAL, "the group could not be stored");
    }
    group_call_free(call);
}

/* A refused body: 422 with every broken rule; nothing is stored. */
static void reply_invalid_group(struct http_exchange *exchange, const struct field_errors *errors)
{
    char summary[512];
    json_t *extensions = json_pack("{s:o}", "errors", field_errors_to_json(errors));

    field_errors_summary(errors, "invalid group", summary, sizeof(summary));
    http_reply_problem_with(exchange, PROBLEM_VALIDATION, extensions, summary);
    json_decref(extensions);
}

void api_groups_put(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct group_call *call = endpoint_allocate(exchange, sizeof(*call));
    struct field_errors errors = {0};
    struct store_group_author author = {token->id, http_exchange_client(exchange)};
    json_t *body = NULL;
    char *text = NULL;
    int result;

    if (call == NULL)
        return;
    *call = (struct group_call){.context = data, .exchange = exchange};
    snprintf(call->id, sizeof(call->id), "%s", http_exchange_parameter(exchange, "id"));
    if (http_exchange_json_body(exchange, &body) != 0)
        goto free_call;
    result = group_from_json(body, &call->stored, &errors);
    if (result == GROUP_ERROR_INVALID) {
        reply_invalid_group(exchange, &errors);
        goto free_call;
    }
    text = result == 0 ? json_dumps(call->stored, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (text == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        goto free_call;
    }
    if (store_group_put(call->context->store, call->id, text, &author, on_put, call) != 0) {
        endpoint_reply_store_unavailable(exchange);
        goto free_call;
    }
    free(text);
    json_decref(body);
    return;
free_call:
    free(text);
    json_decref(body);
    group_call_free(call);
}

static void on_deleted(enum store_outcome outcome, void *data)
{
    struct group_call *call = data;

    if (outcome == STORE_OUTCOME_OK)
        group_names_remove(snapshot_sync_groups(call->context->sync), call->id);
    endpoint_reply_deletion(call->exchange, outcome, STORE_OUTCOME_OK, "named group",
                            "the group could not be deleted");
    group_call_free(call);
}

void api_groups_delete(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct group_call *call;
    struct store_group_author author = {token->id, http_exchange_client(exchange)};
    const char *id = http_exchange_parameter(exchange, "id");

    if (!lot_id_is_valid(id)) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no named group '%s'", id);
        return;
    }
    call = endpoint_allocate(exchange, sizeof(*call));
    if (call == NULL)
        return;
    *call = (struct group_call){.context = data, .exchange = exchange};
    snprintf(call->id, sizeof(call->id), "%s", id);
    if (store_group_delete(call->context->store, id, &author, on_deleted, call) != 0) {
        endpoint_reply_store_unavailable(exchange);
        group_call_free(call);
    }
}
