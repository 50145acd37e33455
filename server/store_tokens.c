/* store_tokens.c: bearer tokens in Redis, kept only as SHA-256 hashes. */
#include "store_tokens.h"

#include "log.h"
#include "store_private.h"

#include <stdio.h>
#include <stdlib.h>

#define KEY_SIZE 128

struct token_call {
    store_token_callback token_callback;
    store_outcome_callback outcome_callback;
    store_token_list_callback list_callback;
    void *data;
};

static struct token_call *token_call_new(void *data)
{
    struct token_call *call = calloc(1, sizeof(*call));
    if (call != NULL)
        call->data = data;
    return call;
}

static const char *element_text(const redisReply *reply)
{
    return reply->type == REDIS_REPLY_STRING ? reply->str : "";
}

static void on_lookup_reply(redisReply *reply, void *data)
{
    struct token_call *call = data;
    struct store_token token;

    if (reply == NULL) {
        call->token_callback(STORE_OUTCOME_UNAVAILABLE, NULL, call->data);
    } else if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 6) {
        log_error("store", "token lookup: unexpected reply");
        call->token_callback(STORE_OUTCOME_FAILED, NULL, call->data);
    } else if (reply->element[0]->type != REDIS_REPLY_STRING) {
        call->token_callback(STORE_OUTCOME_UNAUTHORIZED, NULL, call->data);
    } else {
        token =
            (struct store_token){element_text(reply->element[0]), element_text(reply->element[1]),
                                 element_text(reply->element[2]), element_text(reply->element[3]),
                                 element_text(reply->element[4]), element_text(reply->element[5])};
        call->token_callback(STORE_OUTCOME_OK, &token, call->data);
    }
    free(call);
}

int store_token_lookup(struct store *store, const char *token_hash, store_token_callback callback,
                       void *data)
{
    char key[KEY_SIZE];
    struct token_call *call = token_call_new(data);
    const char *argv[] = {"HMGET", key, "id", "role", "lots", "scope", "name", "created_at"};
    int result;

    if (call == NULL)
        return STORE_ERROR_NO_MEMORY;
    call->token_callback = callback;
    snprintf(key, sizeof(key), STORE_PREFIX "token:%s", token_hash);
    result = store_command(store, on_lookup_reply, call, 8, argv, NULL);
    if (result != 0)
        free(call);
    return result;
}

static void on_outcome_reply(redisReply *reply, void *data)
{
    struct token_call *call = data;
    call->outcome_callback(store_outcome_from_word(reply), call->data);
    free(call);
}

static int run_outcome_script(struct store *store, enum store_script script, int key_count,
                              const char **keys, int arg_count, const char **args,
                              store_outcome_callback callback, void *data)
{
    struct token_call *call = token_call_new(data);
    int result;

    if (call == NULL)
        return STORE_ERROR_NO_MEMORY;
    call->outcome_callback = callback;
    result = store_script_run(store, script, key_count, keys, arg_count, args, NULL,
                              on_outcome_reply, call);
    if (result != 0)
        free(call);
    return result;
}

int store_token_create(struct store *store, const char *token_hash, const struct store_token *token,
                       store_outcome_callback callback, void *data)
{
    char key[KEY_SIZE];
    const char *keys[] = {key, STORE_PREFIX "tokens"};
    const char *args[] = {token->id,   token->role,       token->lots, token->scope,
                          token->name, token->created_at, token_hash};

    snprintf(key, sizeof(key), STORE_PREFIX "token:%s", token_hash);
    return run_outcome_script(store, STORE_SCRIPT_TOKEN_CREATE, 2, keys, 7, args, callback, data);
}

int store_token_bootstrap(struct store *store, const char *token_hash, const char *id,
                          const char *name, const char *created_at, store_outcome_callback callback,
                          void *data)
{
    char key[KEY_SIZE];
    const char *keys[] = {key, STORE_PREFIX "tokens", STORE_PREFIX "revoked"};
    const char *args[] = {id, name, created_at, token_hash};

    snprintf(key, sizeof(key), STORE_PREFIX "token:%s", token_hash);
    return run_outcome_script(store, STORE_SCRIPT_TOKEN_BOOTSTRAP, 3, keys, 4, args, callback,
                              data);
}

int store_token_revoke(struct store *store, const char *id, store_outcome_callback callback,
                       void *data)
{
    const char *keys[] = {STORE_PREFIX "tokens", STORE_PREFIX "revoked"};
    const char *args[] = {id, STORE_PREFIX "token:"};
    return run_outcome_script(store, STORE_SCRIPT_TOKEN_REVOKE, 2, keys, 2, args, callback, data);
}

static void on_list_reply(redisReply *reply, void *data)
{
    struct token_call *call = data;
    struct store_token *tokens = NULL;
    size_t count;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY || reply->elements % 5 != 0) {
        call->list_callback(reply == NULL ? STORE_OUTCOME_UNAVAILABLE : STORE_OUTCOME_FAILED, NULL,
                            0, call->data);
        free(call);
        return;
    }
    count = reply->elements / 5;
    tokens = calloc(count + 1, sizeof(*tokens));
    if (tokens == NULL) {
        call->list_callback(STORE_OUTCOME_FAILED, NULL, 0, call->data);
        free(call);
        return;
    }
    for (size_t i = 0; i < count; i++) {
        redisReply **fields = reply->element + i * 5;
        tokens[i] = (struct store_token){element_text(fields[0]), element_text(fields[1]),
                                         element_text(fields[2]), "",
                                         element_text(fields[3]), element_text(fields[4])};
    }
    call->list_callback(STORE_OUTCOME_OK, tokens, count, call->data);
    free(tokens);
    free(call);
}

int store_token_list(struct store *store, store_token_list_callback callback, void *data)
{
    struct token_call *call = token_call_new(data);
    const char *keys[] = {STORE_PREFIX "tokens"};
    const char *args[] = {STORE_PREFIX "token:"};
    int result;

    if (call == NULL)
        return STORE_ERROR_NO_MEMORY;
    call->list_callback = callback;
    result = store_script_run(store, STORE_SCRIPT_TOKEN_LIST, 1, keys, 1, args, NULL, on_list_reply,
                              call);
    if (result != 0)
        free(call);
    return result;
}
