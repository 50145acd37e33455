/* store_lots.c: lots and occupancy in Redis: atomic updates, replace, delete, load. */
#include "store_lots.h"

#include "log.h"
#include "store_private.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char component[] = "store";

#define KEY_SIZE 256

struct occupancy_call {
    store_occupancy_callback callback;
    void *data;
};

static void on_occupancy_reply(redisReply *reply, void *data)
{
    struct occupancy_call *call = data;
    struct store_occupancy_result result = {STORE_OUTCOME_UNAVAILABLE, NULL, 0};

    if (reply != NULL && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2 &&
        reply->element[1]->type == REDIS_REPLY_STRING) {
        result.outcome = store_outcome_from_word(reply->element[0]);
        if (result.outcome == STORE_OUTCOME_OK || result.outcome == STORE_OUTCOME_REPLAYED)
            result.answer = reply->element[1]->str;
        else if (result.outcome == STORE_OUTCOME_OVER_CAPACITY)
            result.capacity = store_reply_integer(reply->element[1], 0);
    } else if (reply != NULL) {
        log_error(component, "occupancy script: %s",
                  reply->type == REDIS_REPLY_ERROR ? reply->str : "unexpected reply");
        result.outcome = STORE_OUTCOME_FAILED;
    }
    call->callback(&result, call->data);
    free(call);
}

int store_occupancy_apply(struct store *store, const struct store_occupancy_update *update,
                          store_occupancy_callback callback, void *data)
{
    char lot_key[KEY_SIZE], idempotency_key[KEY_SIZE + 128], token_key[KEY_SIZE];
    char lot_audit_key[KEY_SIZE], value[32], fingerprint[KEY_SIZE], ttl[32], cap[32];
    struct occupancy_call *call = malloc(sizeof(*call));
    const char *mode = update->recount ? "occupied" : "delta";
    int result;

    if (call == NULL)
        return STORE_ERROR_NO_MEMORY;
    *call = (struct occupancy_call){callback, data};
    snprintf(lot_key, sizeof(lot_key), STORE_PREFIX "lot:%s", update->lot_id);
    snprintf(idempotency_key, sizeof(idempotency_key), STORE_PREFIX "idem:%s",
             update->idempotency_key ? update->idempotency_key : "");
    snprintf(token_key, sizeof(token_key), STORE_PREFIX "token:%s", update->token_hash);
    snprintf(lot_audit_key, sizeof(lot_audit_key), STORE_PREFIX "audit:%s", update->lot_id);
    snprintf(value, sizeof(value), "%" PRId64, update->value);
    /* What "the same request" means for idempotency: lot, kind and number. */
    snprintf(fingerprint, sizeof(fingerprint), "%s %s %s", update->lot_id, mode, value);
    snprintf(ttl, sizeof(ttl), "%" PRId64, store_idempotency_ttl(store));
    snprintf(cap, sizeof(cap), "%" PRId64, store_audit_max_length(store));
    {
        const char *keys[] = {lot_key, idempotency_key, token_key, lot_audit_key,
                              STORE_PREFIX "audit"};
        const char *args[] = {update->lot_id,
                              mode,
                              value,
                              update->idempotency_key ? "1" : "0",
                              fingerprint,
                              ttl,
                              update->client,
                              store_change_channel(store),
                              cap};
        result = store_script_run(store, STORE_SCRIPT_OCCUPANCY, 5, keys, 9, args, NULL,
                                  on_occupancy_reply, call);
    }
    if (result != 0)
        free(call);
    return result;
}

struct lot_call {
    store_lot_callback callback;
    void *data;
};

static void on_lot_reply(redisReply *reply, void *data)
{
    struct lot_call *call = data;
    struct store_lot_result result = {STORE_OUTCOME_UNAVAILABLE, 0, -1, -1, false};

    if (reply != NULL && reply->type == REDIS_REPLY_ARRAY && reply->elements >= 2) {
        result.outcome = store_outcome_from_word(reply->element[0]);
        result.version = store_reply_integer(reply->element[1], 0);
        if (reply->elements >= 5) {
            result.occupied = store_reply_integer(reply->element[2], -1);
            result.updated_at_ms = store_reply_integer(reply->element[3], -1);
            result.clamped = store_reply_integer(reply->element[4], 0) == 1;
        }
    } else if (reply != NULL) {
        log_error(component, "lot script: %s",
                  reply->type == REDIS_REPLY_ERROR ? reply->str : "unexpected reply");
        result.outcome = STORE_OUTCOME_FAILED;
    }
    call->callback(&result, call->data);
    free(call);
}

static void lot_keys(const char *lot_id, char lot_key[KEY_SIZE], char audit_key[KEY_SIZE])
{
    snprintf(lot_key, KEY_SIZE, STORE_PREFIX "lot:%s", lot_id);
    snprintf(audit_key, KEY_SIZE, STORE_PREFIX "audit:%s", lot_id);
}

int store_lot_put(struct store *store, const struct store_lot_write *write,
                  store_lot_callback callback, void *data)
{
    char lot_key[KEY_SIZE], audit_key[KEY_SIZE], capacity[32], cap[32];
    struct lot_call *call = malloc(sizeof(*call));
    int result;

    if (call == NULL)
        return STORE_ERROR_NO_MEMORY;
    *call = (struct lot_call){callback, data};
    lot_keys(write->lot_id, lot_key, audit_key);
    snprintf(capacity, sizeof(capacity), "%" PRId64, write->capacity);
    snprintf(cap, sizeof(cap), "%" PRId64, store_audit_max_length(store));
    {
        const char *keys[] = {lot_key, STORE_PREFIX "lots", audit_key, STORE_PREFIX "audit"};
        const char *args[] = {write->lot_id, write->static_json,          capacity, write->token_id,
                              write->client, store_change_channel(store), cap};
        result = store_script_run(store, STORE_SCRIPT_LOT_PUT, 4, keys, 7, args, NULL, on_lot_reply,
                                  call);
    }
    if (result != 0)
        free(call);
    return result;
}

int store_lot_delete(struct store *store, const char *lot_id, const char *token_id,
                     const char *client, store_lot_callback callback, void *data)
{
    char lot_key[KEY_SIZE], audit_key[KEY_SIZE], cap[32];
    struct lot_call *call = malloc(sizeof(*call));
    int result;

    if (call == NULL)
        return STORE_ERROR_NO_MEMORY;
    *call = (struct lot_call){callback, data};
    lot_keys(lot_id, lot_key, audit_key);
    snprintf(cap, sizeof(cap), "%" PRId64, store_audit_max_length(store));
    {
        const char *keys[] = {lot_key, STORE_PREFIX "lots", audit_key, STORE_PREFIX "audit"};
        const char *args[] = {lot_id, token_id, client, store_change_channel(store), cap};
        result = store_script_run(store, STORE_SCRIPT_LOT_DELETE, 4, keys, 5, args, NULL,
                                  on_lot_reply, call);
    }
    if (result != 0)
        free(call);
    return result;
}

/*
 * A load in progress: the ids from SMEMBERS, then one HMGET reply per id
 * filling records; the last reply (or the first failure) ends it.
 */
struct load_call {
    struct store *store;
    store_load_callback callback;
    void *data;
    char **ids;
    char **jsons;
    struct store_lot_record *records;
    size_t count;
    size_t answered;
    size_t present; /* records filled: a lot deleted meanwhile has none */
    bool failed;
};

struct load_item {
    struct load_call *load;
    size_t index;
};

static void load_free(struct load_call *load)
{
    for (size_t i = 0; i < load->count; i++) {
        free(load->ids[i]);
        free(load->jsons[i]);
    }
    free(load->ids);
    free(load->jsons);
    free(load->records);
    free(load);
}

static void load_finish(struct load_call *load)
{
    size_t filled = 0;
    if (!load->failed) {
        /* Compact: lots deleted between SMEMBERS and HMGET have no JSON. */
        for (size_t i = 0; i < load->count; i++) {
            if (load->jsons[i] != NULL)
                load->records[filled++] = load->records[i];
        }
    }
    load->callback(load->failed ? NULL : load->records, load->failed ? 0 : filled, !load->failed,
                   load->data);
    load_free(load);
}

static void on_lot_fields(redisReply *reply, void *data)
{
    struct load_item *item = data;
    struct load_call *load = item->load;
    size_t index = item->index;

    free(item);
    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY || reply->elements != 4)
        load->failed = true;
    else if (reply->element[0]->type == REDIS_REPLY_STRING) {
        load->jsons[index] = strndup(reply->element[0]->str, reply->element[0]->len);
        if (load->jsons[index] == NULL)
            load->failed = true;
        load->records[index] = (struct store_lot_record){
            load->ids[index], load->jsons[index], store_reply_integer(reply->element[1], -1),
            store_reply_integer(reply->element[2], 0), store_reply_integer(reply->element[3], -1)};
    }
    if (++load->answered == load->count)
        load_finish(load);
}

static int request_lot_fields(struct store *store, struct load_call *load, size_t index)
{
    char key[KEY_SIZE];
    struct load_item *item = malloc(sizeof(*item));
    const char *argv[] = {"HMGET", key, "json", "occupied", "version", "updated_at"};
    int result;

    if (item == NULL)
        return STORE_ERROR_NO_MEMORY;
    *item = (struct load_item){load, index};
    snprintf(key, sizeof(key), STORE_PREFIX "lot:%s", load->ids[index]);
    result = store_command(store, on_lot_fields, item, 6, argv, NULL);
    if (result != 0)
        free(item);
    return result;
}

static void on_lot_ids(redisReply *reply, void *data)
{
    struct load_call *load = data;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY) {
        load->failed = true;
        load_finish(load);
        return;
    }
    load->count = reply->elements;
    load->ids = calloc(load->count + 1, sizeof(char *));
    load->jsons = calloc(load->count + 1, sizeof(char *));
    load->records = calloc(load->count + 1, sizeof(*load->records));
    if (load->ids == NULL || load->jsons == NULL || load->records == NULL) {
        load->count = 0;
        load->failed = true;
        load_finish(load);
        return;
    }
    for (size_t i = 0; i < load->count; i++) {
        load->ids[i] = strndup(reply->element[i]->str, reply->element[i]->len);
        if (load->ids[i] == NULL)
            load->failed = true;
    }
    if (load->count == 0 || load->failed) {
        load_finish(load);
        return;
    }
    /* The HMGETs go out on the same link from within this reply callback. */
    for (size_t i = 0; i < load->count; i++) {
        if (request_lot_fields(load->store, load, i) != 0) {
            load->failed = true;
            load->answered += load->count - i;
            if (load->answered == load->count)
                load_finish(load);
            return;
        }
    }
}

int store_lots_load(struct store *store, store_load_callback callback, void *data)
{
    struct load_call *load = calloc(1, sizeof(*load));
    const char *argv[] = {"SMEMBERS", STORE_PREFIX "lots"};
    int result;

    if (load == NULL)
        return STORE_ERROR_NO_MEMORY;
    load->callback = callback;
    load->data = data;
    load->store = store;
    result = store_command(store, on_lot_ids, load, 2, argv, NULL);
    if (result != 0)
        free(load);
    return result;
}

struct claim_call {
    void (*callback)(enum store_outcome outcome, void *data);
    void *data;
};

static void on_claim_reply(redisReply *reply, void *data)
{
    struct claim_call *call = data;
    enum store_outcome outcome = STORE_OUTCOME_UNAVAILABLE;
    if (reply != NULL)
        outcome = reply->type == REDIS_REPLY_INTEGER
                      ? (reply->integer == 1 ? STORE_OUTCOME_OK : STORE_OUTCOME_EXISTS)
                      : STORE_OUTCOME_FAILED;
    call->callback(outcome, call->data);
    free(call);
}

int store_demo_claim(struct store *store, void (*callback)(enum store_outcome outcome, void *data),
                     void *data)
{
    const char *keys[] = {STORE_PREFIX "lots", STORE_PREFIX "demo"};
    struct claim_call *call = malloc(sizeof(*call));
    int result;

    if (call == NULL)
        return STORE_ERROR_NO_MEMORY;
    *call = (struct claim_call){callback, data};
    result = store_script_run(store, STORE_SCRIPT_DEMO_CLAIM, 2, keys, 0, NULL, NULL,
                              on_claim_reply, call);
    if (result != 0)
        free(call);
    return result;
}
