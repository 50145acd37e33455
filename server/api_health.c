/* api_health.c: GET /healthz (the process answers) and GET /readyz (it can serve). */
#include "api_health.h"

#include "endpoint.h"

#include <parkshare/wire.h>
#include <string.h>

void api_health_live(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    static const char body[] = "{\"status\":\"ok\"}";
    http_reply(exchange, 200, WIRE_JSON_TYPE, body, strlen(body), NULL, HTTP_REPLY_PUBLIC);
}

void api_health_ready(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    static const char body[] = "{\"status\":\"ready\",\"redis\":\"ok\",\"snapshot\":\"loaded\"}";
    const struct endpoint_context *context = data;

    if (!store_is_ready(context->store)) {
        http_exchange_add_header(exchange, "Retry-After", "1");
        http_reply_problem(exchange, PROBLEM_STORE_UNAVAILABLE, "Redis is not reachable");
        return;
    }
    if (!snapshot_sync_is_ready(context->sync)) {
        http_exchange_add_header(exchange, "Retry-After", "1");
        http_reply_problem(exchange, PROBLEM_STORE_UNAVAILABLE, "the lots are still loading");
        return;
    }
    http_reply(exchange, 200, WIRE_JSON_TYPE, body, strlen(body), NULL,
               HTTP_REPLY_PUBLIC | HTTP_REPLY_NO_STORE);
}
