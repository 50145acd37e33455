/* store_groups.c: the names of areas (groups of lots) in Redis, shared by every daemon. */
#include "store_groups.h"

#include "store_private.h"

#include <inttypes.h>
#include <stdio.h>

#define KEY_SIZE 128

/* Run a group script on KEYS ps:group:{id}, ps:groups, ps:audit. */
static int run_group_script(struct store *store, enum store_script script, const char *id,
                            struct store_words arguments, store_outcome_callback callback,
                            void *data)
{
    char key[KEY_SIZE];
    const char *keys[] = {key, STORE_PREFIX "groups", STORE_PREFIX "audit"};
    const struct store_request request = {
        .script = script, .keys = STORE_WORDS(keys), .arguments = arguments};

    snprintf(key, sizeof(key), STORE_PREFIX "group:%s", id);
    return store_call(store, &request, store_read_outcome, (store_callback)callback, data);
}

int store_group_put(struct store *store, const char *id, const char *json,
                    const struct store_group_author *author, store_outcome_callback callback,
                    void *data)
{
    char cap[24];
    const char *arguments[] = {
        id, json, author->token_id, author->client, store_change_channel(store), cap};

    snprintf(cap, sizeof(cap), "%" PRId64, store_audit_max_length(store));
    return run_group_script(store, STORE_SCRIPT_GROUP_PUT, id, STORE_WORDS(arguments), callback,
                            data);
}

int store_group_delete(struct store *store, const char *id, const struct store_group_author *author,
                       store_outcome_callback callback, void *data)
{
    char cap[24];
    const char *arguments[] = {id, author->token_id, author->client, store_change_channel(store),
                               cap};

    snprintf(cap, sizeof(cap), "%" PRId64, store_audit_max_length(store));
    return run_group_script(store, STORE_SCRIPT_GROUP_DELETE, id, STORE_WORDS(arguments), callback,
                            data);
}

static void read_group(redisReply *reply, const struct store_recipient *recipient)
{
    store_group_callback callback = (store_group_callback)recipient->callback;
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

int store_group_get(struct store *store, const char *id, store_group_callback callback, void *data)
{
    char key[KEY_SIZE];
    const char *command[] = {"GET", key};
    const struct store_request request = {
        .script = STORE_SCRIPT_NONE, .arguments = STORE_WORDS(command), .id = id};

    snprintf(key, sizeof(key), STORE_PREFIX "group:%s", id);
    return store_call(store, &request, read_group, (store_callback)callback, data);
}

/* {ids, values}: one callback per group, then the end. */
static void read_groups(redisReply *reply, const struct store_recipient *recipient)
{
    store_group_callback callback = (store_group_callback)recipient->callback;
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

int store_groups_load(struct store *store, store_group_callback callback, void *data)
{
    /* calendar_load.lua reads any set of ids and their string keys. */
    return store_call_over_set(store, STORE_SCRIPT_CALENDAR_LOAD, STORE_PREFIX "groups",
                               STORE_PREFIX "group:", read_groups, (store_callback)callback, data);
}
