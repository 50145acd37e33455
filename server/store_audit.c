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

/* Where the next page starts: after a full page's last entry. */
static const char *resume_after(const struct store_audit_entry *entries, size_t count, size_t limit)
{
    return count == limit && count > 0 ? entries[count - 1].id : NULL;
}

static void reply_entries(redisReply *reply, const struct store_recipient *recipient, size_t limit)
{
    store_audit_callback callback = (store_audit_callback)recipient->callback;
    const redisReply *list = reply, *resume = NULL;
    struct store_audit_entry *entries = NULL;

    if (reply == NULL) {
        callback(STORE_OUTCOME_UNAVAILABLE, NULL, 0, NULL, recipient->data);
        return;
    }
    /* A lot's search answers {entries, resume}; the whole stream, entries. */
    if (limit == 0 && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2) {
        list = reply->element[0];
        resume = reply->element[1];
    }
    if (list->type == REDIS_REPLY_ARRAY && (resume == NULL || resume->type == REDIS_REPLY_STRING))
        entries = parse_entries(list);
    if (entries == NULL || (limit == 0 && resume == NULL)) {
        callback(STORE_OUTCOME_FAILED, NULL, 0, NULL, recipient->data);
    } else {
        const char *next = resume != NULL ? (resume->len > 0 ? resume->str : NULL)
                                          : resume_after(entries, list->elements, limit);
        callback(STORE_OUTCOME_OK, entries, list->elements, next, recipient->data);
    }
    free(entries);
}

/* The stream of all lots: the page's size travels in the recipient's data. */
struct range_read {
    store_audit_callback callback;
    void *data;
    size_t limit;
};

static void read_range(redisReply *reply, const struct store_recipient *recipient)
{
    struct range_read *read = recipient->data;
    struct store_recipient inner = {.callback = (store_callback)read->callback, .data = read->data};

    reply_entries(reply, &inner, read->limit);
    free(read);
}

static void read_lot(redisReply *reply, const struct store_recipient *recipient)
{
    reply_entries(reply, recipient, 0);
}

int store_audit_query(struct store *store, const char *lot_id, const char *start, size_t limit,
                      size_t scan, store_audit_callback callback, void *data)
{
    char count[32], bound[32];
    const char *range[] = {"XRANGE", STORE_PREFIX "audit", start, "+", "COUNT", count};
    const char *keys[] = {STORE_PREFIX "audit"};
    const char *arguments[] = {lot_id, start, count, bound};
    struct range_read *read;
    int result;

    snprintf(count, sizeof(count), "%zu", limit);
    snprintf(bound, sizeof(bound), "%zu", scan);
    if (lot_id != NULL) {
        const struct store_request request = {.script = STORE_SCRIPT_AUDIT_LIST,
                                              .keys = STORE_WORDS(keys),
                                              .arguments = STORE_WORDS(arguments)};
        return store_call(store, &request, read_lot, (store_callback)callback, data);
    }
    read = malloc(sizeof(*read));
    if (read == NULL)
        return STORE_ERROR_NO_MEMORY;
    *read = (struct range_read){callback, data, limit};
    const struct store_request request = {.script = STORE_SCRIPT_NONE,
                                          .arguments = STORE_WORDS(range)};
    result = store_call(store, &request, read_range, NULL, read);
    if (result != 0)
        free(read);
    return result;
}
