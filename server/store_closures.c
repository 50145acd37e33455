/* store_closures.c: a lot's announced closures in Redis: announce and withdraw, atomically. */
#include "store_closures.h"

#include "log.h"
#include "store_private.h"

#include <inttypes.h>
#include <stdio.h>

static const char component[] = "store";

#define KEY_SIZE 256

static void read_closure_write(redisReply *reply, const struct store_recipient *recipient)
{
    store_closure_callback callback = (store_closure_callback)recipient->callback;
    struct store_closure_result result = {store_outcome_missing(recipient), NULL, NULL, 0, NULL};

    if (reply != NULL && reply->type == REDIS_REPLY_ARRAY && reply->elements >= 2 &&
        reply->element[1]->type == REDIS_REPLY_STRING) {
        result.outcome = store_outcome_from_word(reply->element[0]);
        if (result.outcome == STORE_OUTCOME_OK || result.outcome == STORE_OUTCOME_REPLAYED)
            result.closure = reply->element[1]->str;
        else
            result.detail = reply->element[1]->str;
        if (result.outcome == STORE_OUTCOME_OK && reply->elements == 4 &&
            reply->element[3]->type == REDIS_REPLY_STRING) {
            result.version = store_reply_integer(reply->element[2], 0);
            result.closures = reply->element[3]->str;
        }
    } else if (reply != NULL) {
        log_error(component, "closure script: %s",
                  reply->type == REDIS_REPLY_ERROR ? reply->str : "unexpected reply");
        result.outcome = STORE_OUTCOME_FAILED;
    }
    callback(&result, recipient->data);
}

/* The keys both scripts start with: the lot and the token (then the audit stream of every lot). */
struct closure_keys {
    char lot[KEY_SIZE], token[KEY_SIZE];
};

static void fill_keys(struct closure_keys *keys, const struct store_closure_write *write)
{
    snprintf(keys->lot, sizeof(keys->lot), STORE_PREFIX "lot:%s", write->lot_id);
    snprintf(keys->token, sizeof(keys->token), STORE_PREFIX "token:%s", write->token_hash);
}

int store_closure_announce(struct store *store, const struct store_closure_write *write,
                           int max_per_lot, store_closure_callback callback, void *data)
{
    struct closure_keys names;
    char idempotency_key[KEY_SIZE + 160], ttl[32], cap[32], most[16];
    const char *keys[] = {names.lot, names.token, STORE_PREFIX "audit", idempotency_key};
    const char *arguments[] = {write->lot_id,
                               write->record_json,
                               write->idempotency_key ? "1" : "0",
                               write->record_json,
                               ttl,
                               write->client,
                               store_change_channel(store),
                               cap,
                               most,
                               write->from_text,
                               write->to_text};
    const struct store_request request = {.script = STORE_SCRIPT_CLOSURE_ADD,
                                          .keys = STORE_WORDS(keys),
                                          .arguments = STORE_WORDS(arguments)};

    fill_keys(&names, write);
    /* The occupancy keys' space, told apart by a word no idempotency key can hold. */
    snprintf(idempotency_key, sizeof(idempotency_key), STORE_PREFIX "replay:%s:closure %s",
             write->lot_id, write->idempotency_key ? write->idempotency_key : "");
    snprintf(ttl, sizeof(ttl), "%" PRId64, store_idempotency_ttl(store));
    snprintf(cap, sizeof(cap), "%" PRId64, store_audit_max_length(store));
    snprintf(most, sizeof(most), "%d", max_per_lot);
    return store_call(store, &request, read_closure_write, (store_callback)callback, data);
}

int store_closure_withdraw(struct store *store, const struct store_closure_write *write,
                           store_closure_callback callback, void *data)
{
    struct closure_keys names;
    char cap[32];
    const char *keys[] = {names.lot, names.token, STORE_PREFIX "audit"};
    const char *arguments[] = {write->lot_id, write->closure_id, write->client,
                               store_change_channel(store), cap};
    const struct store_request request = {.script = STORE_SCRIPT_CLOSURE_WITHDRAW,
                                          .keys = STORE_WORDS(keys),
                                          .arguments = STORE_WORDS(arguments)};

    fill_keys(&names, write);
    snprintf(cap, sizeof(cap), "%" PRId64, store_audit_max_length(store));
    return store_call(store, &request, read_closure_write, (store_callback)callback, data);
}
