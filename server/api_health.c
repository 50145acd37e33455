/* api_health.c: GET /healthz (the process answers) and GET /readyz (it can serve). */
#include "api_health.h"

#include "endpoint.h"

#include <string.h>

static void handle_healthz(struct http_exchange *exchange, void *data)
{
    static const char body[] = "{\"status\":\"ok\"}";
    http_reply(exchange, 200, "application/json", body, strlen(body), NULL, HTTP_REPLY_PUBLIC);
}

static void handle_readyz(struct http_exchange *exchange, void *data)
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
    http_reply(exchange, 200, "application/json", body, strlen(body), NULL,
               HTTP_REPLY_PUBLIC | HTTP_REPLY_NO_STORE);
}

int api_health_register(struct http_server *server, struct endpoint_context *context)
{
    int result = http_server_route(server, HTTP_GET, "/healthz", handle_healthz, NULL);
    if (result == 0)
        result = http_server_route(server, HTTP_GET, "/readyz", handle_readyz, context);
    return result;
}
