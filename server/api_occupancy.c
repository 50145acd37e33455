/* api_occupancy.c: POST /v1/lots/{id}/occupancy and the POST /v1/occupancy batch. */
#include "api_occupancy.h"

#include "auth.h"
#include "endpoint.h"
#include "lot.h"
#include "occupancy.h"
#include "space.h"
#include "store_lots.h"

#include <parkshare/wire.h>
#include <stdlib.h>
#include <string.h>

/* The outcome of one update as an HTTP status and problem, for single and batch alike. */
struct update_verdict {
    int status;
    enum problem_type problem;
    char detail[256];
    json_t *errors; /* [{field, rule}] for 422, or NULL */
};

static void judge(const struct store_occupancy_result *result,
                  const struct occupancy_update *update, struct update_verdict *verdict)
{
    struct field_error error;
    memset(verdict, 0, sizeof(*verdict));
    verdict->status = 200;
    switch (result->outcome) {
    case STORE_OUTCOME_OK:
    case STORE_OUTCOME_REPLAYED:
        return;
    case STORE_OUTCOME_UNAUTHORIZED:
        verdict->problem = PROBLEM_UNAUTHORIZED;
        snprintf(verdict->detail, sizeof(verdict->detail), "unknown or revoked token");
        break;
    case STORE_OUTCOME_FORBIDDEN:
        verdict->problem = PROBLEM_FORBIDDEN;
        snprintf(verdict->detail, sizeof(verdict->detail), "this token may not update lot '%s'",
                 update->lot_id);
        break;
    case STORE_OUTCOME_NOT_FOUND:
        verdict->problem = PROBLEM_NOT_FOUND;
        snprintf(verdict->detail, sizeof(verdict->detail), "no lot '%s'", update->lot_id);
        break;
    case STORE_OUTCOME_KEY_REUSED:
        verdict->problem = PROBLEM_VALIDATION;
        snprintf(verdict->detail, sizeof(verdict->detail),
                 "Idempotency-Key '%s' was already used for a different update",
                 update->idempotency_key);
        field_error_set(&error, WIRE_IDEMPOTENCY_HEADER, "must be new for a different update");
        verdict->errors = field_error_to_json(&error);
        break;
    case STORE_OUTCOME_OVER_CAPACITY:
        verdict->problem = PROBLEM_VALIDATION;
        if (update->space >= 0)
            field_error_set(&error, "occupied", "must not exceed the %s capacity %lld",
                            space_type_name(update->space), (long long)result->capacity);
        else
            field_error_set(&error, "occupied",
                            "must not exceed the capacity %lld (fix the capacity if the "
                            "lot has grown)",
                            (long long)result->capacity);
        field_error_format(&error, verdict->detail, sizeof(verdict->detail));
        verdict->errors = field_error_to_json(&error);
        break;
    case STORE_OUTCOME_NO_SPACE:
        verdict->problem = PROBLEM_VALIDATION;
        field_error_set(&error, "space", "lot '%s' declares no %s spaces", update->lot_id,
                        space_type_name(update->space));
        field_error_format(&error, verdict->detail, sizeof(verdict->detail));
        verdict->errors = field_error_to_json(&error);
        break;
    case STORE_OUTCOME_UNAVAILABLE:
        verdict->problem = PROBLEM_STORE_UNAVAILABLE;
        snprintf(verdict->detail, sizeof(verdict->detail),
                 "Redis is not reachable; retry with the same Idempotency-Key");
        break;
    case STORE_OUTCOME_NOT_REPLICATED:
        verdict->problem = PROBLEM_NOT_REPLICATED;
        snprintf(verdict->detail, sizeof(verdict->detail),
                 "too few Redis replicas confirmed the update in time; retry with the same "
                 "Idempotency-Key, which applies it once");
        break;
    default:
        verdict->problem = PROBLEM_INTERNAL;
        snprintf(verdict->detail, sizeof(verdict->detail), "the update could not be applied");
        break;
    }
    verdict->status = problem_status(verdict->problem);
}

/*
 * Count a write the store answered (result NULL: it could not be sent).
 * Replay wins over clamped: a retry changed nothing, whatever the first did.
 */
static void count_write(struct metrics *metrics, const struct store_occupancy_result *result)
{
    enum store_outcome outcome = result != NULL ? result->outcome : STORE_OUTCOME_UNAVAILABLE;

    if (outcome == STORE_OUTCOME_REPLAYED)
        metrics_count_write(metrics, METRICS_WRITE_REPLAY);
    else if (outcome == STORE_OUTCOME_OK)
        /* The script's answer ends with "clamped":true or false. */
        metrics_count_write(metrics, result->answer != NULL &&
                                             strstr(result->answer, "\"clamped\":true") != NULL
                                         ? METRICS_WRITE_CLAMPED
                                         : METRICS_WRITE_OK);
    else if (store_outcome_unavailable(outcome) || outcome == STORE_OUTCOME_FAILED)
        metrics_count_write(metrics, METRICS_WRITE_UNAVAILABLE);
    else
        metrics_count_write(metrics, METRICS_WRITE_REFUSED);
}

static json_t *errors_extension(json_t *errors)
{
    return errors ? json_pack("{s:o}", "errors", errors) : NULL;
}

/* --- POST /v1/lots/{id}/occupancy --- */

struct single_call {
    struct http_exchange *exchange;
    struct endpoint_context *context;
    struct occupancy_update update;
    char token_hash[65];
};

/* A count this daemon has just stored is shown by its own next read (read-your-writes). */
static void show_own_write(struct snapshot_sync *sync, const struct occupancy_update *update,
                           const struct store_occupancy_result *result)
{
    const char *lot_id = update->lot_id;
    struct change change = {.type = CHANGE_OCCUPANCY,
                            .version = result->version,
                            .occupied = result->occupied,
                            .updated_at_ms = result->updated_at_ms,
                            .has_space = update->space >= 0,
                            .space = update->space};

    if (result->outcome != STORE_OUTCOME_OK)
        return;
    snprintf(change.id, sizeof(change.id), "%s", lot_id);
    snapshot_sync_apply_own(sync, &change);
}

static void on_single_result(const struct store_occupancy_result *result, void *data)
{
    struct single_call *call = data;
    struct update_verdict verdict;
    json_t *extensions;

    count_write(call->context->metrics, result);
    show_own_write(call->context->sync, &call->update, result);
    judge(result, &call->update, &verdict);
    if (verdict.status == 200) {
        if (result->outcome == STORE_OUTCOME_REPLAYED)
            http_exchange_add_header(call->exchange, "Idempotent-Replayed", "true");
        http_reply(call->exchange, 200, WIRE_JSON_TYPE, result->answer, strlen(result->answer),
                   NULL, HTTP_REPLY_NO_STORE);
    } else {
        if (verdict.problem == PROBLEM_STORE_UNAVAILABLE ||
            verdict.problem == PROBLEM_NOT_REPLICATED)
            http_exchange_add_header(call->exchange, "Retry-After", "1");
        if (verdict.problem == PROBLEM_UNAUTHORIZED) {
            /* Revoked since it was remembered: its next write is looked up, and counted as a
             * failure. */
            token_memo_forget(call->context->tokens_seen, call->token_hash);
            http_exchange_add_header(call->exchange, "WWW-Authenticate",
                                     "Bearer realm=\"parkshare\"");
        }
        extensions = errors_extension(verdict.errors);
        http_reply_problem_with(call->exchange, verdict.problem, extensions, verdict.detail);
        json_decref(extensions);
    }
    free(call);
}

/* What the store is asked to apply for an update (strings borrowed from update and hash). */
static struct store_occupancy_update store_request(const struct occupancy_update *update,
                                                   const char *hash, const char *client)
{
    return (struct store_occupancy_update){
        update->lot_id,
        update->recount,
        update->value,
        update->has_idempotency_key ? update->idempotency_key : NULL,
        hash,
        client,
        update->space >= 0 ? space_type_name(update->space) : NULL};
}

/* The token is within its writes: the script checks it again, with its scope. */
static void apply_single(struct http_exchange *exchange, struct single_call *call)
{
    struct store *store = call->context->store;
    struct store_occupancy_update request =
        store_request(&call->update, call->token_hash, http_exchange_client(exchange));

    if (store_occupancy_apply(store, &request, on_single_result, call) != 0) {
        count_write(call->context->metrics, NULL);
        endpoint_reply_store_unavailable(exchange);
        free(call);
    }
}

/* A token looked up for its first write here: remembered, so its next writes need no lookup. */
static void on_single_authorised(struct http_exchange *exchange, const struct store_token *token,
                                 void *data)
{
    struct single_call *call = data;

    token_memo_remember(call->context->tokens_seen, call->token_hash, token->id,
                        strcmp(token->role, "admin") == 0);
    apply_single(exchange, call);
}

/*
 * Count the write against its token, then apply it. A token seen before is
 * counted at once, saving a Redis round trip per write: the script refuses
 * it if it has been revoked since. Any other is looked up first, so that a
 * bad token counts as a failed authentication and never as a write.
 */
static void authorise_single(struct http_exchange *exchange, struct single_call *call)
{
    struct token_memo_entry seen;

    if (!token_memo_recall(call->context->tokens_seen, call->token_hash, &seen)) {
        auth_require_hash(exchange, call->context->store, call->token_hash,
                          (struct auth_demand){false, 1}, on_single_authorised, free, call);
        return;
    }
    if (!http_exchange_allow_writes(exchange, seen.id, seen.admin, 1)) {
        free(call);
        return;
    }
    apply_single(exchange, call);
}

void api_occupancy_single(struct http_exchange *exchange, const struct store_token *token,
                          void *data)
{
    const char *lot_id = http_exchange_parameter(exchange, "id");
    struct single_call *call = NULL;
    struct field_error error;
    char hash[65];
    json_t *body = NULL;

    if (!lot_id_is_valid(lot_id)) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no lot '%s'", lot_id);
        return;
    }
    if (auth_bearer_hash(exchange, hash) != 0 || http_exchange_json_body(exchange, &body) != 0)
        return;
    call = endpoint_allocate(exchange, sizeof(*call));
    if (call == NULL)
        goto release_body;
    call->exchange = exchange;
    call->context = data;
    memcpy(call->token_hash, hash, sizeof(hash));
    if (occupancy_parse_single(body, lot_id, &call->update, &error) != 0) {
        http_reply_invalid(exchange, error.field, error.rule);
        goto free_call;
    }
    if (endpoint_idempotency_key(exchange, call->update.idempotency_key,
                                 sizeof(call->update.idempotency_key),
                                 &call->update.has_idempotency_key) != 0)
        goto free_call;
    authorise_single(exchange, call);
    call = NULL; /* on_single_result, or a refusal on the way, frees it */
free_call:
    free(call);
release_body:
    json_decref(body);
}

/* --- POST /v1/occupancy --- */

struct batch_call {
    struct http_exchange *exchange;
    struct store *store;
    struct metrics *metrics;
    struct snapshot_sync *sync;
    json_t *items;   /* the request's updates (owned) */
    json_t *results; /* one slot per item, filled as answers come */
    size_t waiting;
    char token_hash[65];
};

static void batch_free(void *data)
{
    struct batch_call *batch = data;
    json_decref(batch->items);
    json_decref(batch->results);
    free(batch);
}

struct batch_item {
    struct batch_call *batch;
    size_t index;
    struct occupancy_update update;
};

static void batch_finish_if_done(struct batch_call *batch)
{
    json_t *document;
    if (batch->waiting > 0)
        return;
    document = json_pack("{s:O}", "results", batch->results);
    if (document == NULL)
        http_reply_problem(batch->exchange, PROBLEM_INTERNAL, "out of memory");
    else
        http_reply_json(batch->exchange, 200, document, HTTP_REPLY_NO_STORE);
    json_decref(document);
    batch_free(batch);
}

static json_t *item_problem(const char *lot_id, enum problem_type type, const char *detail,
                            json_t *errors)
{
    json_t *extensions = errors_extension(errors);
    json_t *problem = problem_new(type, detail, extensions);
    json_decref(extensions);
    return json_pack("{s:s?, s:i, s:o*}", "id", lot_id, "status", problem_status(type), "problem",
                     problem);
}

static void on_item_result(const struct store_occupancy_result *result, void *data)
{
    struct batch_item *item = data;
    struct batch_call *batch = item->batch;
    struct update_verdict verdict;
    json_t *slot;

    count_write(batch->metrics, result);
    show_own_write(batch->sync, &item->update, result);
    judge(result, &item->update, &verdict);
    if (verdict.status == 200)
        slot = json_pack("{s:s, s:i, s:b, s:o*}", "id", item->update.lot_id, "status", 200,
                         "replayed", result->outcome == STORE_OUTCOME_REPLAYED, "result",
                         json_loads(result->answer, 0, NULL));
    else
        slot = item_problem(item->update.lot_id, verdict.problem, verdict.detail, verdict.errors);
    json_array_set_new(batch->results, item->index, slot ? slot : json_null());
    batch->waiting--;
    free(item);
    batch_finish_if_done(batch);
}

/* Validate one item and send it, or record its refusal in its slot. */
static void start_item(struct batch_call *batch, size_t index, const char *hash)
{
    struct batch_item *item = calloc(1, sizeof(*item));
    struct field_error error;
    struct store_occupancy_update request;
    char detail[256];

    if (item == NULL) {
        json_array_set_new(batch->results, index,
                           item_problem(NULL, PROBLEM_INTERNAL, "out of memory", NULL));
        return;
    }
    item->batch = batch;
    item->index = index;
    if (occupancy_parse_item(json_array_get(batch->items, index), &item->update, &error) != 0) {
        field_error_format(&error, detail, sizeof(detail));
        json_array_set_new(batch->results, index,
                           item_problem(item->update.lot_id[0] ? item->update.lot_id : NULL,
                                        PROBLEM_VALIDATION, detail, field_error_to_json(&error)));
        free(item);
        return;
    }
    request = store_request(&item->update, hash, http_exchange_client(batch->exchange));
    batch->waiting++;
    if (store_occupancy_apply(batch->store, &request, on_item_result, item) != 0) {
        batch->waiting--;
        count_write(batch->metrics, NULL);
        json_array_set_new(batch->results, index,
                           item_problem(item->update.lot_id, PROBLEM_STORE_UNAVAILABLE,
                                        "Redis is not reachable; retry this update", NULL));
        free(item);
    }
}

static void on_batch_authorised(struct http_exchange *exchange, const struct store_token *token,
                                void *data)
{
    struct batch_call *batch = data;

    /* The token exists; each item's script checks it again, with its scope. */
    batch->waiting = 1; /* held until every item is started */
    for (size_t i = 0; i < json_array_size(batch->items); i++)
        start_item(batch, i, batch->token_hash);
    batch->waiting--;
    batch_finish_if_done(batch);
}

void api_occupancy_batch(struct http_exchange *exchange, const struct store_token *token,
                         void *data)
{
    struct endpoint_context *context = data;
    struct store *store = context->store;
    struct field_error error;
    const json_t *updates;
    struct batch_call *batch;
    json_t *body = NULL;
    char hash[65];

    if (auth_bearer_hash(exchange, hash) != 0 || http_exchange_json_body(exchange, &body) != 0)
        return;
    updates = occupancy_batch_items(body, &error);
    if (updates == NULL) {
        http_reply_invalid(exchange, error.field, error.rule);
        goto release_body;
    }
    batch = endpoint_allocate(exchange, sizeof(*batch));
    if (batch == NULL)
        goto release_body;
    batch->exchange = exchange;
    batch->store = store;
    batch->metrics = context->metrics;
    batch->sync = context->sync;
    memcpy(batch->token_hash, hash, sizeof(hash));
    batch->items = json_incref((json_t *)updates);
    batch->results = json_array();
    for (size_t i = 0; batch->results && i < json_array_size(batch->items); i++)
        json_array_append_new(batch->results, json_null());
    if (batch->results == NULL) {
        json_decref(batch->items);
        free(batch);
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        goto release_body;
    }
    /* The batch counts as its number of updates against the token's writes. */
    auth_require_hash(exchange, store, hash,
                      (struct auth_demand){false, json_array_size(batch->items)},
                      on_batch_authorised, batch_free, batch);
release_body:
    json_decref(body);
}
