/* store_audit.c: reading the audit streams of who changed what. */
#include "store_audit.h"

#include "store_private.h"

#include <stdio.h>
#include <stdlib.h>

/* One XRANGE element: [id, [name, value, ...]]. */
static int parse_entry(const redisReply *element, struct store_audit_entry *entry)
{
    const redisReply *fields;
    if (element->type != REDIS_REPLY_ARRAY || element->elements != 2 ||
        element->element[0]->type != REDIS_REPLY_STRING ||
        element->element[1]->type != REDIS_REPLY_ARRAY)
        return -1;
    entry->id = element->element[0]->str;
    entry->time_ms = strtoll(entry->id, NULL, 10);
    fields = element->element[1];
    entry->field_count = 0;
    for (size_t i = 0; i + 1 < fields->elements && entry->field_count < STORE_AUDIT_MAX_FIELDS;
         i += 2) {
        if (fields->element[i]->type != REDIS_REPLY_STRING ||
            fields->element[i + 1]->type != REDIS_REPLY_STRING)
            return -1;
        entry->names[entry->field_count] = fields->element[i]->str;
        entry->values[entry->field_count] = fields->element[i + 1]->str;
        entry->field_count++;
    }
    return 0;
}

static void read_range(redisReply *reply, const struct store_recipient *recipient)
{
    store_audit_callback callback = (store_audit_callback)recipient->callback;
    struct store_audit_entry *entries = NULL;
    enum store_outcome outcome = STORE_OUTCOME_OK;

    if (reply == NULL) {
        outcome = STORE_OUTCOME_UNAVAILABLE;
    } else if (reply->type != REDIS_REPLY_ARRAY) {
        outcome = STORE_OUTCOME_FAILED;
    } else {
        entries = calloc(reply->elements + 1, sizeof(*entries));
        if (entries == NULL)
            outcome = STORE_OUTCOME_FAILED;
        for (size_t i = 0; entries != NULL && i < reply->elements; i++) {
            if (parse_entry(reply->element[i], &entries[i]) != 0)
                outcome = STORE_OUTCOME_FAILED;
        }
    }
    if (outcome == STORE_OUTCOME_OK)
        callback(outcome, entries, reply->elements, recipient->data);
    else
        callback(outcome, NULL, 0, recipient->data);
    free(entries);
}

int store_audit_query(struct store *store, const char *lot_id, const char *start, size_t limit,
                      store_audit_callback callback, void *data)
{
    char key[128], count[32];
    const char *command[] = {"XRANGE", key, start, "+", "COUNT", count};
    const struct store_request request = {.script = STORE_SCRIPT_NONE,
                                          .arguments = STORE_WORDS(command)};

    if (lot_id != NULL)
        snprintf(key, sizeof(key), STORE_PREFIX "audit:%s", lot_id);
    else
        snprintf(key, sizeof(key), STORE_PREFIX "audit");
    snprintf(count, sizeof(count), "%zu", limit);
    return store_call(store, &request, read_range, (store_callback)callback, data);
}
