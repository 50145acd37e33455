/* endpoint.c: the answers every endpoint module shares: stale reads, Redis away. */
#include "endpoint.h"

#include "clock.h"
#include "http.h"

#include <stdio.h>
#include <stdlib.h>

void endpoint_mark_stale(struct http_exchange *exchange, const struct snapshot *snapshot)
{
    int64_t since = snapshot_stale_since(snapshot);
    char age[32];
    if (since < 0)
        return;
    snprintf(age, sizeof(age), "%lld", (long long)((clock_now_ms() - since) / 1000));
    http_exchange_add_header(exchange, "Age", age);
    http_exchange_add_header(exchange, "Warning", "110 - \"Response is Stale\"");
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

void endpoint_reply_deletion(struct http_exchange *exchange, enum store_outcome outcome,
                             enum store_outcome done, const char *noun, const char *failure)
{
    if (outcome == done)
        http_reply(exchange, 204, NULL, "", 0, NULL, HTTP_REPLY_NO_STORE);
    else if (outcome == STORE_OUTCOME_NOT_FOUND)
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no %s '%s'", noun,
                           http_exchange_parameter(exchange, "id"));
    else if (outcome == STORE_OUTCOME_UNAVAILABLE)
        endpoint_reply_store_unavailable(exchange);
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
