/* http_worker.c: a worker's server: which requests it answers itself, and hand-overs. */
#include "http.h"

#include "http_private.h"

#include <string.h>

/*
 * A worker answers a GET or HEAD its routes have, as its decision says
 * (by default: without a query string, which those routes then take none
 * of), and gives every other request's connection up before its head is
 * touched. Shutting down, it answers everything (503).
 */
bool http_worker_answers_here(const struct http_request *request, void *data)
{
    struct http_server *server = data;
    struct router_match match = {0};
    unsigned method = request->method == HTTP_METHOD_GET    ? ROUTER_GET
                      : request->method == HTTP_METHOD_HEAD ? ROUTER_HEAD
                                                            : 0;
    const char *question;
    size_t path_length;
    char path[512];
    bool here;

    if (server->shutting_down)
        return true;
    if (method == 0 || request->target_length >= sizeof(path))
        return false;
    question = memchr(request->target, '?', request->target_length);
    if (question != NULL && server->decide == NULL)
        return false;
    path_length = question != NULL ? (size_t)(question - request->target) : request->target_length;
    memcpy(path, request->target, path_length);
    path[path_length] = '\0';
    here = router_match(server->router, method, path, &match) == 0;
    router_match_deinit(&match);
    if (!here || server->decide == NULL)
        return here;
    /* Decided here, answered at once: a request with a body would be answered later. */
    if (request->has_content_length && request->content_length > 0)
        return false;
    return server->decide(path, question != NULL ? question + 1 : NULL,
                          question != NULL ? request->target_length - path_length - 1 : 0,
                          server->decide_data);
}

void http_server_decide(struct http_server *server, http_worker_decide decide, void *data)
{
    server->decide = decide;
    server->decide_data = data;
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
