/* api_audit.c: GET /v1/audit: who changed what, when, from what to what. */
#include "api_audit.h"

#include "civil.h"
#include "endpoint.h"
#include "lot.h"
#include "store_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUDIT_LIMIT_DEFAULT 100
#define AUDIT_LIMIT_MAX     1000

/* Tests lower how far one read of a lot's entries looks, to see it page. */
#define AUDIT_SCAN_ENV "PARKSHARE_TEST_AUDIT_SCAN"

struct audit_query {
    struct http_exchange *exchange;
    size_t limit;
};

/* How many entries of the stream a read of one lot's entries looks at. */
static size_t audit_scan(void)
{
    const char *text = getenv(AUDIT_SCAN_ENV);
    long value = text != NULL ? strtol(text, NULL, 10) : 0;
    return value > 0 ? (size_t)value : STORE_AUDIT_SCAN_DEFAULT;
}

/* Audit values are text in Redis; numbers become numbers, "" becomes null. */
static json_t *audit_value(const char *name, const char *value)
{
    static const char *const numeric[] = {"old",     "new",          "requested",
                                          "version", "old_capacity", "capacity"};
    char *end = NULL;
    if (strcmp(name, "clamped") == 0)
        return json_boolean(strcmp(value, "1") == 0);
    for (size_t i = 0; i < sizeof(numeric) / sizeof(numeric[0]); i++) {
        if (strcmp(name, numeric[i]) != 0)
            continue;
        if (value[0] == '\0')
            return json_null();
        long long number = strtoll(value, &end, 10);
        return *end == '\0' ? json_integer(number) : json_string(value);
    }
    return json_string(value);
}

/*
 * Every lot entry carries every field, "" where it does not apply (the
 * stream stores such entries compactly); those are left out of the answer.
 * An empty "old" or "new" says something (no count yet) and stays, as null.
 */
static bool audit_field_applies(const char *name, const char *value)
{
    static const char *const optional[] = {"requested", "old_capacity", "capacity"};
    if (value[0] != '\0')
        return true;
    for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
        if (strcmp(name, optional[i]) == 0)
            return false;
    }
    return true;
}

static void on_audit(enum store_outcome outcome, const struct store_audit_entry *entries,
                     size_t count, const char *resume, void *data)
{
    struct audit_query *query = data;
    json_t *list = json_array(), *document;
    char time_text[25];

    if (outcome != STORE_OUTCOME_OK) {
        json_decref(list);
        if (outcome == STORE_OUTCOME_UNAVAILABLE)
            endpoint_reply_store_unavailable(query->exchange);
        else
            http_reply_problem(query->exchange, PROBLEM_INTERNAL, "the audit could not be read");
        free(query);
        return;
    }
    for (size_t i = 0; list != NULL && i < count; i++) {
        json_t *entry = json_object();
        civil_format_utc_ms(entries[i].time_ms, time_text);
        json_object_set_new(entry, "id", json_string(entries[i].id));
        json_object_set_new(entry, "time", json_string(time_text));
        for (size_t f = 0; f < entries[i].field_count; f++) {
            if (!audit_field_applies(entries[i].names[f], entries[i].values[f]))
                continue;
            json_object_set_new(entry, entries[i].names[f],
                                audit_value(entries[i].names[f], entries[i].values[f]));
        }
        json_array_append_new(list, entry);
    }
    /* A full page may have more after it, and a lot's search that reached its
     * bound goes on where it stopped: the cursor starts after either. */
    document = json_pack("{s:o, s:s?}", "entries", list, "next_cursor", resume);
    http_reply_json(query->exchange, 200, document, HTTP_REPLY_NO_STORE);
    json_decref(document);
    free(query);
}

/* A stream id "ms-seq" as handed out in next_cursor. */
static bool stream_id_is_valid(const char *text)
{
    const char *dash = strchr(text, '-');
    if (dash == NULL || dash == text || dash[1] == '\0' || strlen(text) > 40)
        return false;
    for (const char *p = text; *p; p++) {
        if (p != dash && (*p < '0' || *p > '9'))
            return false;
    }
    return true;
}

static int audit_start(struct http_exchange *exchange, char *start, size_t size)
{
    const char *since = http_exchange_query(exchange, "since");
    const char *cursor = http_exchange_query(exchange, "cursor");
    int64_t since_ms;

    if (since != NULL && cursor != NULL) {
        http_reply_invalid(exchange, "cursor", "give since or cursor, not both");
        return -1;
    }
    if (cursor != NULL) {
        if (!stream_id_is_valid(cursor)) {
            endpoint_reply_bad_cursor(exchange,
                                      "is not a next_cursor of the audit log; start again from "
                                      "the first page or from since");
            return -1;
        }
        snprintf(start, size, "(%s", cursor);
    } else if (since != NULL) {
        if (civil_parse_rfc3339(since, &since_ms) != 0 || since_ms < 0) {
            http_reply_invalid(exchange, "since",
                               "must be an RFC 3339 time such as 2026-10-01T00:00:00+08:00");
            return -1;
        }
        snprintf(start, size, "%lld-0", (long long)since_ms);
    } else {
        snprintf(start, size, "-");
    }
    return 0;
}

void api_audit_read(struct http_exchange *exchange, const struct store_token *caller, void *data)
{
    const char *lot = http_exchange_query(exchange, "lot");
    struct audit_query *query;
    char start[64];
    int64_t limit;

    if (lot != NULL && !lot_id_is_valid(lot)) {
        http_reply_invalid(exchange, "lot", "must be a lot id ([a-z0-9][a-z0-9_-]{0,63})");
        return;
    }
    if (http_exchange_query_integer(exchange, "limit", "an integer", 1, AUDIT_LIMIT_MAX,
                                    AUDIT_LIMIT_DEFAULT, &limit) != 0 ||
        audit_start(exchange, start, sizeof(start)) != 0)
        return;
    query = endpoint_allocate(exchange, sizeof(*query));
    if (query == NULL) {
        return;
    }
    *query = (struct audit_query){exchange, (size_t)limit};
    if (store_audit_query(((struct endpoint_context *)data)->store, lot, start, (size_t)limit,
                          audit_scan(), on_audit, query) != 0) {
        free(query);
        endpoint_reply_store_unavailable(exchange);
    }
}
