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

int store_calendar_get(struct store *store, const char *id, store_calendar_callback callback,
                       void *data)
{
    return store_document_get(store, STORE_PREFIX "calendar:", id, callback, data);
}

int store_calendars_load(struct store *store, store_calendar_callback callback, void *data)
{
    return store_documents_load(store, STORE_PREFIX "calendars", STORE_PREFIX "calendar:", callback,
                                data);
}
