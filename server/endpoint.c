/* endpoint.c: the answers every endpoint module shares: stale reads, Redis away. */
#include "endpoint.h"

#include "civil.h"
#include "clock.h"
#include "etag.h"
#include "http.h"
#include "list_answer.h"
#include "occupancy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void endpoint_mark_stale_since(struct http_exchange *exchange, int64_t stale_since_ms)
{
    char age[32];

    if (stale_since_ms < 0)
        return;
    snprintf(age, sizeof(age), "%lld", (long long)((clock_now_ms() - stale_since_ms) / 1000));
    http_exchange_add_header(exchange, "Age", age);
    http_exchange_add_header(exchange, "Warning", "110 - \"Response is Stale\"");
}

void endpoint_mark_stale(struct http_exchange *exchange, const struct snapshot *snapshot)
{
    endpoint_mark_stale_since(exchange, snapshot_stale_since(snapshot));
}

void *endpoint_allocate(struct http_exchange *exchange, size_t size)
{
    void *memory = calloc(1, size);
    if (memory == NULL)
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
    return memory;
}

void endpoint_reply_store_unavailable(struct http_exchange *exchange)
{
    http_exchange_add_header(exchange, "Retry-After", "1");
    http_reply_problem(exchange, PROBLEM_STORE_UNAVAILABLE,
                       "Redis is not reachable; nothing was changed, retry shortly");
}

void endpoint_reply_unavailable(struct http_exchange *exchange, enum store_outcome outcome)
{
    if (outcome != STORE_OUTCOME_NOT_REPLICATED) {
        endpoint_reply_store_unavailable(exchange);
        return;
    }
    http_exchange_add_header(exchange, "Retry-After", "1");
    http_reply_problem(exchange, PROBLEM_NOT_REPLICATED,
                       "too few Redis replicas confirmed the change in time; retry with the same "
                       "Idempotency-Key, which applies it once");
}

void endpoint_reply_deletion(struct http_exchange *exchange, enum store_outcome outcome,
                             enum store_outcome done, const char *noun, const char *failure)
{
    if (outcome == done)
        http_reply(exchange, 204, NULL, "", 0, NULL, HTTP_REPLY_NO_STORE);
    else if (outcome == STORE_OUTCOME_NOT_FOUND)
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no %s '%s'", noun,
                           http_exchange_parameter(exchange, "id"));
    else if (store_outcome_unavailable(outcome))
        endpoint_reply_unavailable(exchange, outcome);
    else
        http_reply_problem(exchange, PROBLEM_INTERNAL, "%s", failure);
}

void endpoint_reply_bad_cursor(struct http_exchange *exchange, const char *rule)
{
    json_t *extensions = json_pack("{s:[{s:s, s:s}]}", "errors", "field", "cursor", "rule", rule);
    char detail[256];

    snprintf(detail, sizeof(detail), "cursor: %s", rule);
    http_reply_problem_with(exchange, PROBLEM_BAD_REQUEST, extensions, detail);
    json_decref(extensions);
}

/* The document as compact text, kept in the cache; *uncached holds it when the cache could not. */
static const struct list_cache_answer *kept_document(const struct endpoint_context *context,
                                                     const char *key,
                                                     endpoint_document_builder build,
                                                     struct list_cache_answer *uncached)
{
    struct list_cache *cache = snapshot_list_cache(context->snapshot);
    uint64_t revision = snapshot_revision(context->snapshot);
    const struct list_cache_answer *answer = list_cache_find(cache, key, revision);
    json_t *document;
    char *body;

    memset(uncached, 0, sizeof(*uncached));
    if (answer != NULL)
        return answer;
    document = build(context);
    body = document != NULL ? json_dumps(document, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(document);
    if (body == NULL)
        return NULL;
    if (list_cache_store(cache, key, revision, body, strlen(body), &answer) == 0)
        return answer;
    /* Too large to keep, or no memory to keep it: answered this once. */
    uncached->body = body;
    uncached->length = strlen(body);
    etag_of(body, uncached->length, uncached->etag, sizeof(uncached->etag));
    return uncached;
}

void endpoint_reply_kept(struct http_exchange *exchange, const struct endpoint_context *context,
                         const char *content_type, const struct list_cache_answer *answer,
                         struct list_cache_answer *uncached)
{
    const struct gzip_copy *gzip = NULL;

    endpoint_mark_stale(exchange, context->snapshot);
    if (http_exchange_wants_gzip(exchange, content_type, answer->length))
        gzip = list_answer_gzip(context->snapshot, answer, uncached);
    http_reply_encoded(exchange, content_type, answer->body, answer->length, answer->etag, gzip,
                       HTTP_REPLY_PUBLIC);
    free(uncached->body);
    uncached->body = NULL;
}

void endpoint_reply_kept_document(struct http_exchange *exchange,
                                  const struct endpoint_context *context, const char *key,
                                  endpoint_document_builder build)
{
    struct list_cache_answer uncached;
    const struct list_cache_answer *answer = kept_document(context, key, build, &uncached);

    if (answer == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    endpoint_reply_kept(exchange, context, WIRE_JSON_TYPE, answer, &uncached);
}

int endpoint_idempotency_key(struct http_exchange *exchange, char *key, size_t size, bool *present)
{
    const char *value = NULL;

    *present = false;
    if (http_exchange_single_header(exchange, WIRE_IDEMPOTENCY_HEADER, &value) != 0) {
        http_reply_problem(exchange, PROBLEM_BAD_REQUEST, "more than one Idempotency-Key header");
        return -1;
    }
    if (value == NULL)
        return 0;
    if (!occupancy_key_is_valid(value)) {
        http_reply_problem(exchange, PROBLEM_BAD_REQUEST,
                           "Idempotency-Key must be 1 to 128 printable ASCII characters "
                           "without spaces or control characters");
        return -1;
    }
    *present = true;
    snprintf(key, size, "%s", value);
    return 0;
}

int endpoint_query_instant(struct http_exchange *exchange, const char *name, int64_t fallback,
                           int64_t *value)
{
    const char *text = http_exchange_query(exchange, name);

    *value = fallback;
    if (text != NULL && civil_parse_rfc3339(text, value) != 0) {
        http_reply_invalid(exchange, name,
                           "must be an RFC 3339 time such as 2026-10-01T09:00:00+08:00");
        return -1;
    }
    return 0;
}
