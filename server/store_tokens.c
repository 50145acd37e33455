/* store_tokens.c: bearer tokens in Redis, kept only as SHA-256 hashes. */
#include "store_tokens.h"

#include "log.h"
#include "store_private.h"

#include <stdio.h>
#include <stdlib.h>

#define KEY_SIZE 128

static const char *element_text(const redisReply *reply)
{
    return reply->type == REDIS_REPLY_STRING ? reply->str : "";
}

static void read_token(redisReply *reply, const struct store_recipient *recipient)
{
    store_token_callback callback = (store_token_callback)recipient->callback;
    struct store_token token;

    if (reply == NULL) {
        callback(STORE_OUTCOME_UNAVAILABLE, NULL, recipient->data);
    } else if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 6) {
        log_error("store", "token lookup: unexpected reply");
        callback(STORE_OUTCOME_FAILED, NULL, recipient->data);
    } else if (reply->element[0]->type != REDIS_REPLY_STRING) {
        callback(STORE_OUTCOME_UNAUTHORIZED, NULL, recipient->data);
    } else {
        token =
            (struct store_token){element_text(reply->element[0]), element_text(reply->element[1]),
                                 element_text(reply->element[2]), element_text(reply->element[3]),
                                 element_text(reply->element[4]), element_text(reply->element[5])};
        callback(STORE_OUTCOME_OK, &token, recipient->data);
    }
}

int store_token_lookup(struct store *store, const char *token_hash, store_token_callback callback,
                       void *data)
{
    char key[KEY_SIZE];
    const char *command[] = {"HMGET", key, "id", "role", "lots", "scope", "name", "created_at"};
    const struct store_request request = {.script = STORE_SCRIPT_NONE,
                                          .arguments = STORE_WORDS(command)};

    snprintf(key, sizeof(key), STORE_PREFIX "token:%s", token_hash);
    return store_call(store, &request, read_token, (store_callback)callback, data);
}

static int run_outcome_script(struct store *store, enum store_script script,
                              struct store_words keys, struct store_words arguments,
                              store_outcome_callback callback, void *data)
{
    const struct store_request request = {.script = script, .keys = keys, .arguments = arguments};
    return store_call(store, &request, store_read_outcome, (store_callback)callback, data);
}

int store_token_create(struct store *store, const char *token_hash, const struct store_token *token,
                       store_outcome_callback callback, void *data)
{
    char key[KEY_SIZE];
    const char *keys[] = {key, STORE_PREFIX "tokens"};
    const char *arguments[] = {token->id,   token->role,       token->lots, token->scope,
                               token->name, token->created_at, token_hash};

    snprintf(key, sizeof(key), STORE_PREFIX "token:%s", token_hash);
    return run_outcome_script(store, STORE_SCRIPT_TOKEN_CREATE, STORE_WORDS(keys),
                              STORE_WORDS(arguments), callback, data);
}

int store_token_bootstrap(struct store *store, const char *token_hash, const char *id,
                          const char *name, const char *created_at, store_outcome_callback callback,
                          void *data)
{
    char key[KEY_SIZE];
    const char *keys[] = {key, STORE_PREFIX "tokens", STORE_PREFIX "revoked"};
    const char *arguments[] = {id, name, created_at, token_hash};

    snprintf(key, sizeof(key), STORE_PREFIX "token:%s", token_hash);
    return run_outcome_script(store, STORE_SCRIPT_TOKEN_BOOTSTRAP, STORE_WORDS(keys),
                              STORE_WORDS(arguments), callback, data);
}

int store_token_revoke(struct store *store, const char *id, store_outcome_callback callback,
                       void *data)
{
    const char *keys[] = {STORE_PREFIX "tokens", STORE_PREFIX "revoked"};
    const char *arguments[] = {id, STORE_PREFIX "token:"};
    return run_outcome_script(store, STORE_SCRIPT_TOKEN_REVOKE, STORE_WORDS(keys),
                              STORE_WORDS(arguments), callback, data);
}

static void read_token_list(redisReply *reply, const struct store_recipient *recipient)
{
    store_token_list_callback callback = (store_token_list_callback)recipient->callback;
    struct store_token *tokens = NULL;
    size_t count;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY || reply->elements % 5 != 0) {
        callback(reply == NULL ? STORE_OUTCOME_UNAVAILABLE : STORE_OUTCOME_FAILED, NULL, 0,
                 recipient->data);
        return;
    }
    count = reply->elements / 5;
    tokens = calloc(count + 1, sizeof(*tokens));
    if (tokens == NULL) {
        callback(STORE_OUTCOME_FAILED, NULL, 0, recipient->data);
        return;
    }
    for (size_t i = 0; i < count; i++) {
        redisReply **fields = reply->element + i * 5;
        tokens[i] = (struct store_token){element_text(fields[0]), element_text(fields[1]),
                                         element_text(fields[2]), "",
                                         element_text(fields[3]), element_text(fields[4])};
    }
    callback(STORE_OUTCOME_OK, tokens, count, recipient->data);
    free(tokens);
}

int store_token_list(struct store *store, store_token_list_callback callback, void *data)
{
    return store_call_over_set(store, STORE_SCRIPT_TOKEN_LIST, STORE_PREFIX "tokens",
                               STORE_PREFIX "token:", read_token_list, (store_callback)callback,
                               data);
}
