/* store_calendars.c: holiday calendars in Redis, shared by every daemon. */
#include "store_calendars.h"

#include "store_private.h"

#include <stdio.h>

#define KEY_SIZE 128

/* Run a calendar script on KEYS ps:calendar:{id}, ps:calendars. */
static int run_calendar_script(struct store *store, enum store_script script, const char *id,
                               struct store_words arguments, store_outcome_callback callback,
                               void *data)
{
    char key[KEY_SIZE];
    const char *keys[] = {key, STORE_PREFIX "calendars"};
    const struct store_request request = {
        .script = script, .keys = STORE_WORDS(keys), .arguments = arguments};

    snprintf(key, sizeof(key), STORE_PREFIX "calendar:%s", id);
    return store_call(store, &request, store_read_outcome, (store_callback)callback, data);
}

int store_calendar_put(struct store *store, const char *id, const char *json, bool only_when_absent,
                       store_outcome_callback callback, void *data)
{
    const char *arguments[] = {id, json, store_change_channel(store), only_when_absent ? "1" : "0"};
    return run_calendar_script(store, STORE_SCRIPT_CALENDAR_PUT, id, STORE_WORDS(arguments),
                               callback, data);
}

int store_calendar_delete(struct store *store, const char *id, store_outcome_callback callback,
                          void *data)
{
    const char *arguments[] = {id, store_change_channel(store)};
    return run_calendar_script(store, STORE_SCRIPT_CALENDAR_DELETE, id, STORE_WORDS(arguments),
                               callback, data);
}

static void read_calendar(redisReply *reply, const struct store_recipient *recipient)
{
    store_calendar_callback callback = (store_calendar_callback)recipient->callback;
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

int store_calendar_get(struct store *store, const char *id, store_calendar_callback callback,
                       void *data)
{
    char key[KEY_SIZE];
    const char *command[] = {"GET", key};
    const struct store_request request = {
        .script = STORE_SCRIPT_NONE, .arguments = STORE_WORDS(command), .id = id};

    snprintf(key, sizeof(key), STORE_PREFIX "calendar:%s", id);
    return store_call(store, &request, read_calendar, (store_callback)callback, data);
}

/* {ids, values}: one callback per calendar, then the end. */
static void read_calendars(redisReply *reply, const struct store_recipient *recipient)
{
    store_calendar_callback callback = (store_calendar_callback)recipient->callback;
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
            callback(STORE_OUTCOME_OK, ids->element[i]->str, values->element[i]->str,
                     recipient->data);
    }
    callback(outcome, NULL, NULL, recipient->data);
}

int store_calendars_load(struct store *store, store_calendar_callback callback, void *data)
{
    return store_call_over_set(store, STORE_SCRIPT_CALENDAR_LOAD, STORE_PREFIX "calendars",
                               STORE_PREFIX "calendar:", read_calendars, (store_callback)callback,
                               data);
}
