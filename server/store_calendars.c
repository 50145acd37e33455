/* store_calendars.c: holiday calendars in Redis, shared by every daemon. */
#include "store_calendars.h"

#include "store_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_SIZE 128

struct calendar_call {
    store_calendar_put_callback put_callback;
    store_calendar_callback callback;
    void *data;
    char id[80];
};

static struct calendar_call *call_new(const char *id, void *data)
{
    struct calendar_call *call = calloc(1, sizeof(*call));
    if (call != NULL) {
        call->data = data;
        snprintf(call->id, sizeof(call->id), "%s", id ? id : "");
    }
    return call;
}

static void on_put_reply(redisReply *reply, void *data)
{
    struct calendar_call *call = data;
    call->put_callback(store_outcome_from_word(reply), call->data);
    free(call);
}

int store_calendar_put(struct store *store, const char *id, const char *json, bool only_when_absent,
                       store_calendar_put_callback callback, void *data)
{
    char key[KEY_SIZE];
    struct calendar_call *call = call_new(id, data);
    const char *keys[] = {key, STORE_PREFIX "calendars"};
    const char *args[] = {id, json, store_change_channel(store), only_when_absent ? "1" : "0"};
    int result;

    if (call == NULL)
        return STORE_ERROR_NO_MEMORY;
    call->put_callback = callback;
    snprintf(key, sizeof(key), STORE_PREFIX "calendar:%s", id);
    result = store_script_run(store, STORE_SCRIPT_CALENDAR_PUT, 2, keys, 4, args, NULL,
                              on_put_reply, call);
    if (result != 0)
        free(call);
    return result;
}

int store_calendar_delete(struct store *store, const char *id, store_calendar_put_callback callback,
                          void *data)
{
    char key[KEY_SIZE];
    struct calendar_call *call = call_new(id, data);
    const char *keys[] = {key, STORE_PREFIX "calendars"};
    const char *args[] = {id, store_change_channel(store)};
    int result;

    if (call == NULL)
        return STORE_ERROR_NO_MEMORY;
    call->put_callback = callback;
    snprintf(key, sizeof(key), STORE_PREFIX "calendar:%s", id);
    result = store_script_run(store, STORE_SCRIPT_CALENDAR_DELETE, 2, keys, 2, args, NULL,
                              on_put_reply, call);
    if (result != 0)
        free(call);
    return result;
}

static void on_get_reply(redisReply *reply, void *data)
{
    struct calendar_call *call = data;
    if (reply == NULL)
        call->callback(STORE_OUTCOME_UNAVAILABLE, call->id, NULL, call->data);
    else if (reply->type == REDIS_REPLY_STRING)
        call->callback(STORE_OUTCOME_OK, call->id, reply->str, call->data);
    else if (reply->type == REDIS_REPLY_NIL)
        call->callback(STORE_OUTCOME_NOT_FOUND, call->id, NULL, call->data);
    else
        call->callback(STORE_OUTCOME_FAILED, call->id, NULL, call->data);
    free(call);
}

int store_calendar_get(struct store *store, const char *id, store_calendar_callback callback,
                       void *data)
{
    char key[KEY_SIZE];
    struct calendar_call *call = call_new(id, data);
    const char *argv[] = {"GET", key};
    int result;

    if (call == NULL)
        return STORE_ERROR_NO_MEMORY;
    call->callback = callback;
    snprintf(key, sizeof(key), STORE_PREFIX "calendar:%s", id);
    result = store_command(store, on_get_reply, call, 2, argv, NULL);
    if (result != 0)
        free(call);
    return result;
}

/* {ids, values}: one callback per calendar, then the end. */
static void on_values(redisReply *reply, void *data)
{
    struct calendar_call *call = data;
    redisReply *ids = NULL;
    enum store_outcome outcome = STORE_OUTCOME_OK;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2)
        outcome = reply == NULL ? STORE_OUTCOME_UNAVAILABLE : STORE_OUTCOME_FAILED;
    else
        ids = reply->element[0];
    for (size_t i = 0; ids != NULL && ids->type == REDIS_REPLY_ARRAY && i < ids->elements; i++) {
        redisReply *values = reply->element[1];
        if (values->type == REDIS_REPLY_ARRAY && i < values->elements &&
            values->element[i]->type == REDIS_REPLY_STRING)
            call->callback(STORE_OUTCOME_OK, ids->element[i]->str, values->element[i]->str,
                           call->data);
    }
    call->callback(outcome, NULL, NULL, call->data);
    free(call);
}

int store_calendars_load(struct store *store, store_calendar_callback callback, void *data)
{
    struct calendar_call *call = call_new(NULL, data);
    const char *keys[] = {STORE_PREFIX "calendars"};
    const char *args[] = {STORE_PREFIX "calendar:"};
    int result;

    if (call == NULL)
        return STORE_ERROR_NO_MEMORY;
    call->callback = callback;
    result = store_script_run(store, STORE_SCRIPT_CALENDAR_LOAD, 1, keys, 1, args, NULL, on_values,
                              call);
    if (result != 0)
        free(call);
    return result;
}
