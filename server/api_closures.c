/* api_closures.c: a lot's announced closures: GET, POST and DELETE /v1/lots/{id}/closures. */
#include "api_closures.h"

#include "auth.h"
#include "clock.h"
#include "closure.h"
#include "lot.h"
#include "occupancy.h"
#include "snapshot_sync.h"
#include "store_closures.h"

#include <parkshare/wire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct closure_call {
    struct http_exchange *exchange;
    struct endpoint_context *context;
    char lot_id[WIRE_ID_MAX + 1];
    char closure_id[24];
    char token_hash[65];
    char idempotency_key[WIRE_IDEMPOTENCY_KEY_MAX + 1];
    bool has_idempotency_key;
    char *record_json; /* announce: the stored form without its id (owned) */
    char from_text[32], to_text[32];
};

static void call_free(void *data)
{
    struct closure_call *call = data;
    if (call == NULL)
        return;
    free(call->record_json);
    free(call);
}

/* 404 that names the field, as a closure on an unknown lot must. */
static void reply_no_lot(struct http_exchange *exchange, const char *lot_id)
{
    json_t *extensions =
        json_pack("{s:[{s:s, s:s}]}", "errors", "field", "id", "rule", "must name an existing lot");
    char detail[WIRE_ID_MAX + 16];

    snprintf(detail, sizeof(detail), "no lot '%s'", lot_id);
    http_reply_problem_with(exchange, PROBLEM_NOT_FOUND, extensions, detail);
    json_decref(extensions);
}

void api_closures_list(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct endpoint_context *context = data;
    const char *lot_id = http_exchange_parameter(exchange, "id");
    const struct snapshot_lot *lot = snapshot_find(context->snapshot, lot_id);
    json_t *document;

    if (lot == NULL) {
        reply_no_lot(exchange, lot_id);
        return;
    }
    document =
        json_pack("{s:s, s:o}", "lot", lot->id, "closures",
                  closure_public_list(lot->closures, clock_now_ms(), -1, clock_format_local));
    if (document == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    endpoint_mark_stale(exchange, context->snapshot);
    http_reply_json(exchange, 200, document, HTTP_REPLY_PUBLIC);
    json_decref(document);
}

/* A closure change this daemon has just stored is shown by its own next read. */
static void show_own_write(struct closure_call *call, const struct store_closure_result *result,
                           const char *event)
{
    struct change change = {.type = CHANGE_CLOSURES, .version = result->version};

    if (result->outcome != STORE_OUTCOME_OK || result->closures == NULL)
        return;
    snprintf(change.id, sizeof(change.id), "%s", call->lot_id);
    snprintf(change.closure_event, sizeof(change.closure_event), "%s", event);
    change.closures_json = (char *)result->closures;
    change.closure_json = (char *)result->closure;
    snapshot_sync_apply_own(call->context->sync, &change);
}

/* Answer a refusal of the store (anything but OK and REPLAYED). */
static void reply_refusal(struct closure_call *call, const struct store_closure_result *result)
{
    struct http_exchange *exchange = call->exchange;
    json_t *extensions = NULL;
    char detail[WIRE_ID_MAX + 128];

    switch (result->outcome) {
    case STORE_OUTCOME_UNAUTHORIZED:
        auth_reply_unauthorized(exchange, "unknown or revoked token");
        return;
    case STORE_OUTCOME_FORBIDDEN:
        http_reply_problem(exchange, PROBLEM_FORBIDDEN, "this token may not close lot '%s'",
                           call->lot_id);
        return;
    case STORE_OUTCOME_NOT_FOUND:
        if (result->detail != NULL && strcmp(result->detail, "closure") == 0)
            http_reply_problem(exchange, PROBLEM_NOT_FOUND,
                               "lot '%s' has no current or upcoming closure '%s'", call->lot_id,
                               call->closure_id);
        else
            reply_no_lot(exchange, call->lot_id);
        return;
    case STORE_OUTCOME_KEY_REUSED:
        http_reply_invalid(exchange, WIRE_IDEMPOTENCY_HEADER,
                           "must be new for a different closure");
        return;
    case STORE_OUTCOME_OVER_CAPACITY:
        extensions = json_pack("{s:[{s:s, s:s}]}", "errors", "field", "from", "rule",
                               "the lot already has the most current and upcoming closures");
        snprintf(detail, sizeof(detail),
                 "from: lot '%s' already has %d current and upcoming closures; withdraw one first",
                 call->lot_id, CLOSURE_MAX_PER_LOT);
        http_reply_problem_with(exchange, PROBLEM_VALIDATION, extensions, detail);
        json_decref(extensions);
        return;
    case STORE_OUTCOME_UNAVAILABLE:
    case STORE_OUTCOME_NOT_REPLICATED: /* stored on the master: a retry with the key replays it */
        endpoint_reply_unavailable(exchange, result->outcome);
        return;
    default:
        http_reply_problem(exchange, PROBLEM_INTERNAL, "the closure could not be stored");
        return;
    }
}

static void on_announced(const struct store_closure_result *result, void *data)
{
    struct closure_call *call = data;
    json_t *record = result->closure ? json_loads(result->closure, 0, NULL) : NULL;
    json_t *answer = record ? closure_public(record, clock_format_local) : NULL;
    char location[WIRE_ID_MAX + 64];

    show_own_write(call, result, "announced");
    if (result->outcome != STORE_OUTCOME_OK && result->outcome != STORE_OUTCOME_REPLAYED)
        reply_refusal(call, result);
    else if (answer == NULL)
        http_reply_problem(call->exchange, PROBLEM_INTERNAL, "out of memory");
    else {
        if (result->outcome == STORE_OUTCOME_REPLAYED)
            http_exchange_add_header(call->exchange, "Idempotent-Replayed", "true");
        snprintf(location, sizeof(location), "/v1/lots/%s/closures/%s", call->lot_id,
                 json_string_value(json_object_get(answer, "id")));
        http_exchange_add_header(call->exchange, "Location", location);
        http_reply_json(call->exchange, 201, answer, HTTP_REPLY_NO_STORE);
    }
    json_decref(answer);
    json_decref(record);
    call_free(call);
}

static void on_announce_authorised(struct http_exchange *exchange, const struct store_token *token,
                                   void *data)
{
    struct closure_call *call = data;
    struct store_closure_write write = {
        .lot_id = call->lot_id,
        .record_json = call->record_json,
        .from_text = call->from_text,
        .to_text = call->to_text,
        .idempotency_key = call->has_idempotency_key ? call->idempotency_key : NULL,
        .token_hash = call->token_hash,
        .client = http_exchange_client(exchange)};

    if (store_closure_announce(call->context->store, &write, CLOSURE_MAX_PER_LOT, on_announced,
                               call) != 0) {
        endpoint_reply_store_unavailable(exchange);
        call_free(call);
    }
}

/* A new call for the exchange's lot with the bearer's hash; NULL after answering. */
static struct closure_call *start_call(struct http_exchange *exchange, void *data)
{
    const char *lot_id = http_exchange_parameter(exchange, "id");
    struct closure_call *call;
    char hash[65];

    if (auth_bearer_hash(exchange, hash) != 0)
        return NULL;
    call = endpoint_allocate(exchange, sizeof(*call));
    if (call == NULL)
        return NULL;
    call->exchange = exchange;
    call->context = data;
    snprintf(call->lot_id, sizeof(call->lot_id), "%s", lot_id);
    memcpy(call->token_hash, hash, sizeof(hash));
    return call;
}

void api_closures_announce(struct http_exchange *exchange, const struct store_token *token,
                           void *data)
{
    struct endpoint_context *context = data;
    struct closure_call *call = NULL;
    struct field_error error;
    json_t *body = NULL, *record = NULL;

    call = start_call(exchange, data);
    if (call == NULL || http_exchange_json_body(exchange, &body) != 0)
        goto free_call;
    memset(&error, 0, sizeof(error));
    if (closure_parse_request(body, clock_now_ms(), context->closure_max_open_ms, &record,
                              &error) != 0) {
        if (error.field[0] != '\0')
            http_reply_invalid(exchange, error.field, error.rule);
        else
            http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        goto free_call;
    }
    clock_format_local(json_integer_value(json_object_get(record, "from")), call->from_text);
    clock_format_local(json_integer_value(json_object_get(record, "to")), call->to_text);
    call->record_json = json_dumps(record, JSON_COMPACT | JSON_SORT_KEYS);
    if (call->record_json == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        goto free_call;
    }
    if (endpoint_idempotency_key(exchange, call->idempotency_key, sizeof(call->idempotency_key),
                                 &call->has_idempotency_key) != 0)
        goto free_call;
    /* The token's existence and its write limit here; the script checks its scope. */
    auth_require_hash(exchange, context->store, call->token_hash, (struct auth_demand){false, 1},
                      on_announce_authorised, call_free, call);
    call = NULL;
free_call:
    call_free(call);
    json_decref(record);
    json_decref(body);
}

static void on_withdrawn(const struct store_closure_result *result, void *data)
{
    struct closure_call *call = data;

    show_own_write(call, result, "withdrawn");
    if (result->outcome == STORE_OUTCOME_OK)
        http_reply(call->exchange, 204, NULL, "", 0, NULL, HTTP_REPLY_NO_STORE);
    else
        reply_refusal(call, result);
    call_free(call);
}

static void on_withdraw_authorised(struct http_exchange *exchange, const struct store_token *token,
                                   void *data)
{
    struct closure_call *call = data;
    struct store_closure_write write = {.lot_id = call->lot_id,
                                        .closure_id = call->closure_id,
                                        .token_hash = call->token_hash,
                                        .client = http_exchange_client(exchange)};

    if (store_closure_withdraw(call->context->store, &write, on_withdrawn, call) != 0) {
        endpoint_reply_store_unavailable(exchange);
        call_free(call);
    }
}

void api_closures_withdraw(struct http_exchange *exchange, const struct store_token *token,
                           void *data)
{
    struct endpoint_context *context = data;
    const char *lot_id = http_exchange_parameter(exchange, "id");
    const char *closure_id = http_exchange_parameter(exchange, "closure_id");
    struct closure_call *call;

    if (!lot_id_is_valid(lot_id)) {
        reply_no_lot(exchange, lot_id);
        return;
    }
    if (!closure_id_is_valid(closure_id)) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND,
                           "lot '%s' has no current or upcoming closure '%s'", lot_id, closure_id);
        return;
    }
    call = start_call(exchange, data);
    if (call == NULL)
        return;
    snprintf(call->closure_id, sizeof(call->closure_id), "%s", closure_id);
    auth_require_hash(exchange, context->store, call->token_hash, (struct auth_demand){false, 1},
                      on_withdraw_authorised, call_free, call);
}
