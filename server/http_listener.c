/* http_listener.c: accept, connection caps, and pausing at the descriptor limit. */
#include "http_connection_private.h"
#include "log.h"
#include "problem.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LISTEN_BACKLOG 1024
/* After accept failed for lack of descriptors: try again after this, or when one closes. */
#define ACCEPT_BACKOFF_MS 250

static const char component[] = "http";

static const char *const refusal_details[2] = {
    "the server has too many connections; retry later",
    "too many connections from this address; close some or retry later",
};

/*
 * The answer to a connection over a cap, prebuilt so that refusing costs
 * one non-blocking write and a close: no exchange, no buffer, no timer.
 */
static size_t prebuild_refusal(char *out, size_t size, const char *detail)
{
    char body[256];
    int body_length =
        snprintf(body, sizeof(body),
                 "{\"type\":\"/problems/%s\",\"title\":\"%s\",\"status\":503,"
                 "\"detail\":\"%s\"}",
                 problem_slug(PROBLEM_OVER_CAPACITY), problem_title(PROBLEM_OVER_CAPACITY), detail);
    int length = snprintf(out, size,
                          "HTTP/1.1 503 Service Unavailable\r\n"
                          "Content-Type: application/problem+json\r\n"
                          "Cache-Control: no-store\r\n"
                          "Retry-After: %d\r\n"
                          "Connection: close\r\n"
                          "Content-Length: %d\r\n\r\n%s",
                          HTTP_CONNECTION_RETRY_AFTER_S, body_length, body);
    return length > 0 && (size_t)length < size ? (size_t)length : 0;
}

/* Log a condition at most once a second, with how often it happened since the last line. */
static bool throttle_due(struct http_connection_listener *listener,
                         struct http_log_throttle *throttle, unsigned long *count)
{
    struct timeval now;

    throttle->count++;
    if (event_base_gettimeofday_cached(listener->base, &now) != 0 ||
        now.tv_sec == throttle->last_second)
        return false;
    throttle->last_second = now.tv_sec;
    *count = throttle->count;
    throttle->count = 0;
    return true;
}

/* Answer a connection over a cap with one write, drop what it sent, and close it. */
static void refuse(struct http_connection_listener *listener, evutil_socket_t fd,
                   const struct sockaddr *address, bool client_full)
{
    const struct http_refusal *refusal = &listener->refusals[client_full];
    char peer[INET6_ADDRSTRLEN], scratch[4096];
    unsigned long count;

    metrics_count_refusal(listener->options.metrics, client_full
                                                         ? METRICS_LIMIT_MAX_CONNECTIONS_PER_CLIENT
                                                         : METRICS_LIMIT_MAX_CONNECTIONS);
    /* A request already received is read first, so the close sends a FIN, not a reset. */
    if (recv(fd, scratch, sizeof(scratch), MSG_DONTWAIT) < 0 && errno != EAGAIN &&
        errno != EWOULDBLOCK)
        log_debug(component, "recv from a refused connection: %s", strerror(errno));
    if (refusal->length > 0 &&
        send(fd, refusal->bytes, refusal->length, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
        log_debug(component, "the 503 to a refused connection: %s", strerror(errno));
    close(fd);
    if (throttle_due(listener, &listener->refused, &count)) {
        http_connection_format_address(address, peer, sizeof(peer));
        log_warning(component,
                    "refused %lu connection(s) over a cap since the last report; the last "
                    "from %s: %s",
                    count, peer, refusal_details[client_full]);
    }
}

/* Whether a peer is held to the totals alone: a trusted proxy speaks for many clients. */
static bool is_exempt(const struct http_connection_listener *listener,
                      const struct sockaddr *address)
{
    char peer[INET6_ADDRSTRLEN];

    if (client_address_list_count(listener->options.exempt_peers) == 0)
        return false;
    http_connection_format_address(address, peer, sizeof(peer));
    return client_address_list_contains(listener->options.exempt_peers, peer);
}

/* The client's address is the one accept() returned: the peer's, without a getpeername call. */
static void on_accept(struct evconnlistener *accepting, evutil_socket_t fd,
                      struct sockaddr *address, int length, void *data)
{
    struct http_connection_listener *listener = data;
    struct client_slots_key key;
    struct client_slot *slot = NULL;
    int result;

    client_slots_key_of(address, &key);
    result = http_slots_open(listener->slots, &key, is_exempt(listener, address), &slot);
    if (result == CLIENT_SLOTS_ERROR_NO_MEMORY) {
        log_error(component, "no memory for a connection");
        close(fd);
    } else if (result != 0) {
        refuse(listener, fd, address, result == CLIENT_SLOTS_ERROR_CLIENT_FULL);
    } else {
        http_connection_start(listener, fd, address, slot);
    }
}

static void resume_accepting(struct http_connection_listener *listener)
{
    if (!listener->paused)
        return;
    listener->paused = false;
    evtimer_del(listener->resume_timer);
    if (listener->accepting != NULL && evconnlistener_enable(listener->accepting) != 0)
        log_error(component, "cannot accept connections again");
}

static void on_resume_timer(evutil_socket_t fd, short events, void *data)
{
    resume_accepting(data);
}

void http_listener_descriptor_freed(struct http_connection_listener *listener)
{
    resume_accepting(listener);
}

/*
 * accept failed in a way that does not clear by itself (EMFILE, ENFILE,
 * ENOBUFS, ENOMEM): the listening socket stays readable, so accepting
 * pauses until a connection closes or the backoff ends, rather than spin.
 * Aborted connections, EINTR and EAGAIN never get here: libevent drops
 * them silently.
 */
static void on_accept_error(struct evconnlistener *accepting, void *data)
{
    struct http_connection_listener *listener = data;
    struct timeval backoff = {0, ACCEPT_BACKOFF_MS * 1000};
    int error = errno;
    unsigned long count;

    metrics_count_refusal(listener->options.metrics, METRICS_LIMIT_DESCRIPTORS);
    if (throttle_due(listener, &listener->accept_failures, &count))
        log_warning(component,
                    "accept: %s (%lu failure(s) since the last report); new connections wait "
                    "until one closes",
                    strerror(error), count);
    if (listener->paused)
        return;
    if (evconnlistener_disable(accepting) != 0 ||
        evtimer_add(listener->resume_timer, &backoff) != 0) {
        log_error(component, "cannot pause accepting");
        return;
    }
    listener->paused = true;
}

/* Write "http://host:port" of the socket into out; returns the port. */
static uint16_t format_bound_address(evutil_socket_t fd, char *out, size_t size)
{
    struct sockaddr_storage address;
    socklen_t length = sizeof(address);
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;

    if (getsockname(fd, (struct sockaddr *)&address, &length) == 0) {
        http_connection_format_address((struct sockaddr *)&address, host, sizeof(host));
        port = ntohs(address.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&address)->sin6_port
                                                   : ((struct sockaddr_in *)&address)->sin_port);
    }
    snprintf(out, size, address.ss_family == AF_INET6 ? "http://[%s]:%u" : "http://%s:%u", host,
             port);
    return (uint16_t)port;
}

uint16_t http_connection_listener_port(const struct http_connection_listener *listener)
{
    return listener->port;
}

static struct http_connection_listener *
listener_new(struct event_base *base, const struct http_connection_options *options,
             const struct http_connection_handlers *handlers)
{
    struct http_connection_listener *listener = calloc(1, sizeof(*listener));
    struct client_slots_caps connections = {options->max_connections,
                                            options->max_connections_per_client};
    struct client_slots_caps streams = {options->max_streams, options->max_streams_per_client};

    if (listener == NULL)
        return NULL;
    *listener = (struct http_connection_listener){.base = base,
                                                  .options = *options,
                                                  .handlers = *handlers,
                                                  .idle = {options->idle_timeout_seconds, 0},
                                                  .header = {options->header_timeout_seconds, 0}};
    LIST_INIT(&listener->connections);
    for (size_t i = 0; i < 2; i++)
        listener->refusals[i].length = prebuild_refusal(
            listener->refusals[i].bytes, sizeof(listener->refusals[i].bytes), refusal_details[i]);
    listener->owns_slots = options->shared_slots == NULL;
    listener->slots = options->shared_slots != NULL ? options->shared_slots
                                                    : http_slots_new(connections, streams, false);
    listener->resume_timer = evtimer_new(base, on_resume_timer, listener);
    if (listener->slots == NULL || listener->resume_timer == NULL) {
        http_connection_listener_free(listener);
        return NULL;
    }
    return listener;
}

int http_connection_listen(struct event_base *base, const char *host, uint16_t port,
                           const struct http_connection_options *options,
                           const struct http_connection_handlers *handlers,
                           struct http_connection_listener **out, char *bound, size_t bound_size,
                           char *error, size_t error_size)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *found = NULL;
    struct http_connection_listener *listener = listener_new(base, options, handlers);
    char service[8];

    if (listener == NULL)
        return HTTP_CONNECTION_ERROR_NO_MEMORY;
    snprintf(service, sizeof(service), "%u", (unsigned)port);
    if (getaddrinfo(host, service, &hints, &found) != 0)
        goto refuse;
    listener->accepting =
        evconnlistener_new_bind(base, on_accept, listener,
                                LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC |
                                    (options->reuse_port ? LEV_OPT_REUSEABLE_PORT : 0),
                                LISTEN_BACKLOG, found->ai_addr, (int)found->ai_addrlen);
    freeaddrinfo(found);
    if (listener->accepting == NULL)
        goto refuse;
    evconnlistener_set_error_cb(listener->accepting, on_accept_error);
    listener->port =
        format_bound_address(evconnlistener_get_fd(listener->accepting), bound, bound_size);
    *out = listener;
    return 0;
refuse:
    snprintf(error, error_size,
             "cannot listen on %s:%u (address in use, or not an address of this machine)", host,
             (unsigned)port);
    http_connection_listener_free(listener);
    return HTTP_CONNECTION_ERROR_LISTEN;
}

size_t http_connection_listener_open(const struct http_connection_listener *listener)
{
    return http_slots_connections(listener->slots);
}

void http_connection_listener_stop(struct http_connection_listener *listener)
{
    if (listener->accepting != NULL)
        evconnlistener_free(listener->accepting);
    listener->accepting = NULL;
}

void http_connection_listener_free(struct http_connection_listener *listener)
{
    if (listener == NULL)
        return;
    http_connection_listener_stop(listener);
    http_connection_close_all(listener);
    if (listener->resume_timer != NULL)
        event_free(listener->resume_timer);
    if (listener->owns_slots)
        http_slots_free(listener->slots);
    free(listener);
}
