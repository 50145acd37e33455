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

/* Parse an array of XRANGE elements; NULL when out of memory or malformed. */
static struct store_audit_entry *parse_entries(const redisReply *list)
{
    struct store_audit_entry *entries = calloc(list->elements + 1, sizeof(*entries));

    for (size_t i = 0; entries != NULL && i < list->elements; i++) {
        if (parse_entry(list->element[i], &entries[i]) != 0) {
            free(entries);
            return NULL;
        }
    }
    return entries;
}

/* The script's {entries, resume}: resume "" when no entry follows as far as it looked. */
static void read_page(redisReply *reply, const struct store_recipient *recipient)
{
    store_audit_callback callback = (store_audit_callback)recipient->callback;
    struct store_audit_entry *entries = NULL;
    const redisReply *list, *resume;

    if (reply == NULL) {
        callback(STORE_OUTCOME_UNAVAILABLE, NULL, 0, NULL, recipient->data);
        return;
    }
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 2 &&
        reply->element[0]->type == REDIS_REPLY_ARRAY &&
        reply->element[1]->type == REDIS_REPLY_STRING)
        entries = parse_entries(reply->element[0]);
    if (entries == NULL) {
        callback(STORE_OUTCOME_FAILED, NULL, 0, NULL, recipient->data);
        return;
    }
    list = reply->element[0];
    resume = reply->element[1];
    callback(STORE_OUTCOME_OK, entries, list->elements, resume->len > 0 ? resume->str : NULL,
             recipient->data);
    free(entries);
}

int store_audit_query(struct store *store, const char *lot_id, const char *start, size_t limit,
                      size_t scan, store_audit_callback callback, void *data)
{
    char count[32], bound[32];
    const char *keys[] = {STORE_PREFIX "audit"};
    const char *arguments[] = {lot_id != NULL ? lot_id : "", start, count, bound};
    const struct store_request request = {.script = STORE_SCRIPT_AUDIT_LIST,
                                          .keys = STORE_WORDS(keys),
                                          .arguments = STORE_WORDS(arguments)};

    snprintf(count, sizeof(count), "%zu", limit);
    /* Every entry of the whole stream is wanted: looking at limit of them fills the page. */
    snprintf(bound, sizeof(bound), "%zu", lot_id != NULL ? scan : limit);
    return store_call(store, &request, read_page, (store_callback)callback, data);
}
