/* store_reply.c: reading Redis' replies: integers, the scripts' outcome words, documents by id. */
#include "log.h"
#include "store_private.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char component[] = "store";

int64_t store_reply_integer(const redisReply *reply, int64_t fallback)
{
    char *end = NULL;
    long long value;

    if (reply == NULL)
        return fallback;
    if (reply->type == REDIS_REPLY_INTEGER)
        return reply->integer;
    if (reply->type != REDIS_REPLY_STRING || reply->len == 0)
        return fallback;
    value = strtoll(reply->str, &end, 10);
    return *end == '\0' ? value : fallback;
}

/* Whether reply is a string (status or bulk) equal to text. */
static bool reply_is(const redisReply *reply, const char *text)
{
    return reply != NULL &&
           (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS) &&
           strcmp(reply->str, text) == 0;
}

enum store_outcome store_outcome_from_word(const redisReply *reply)
{
    static const struct {
        const char *word;
        enum store_outcome outcome;
    } words[] = {
        {"ok", STORE_OUTCOME_OK},
        {"replay", STORE_OUTCOME_REPLAYED},
        {"created", STORE_OUTCOME_CREATED},
        {"replaced", STORE_OUTCOME_REPLACED},
        {"deleted", STORE_OUTCOME_OK},
        {"revoked", STORE_OUTCOME_REVOKED},
        {"exists", STORE_OUTCOME_EXISTS},
        {"unauthorized", STORE_OUTCOME_UNAUTHORIZED},
        {"forbidden", STORE_OUTCOME_FORBIDDEN},
        {"not-found", STORE_OUTCOME_NOT_FOUND},
        {"mismatch", STORE_OUTCOME_KEY_REUSED},
        {"over-capacity", STORE_OUTCOME_OVER_CAPACITY},
        {"no-space", STORE_OUTCOME_NO_SPACE},
    };
    if (reply == NULL)
        return STORE_OUTCOME_UNAVAILABLE;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (reply_is(reply, words[i].word))
            return words[i].outcome;
    }
    log_error(component, "unexpected reply from Redis: %s",
              reply->type == REDIS_REPLY_ERROR ? reply->str : "(not an outcome)");
    return STORE_OUTCOME_FAILED;
}

void store_read_outcome(redisReply *reply, const struct store_recipient *recipient)
{
    store_outcome_callback callback = (store_outcome_callback)recipient->callback;
    callback(reply != NULL ? store_outcome_from_word(reply) : store_outcome_missing(recipient),
             recipient->data);
}

static void read_document(redisReply *reply, const struct store_recipient *recipient)
{
    store_document_callback callback = (store_document_callback)recipient->callback;
    const char *id = recipient->id;

    if (reply == NULL)
        callback(STORE_OUTCOME_UNAVAILABLE, id, NULL, recipient->data);
    else if (reply->type == REDIS_REPLY_STRING)
        callback(STORE_OUTCOME_OK, id, reply->str, recipient->data);
    else if (reply->type == REDIS_REPLY_NIL)
        callback(STORE_OUTCOME_NOT_FOUND, id, NULL, recipient->data);
    else
        callback(STORE_OUTCOME_FAILED, id, NULL, recipient->data);
}

int store_document_get(struct store *store, const char *prefix, const char *id,
                       store_document_callback callback, void *data)
{
    char key[128]; /* a prefix and an id of at most WIRE_ID_MAX */
    const char *command[] = {"GET", key};
    const struct store_request request = {
        .script = STORE_SCRIPT_NONE, .arguments = STORE_WORDS(command), .id = id};

    snprintf(key, sizeof(key), "%s%s", prefix, id);
    return store_call(store, &request, read_document, (store_callback)callback, data);
}

/* {ids, values}: one callback per document that has a value, then the end. */
static void read_documents(redisReply *reply, const struct store_recipient *recipient)
{
    store_document_callback callback = (store_document_callback)recipient->callback;
    redisReply *ids = NULL;
    enum store_outcome outcome = STORE_OUTCOME_OK;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2)
        outcome = reply == NULL ? STORE_OUTCOME_UNAVAILABLE : STORE_OUTCOME_FAILED;
    else
        ids = reply->element[0];
    for (size_t i = 0; ids != NULL && ids->type == REDIS_REPLY_ARRAY && i < ids->elements; i++) {
        redisReply *values = reply->element[1];
        if (values->type == REDIS_REPLY_ARRAY && i < values->elements &&
            values->element[i]->type == REDIS_REPLY_STRING && values->element[i]->len > 0)
            callback(STORE_OUTCOME_OK, ids->element[i]->str, values->element[i]->str,
                     recipient->data);
    }
    callback(outcome, NULL, NULL, recipient->data);
}

int store_documents_load(struct store *store, const char *set_key, const char *prefix,
                         store_document_callback callback, void *data)
{
    /* calendar_load.lua reads any set of ids and their string keys. */
    return store_call_over_set(store, STORE_SCRIPT_CALENDAR_LOAD, set_key, prefix, read_documents,
                               (store_callback)callback, data);
}
