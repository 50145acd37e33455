/* api_lots.c: the lot registry: PUT/GET/DELETE /v1/lots/{id}. */
#include "api_lots.h"

#include "clock.h"
#include "endpoint.h"
#include "lot.h"
#include "store_lots.h"
#include "store_tokens.h"

#include <parkshare/wire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- GET /v1/lots/{id} --- */

void api_lots_get(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct endpoint_context *context = data;
    const char *id = http_exchange_parameter(exchange, "id");
    const struct snapshot_lot *lot = snapshot_find(context->snapshot, id);

    if (lot == NULL) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no lot '%s'", id);
        return;
    }
    endpoint_mark_stale(exchange, context->snapshot);
    http_reply_answer(exchange, WIRE_JSON_TYPE, lot->answer, HTTP_REPLY_PUBLIC);
}

/* --- PUT /v1/lots/{id} --- */

struct put_call {
    struct endpoint_context *context;
    struct http_exchange *exchange;
    char id[WIRE_ID_MAX + 1];
    json_t *static_json;
    char *stored_text; /* the lot's JSON text as sent to the store */
};

static void put_call_free(struct put_call *call)
{
    json_decref(call->static_json);
    free(call->stored_text);
    free(call);
}

/* The lot as stored is shown by this daemon's next read (read-your-writes). */
static void show_own_lot(const struct put_call *call, const struct store_lot_result *result)
{
    struct change change = {.type = CHANGE_LOT,
                            .version = result->version,
                            .occupied = result->occupied,
                            .updated_at_ms = result->updated_at_ms,
                            .static_json = call->stored_text};

    snprintf(change.id, sizeof(change.id), "%s", call->id);
    snapshot_sync_apply_own(call->context->sync, &change);
}

static void on_put_stored(const struct store_lot_result *result, void *data)
{
    struct put_call *call = data;
    json_t *answer;

    if (result->outcome == STORE_OUTCOME_CREATED || result->outcome == STORE_OUTCOME_REPLACED) {
        show_own_lot(call, result);
        answer = snapshot_compose_json(call->context->snapshot, call->id, call->static_json,
                                       result->occupied, result->version, result->updated_at_ms,
                                       clock_now_ms());
        if (answer == NULL)
            http_reply_problem(call->exchange, PROBLEM_INTERNAL, "out of memory");
        else
            http_reply_json(call->exchange, result->outcome == STORE_OUTCOME_CREATED ? 201 : 200,
                            answer, HTTP_REPLY_NO_STORE);
        json_decref(answer);
    } else if (store_outcome_unavailable(result->outcome)) {
        endpoint_reply_unavailable(call->exchange, result->outcome);
    } else {
        http_reply_problem(call->exchange, PROBLEM_INTERNAL, "the lot could not be stored");
    }
    put_call_free(call);
}

void api_lots_put(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct put_call *call = endpoint_allocate(exchange, sizeof(*call));
    struct lot *lot = NULL;
    struct field_errors errors = {0};
    struct store_lot_write write;
    json_t *body = NULL, *extensions;
    char *text = NULL;
    char summary[512];

    if (call == NULL)
        return;
    *call = (struct put_call){.context = data, .exchange = exchange};
    snprintf(call->id, sizeof(call->id), "%s", http_exchange_parameter(exchange, "id"));
    if (http_exchange_json_body(exchange, &body) != 0)
        goto cleanup;
    if (lot_from_json(call->id, body, &lot, &errors) != 0) {
        field_errors_summary(&errors, "invalid lot", summary, sizeof(summary));
        extensions = json_pack("{s:o}", "errors", field_errors_to_json(&errors));
        http_reply_problem_with(exchange, PROBLEM_VALIDATION, extensions, summary);
        json_decref(extensions);
        goto cleanup;
    }
    call->static_json = lot_static_to_json(lot);
    text = call->static_json ? json_dumps(call->static_json, JSON_COMPACT | JSON_PRESERVE_ORDER)
                             : NULL;
    if (text == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        goto cleanup;
    }
    write = (struct store_lot_write){call->id, text, lot->capacity, token->id,
                                     http_exchange_client(exchange)};
    if (store_lot_put(call->context->store, &write, on_put_stored, call) != 0) {
        endpoint_reply_store_unavailable(exchange);
        goto cleanup;
    }
    call->stored_text = text; /* the exact text stored, for show_own_lot */
    text = NULL;
    call = NULL; /* on_put_stored frees it */
cleanup:
    free(text);
    lot_free(lot);
    json_decref(body);
    if (call != NULL)
        put_call_free(call);
}

/* --- DELETE /v1/lots/{id} --- */

struct delete_call {
    struct endpoint_context *context;
    struct http_exchange *exchange;
    char id[WIRE_ID_MAX + 1];
};

static void on_deleted(const struct store_lot_result *result, void *data)
{
    struct delete_call *call = data;
    struct change change = {.type = CHANGE_LOT_DELETED, .version = result->version};

    if (result->outcome == STORE_OUTCOME_OK) {
        /* Gone from this daemon's next read at once (read-your-writes). */
        snprintf(change.id, sizeof(change.id), "%s", call->id);
        snapshot_sync_apply_own(call->context->sync, &change);
    }
    endpoint_reply_deletion(call->exchange, result->outcome, STORE_OUTCOME_OK, "lot",
                            "the lot could not be deleted");
    free(call);
}

void api_lots_delete(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct endpoint_context *context = data;
    const char *id = http_exchange_parameter(exchange, "id");
    struct delete_call *call;

    if (!lot_id_is_valid(id)) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no lot '%s'", id);
        return;
    }
    call = endpoint_allocate(exchange, sizeof(*call));
    if (call == NULL)
        return;
    *call = (struct delete_call){.context = context, .exchange = exchange};
    snprintf(call->id, sizeof(call->id), "%s", id);
    if (store_lot_delete(context->store, id, token->id, http_exchange_client(exchange), on_deleted,
                         call) != 0) {
        free(call);
        endpoint_reply_store_unavailable(exchange);
    }
}
