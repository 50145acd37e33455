/* http_worker.c: a worker's server: which requests it answers itself, and hand-overs. */
#include "http.h"

#include "http_private.h"

#include <string.h>

/*
 * A worker answers a GET or HEAD its routes have, without a query string
 * (those routes take none), and gives every other request's connection up
 * before its head is touched. Shutting down, it answers everything (503).
 */
bool http_worker_answers_here(const struct http_request *request, void *data)
{
    struct http_server *server = data;
    struct router_match match = {0};
    unsigned method = request->method == HTTP_METHOD_GET    ? ROUTER_GET
                      : request->method == HTTP_METHOD_HEAD ? ROUTER_HEAD
                                                            : 0;
    char path[512];
    bool here;

    if (server->shutting_down)
        return true;
    if (method == 0 || request->target_length >= sizeof(path) ||
        memchr(request->target, '?', request->target_length) != NULL)
        return false;
    memcpy(path, request->target, request->target_length);
    path[request->target_length] = '\0';
    here = router_match(server->router, method, path, &match) == 0;
    router_match_deinit(&match);
    return here;
}

void http_worker_hand_over(const struct http_handover *handover, void *data)
{
    struct http_server *server = data;
    server->on_hand_over(handover, server->hand_over_data);
}

uint16_t http_server_port(const struct http_server *server)
{
    return server->listener != NULL ? http_connection_listener_port(server->listener) : 0;
}

void http_server_hand_over(struct http_server *server,
                           void (*on_hand_over)(const struct http_handover *handover, void *data),
                           void *data)
{
    server->on_hand_over = on_hand_over;
    server->hand_over_data = data;
}

void http_server_adopt(struct http_server *server, const struct http_handover *handover)
{
    http_connection_adopt(server->listener, handover);
}
