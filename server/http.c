/* http.c: HTTP plumbing on evhttp: exchanges, limits, problem+json, ETag, CORS. */
#include "http.h"

#include "clock.h"
#include "etag.h"
#include "log.h"
#include "rate_limit.h"
#include "router.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <parkshare/wire.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>

#define MAX_HEADERS_BYTES 16384
#define IDLE_TIMEOUT_S    90

/*
 * evhttp answers a body over its own limit with an HTML 413 and no hook, so
 * its limit sits well above max_body: bodies between the two get our
 * problem+json 413; only absurd ones meet evhttp's plain answer.
 */
#define EVHTTP_BODY_LIMIT_FACTOR 4

/* What a route leads to; the router hands it back as its target. */
struct route_target {
    http_handler handler;
    void *data;
};

struct http_server {
    struct event_base *base;
    struct evhttp *evhttp;
    struct evhttp_bound_socket *bound;
    int64_t max_body_bytes;
    struct rate_limit *write_limit; /* NULL when writes are not limited */
    struct router *router;
    struct route_target targets[ROUTER_MAX_ROUTES];
    size_t target_count;
    size_t in_flight;
    bool shutting_down;
    void (*on_drained)(void *data);
    void *on_drained_data;
};

struct http_exchange {
    struct http_server *server;
    struct evhttp_request *request;
    unsigned method; /* an enum router_method bit; 0 for a method no route may have */
    char *path;      /* decoded, for logs and details */
    struct evkeyvalq query;
    bool query_parsed;
    struct router_match match; /* the route and its path parameters */
};

static const char component[] = "http";

static void on_drained_later(evutil_socket_t fd, short events, void *data)
{
    struct http_server *server = data;
    if (server->on_drained != NULL) {
        void (*on_drained)(void *) = server->on_drained;
        server->on_drained = NULL;
        on_drained(server->on_drained_data);
    }
}

/* Deferred to the loop so a reply never re-enters the caller's shutdown path. */
static void notify_if_drained(struct http_server *server)
{
    struct timeval now = {0, 0};
    if (server->shutting_down && server->in_flight == 0 && server->on_drained != NULL)
        event_base_once(server->base, -1, EV_TIMEOUT, on_drained_later, server, &now);
}

static void exchange_free(struct http_exchange *exchange)
{
    struct http_server *server = exchange->server;
    router_match_deinit(&exchange->match);
    if (exchange->query_parsed)
        evhttp_clear_headers(&exchange->query);
    free(exchange->path);
    free(exchange);
    server->in_flight--;
    notify_if_drained(server);
}

/* GET and HEAD: answers that carry an ETag and are public when they are problems. */
static bool is_read(const struct http_exchange *exchange)
{
    return exchange->method == ROUTER_GET || exchange->method == ROUTER_HEAD;
}

static void add_common_headers(struct http_exchange *exchange, const char *content_type,
                               unsigned flags)
{
    struct evkeyvalq *headers = evhttp_request_get_output_headers(exchange->request);
    if (content_type != NULL)
        evhttp_add_header(headers, "Content-Type", content_type);
    evhttp_add_header(headers, "X-Content-Type-Options", "nosniff");
    evhttp_add_header(headers, "Cache-Control",
                      flags & HTTP_REPLY_NO_STORE ? "no-store" : "no-cache");
    if (flags & HTTP_REPLY_PUBLIC)
        evhttp_add_header(headers, "Access-Control-Allow-Origin", "*");
    if (exchange->server->shutting_down)
        evhttp_add_header(headers, "Connection", "close");
}

void http_reply(struct http_exchange *exchange, int status, const char *content_type,
                const char *body, size_t length, const char *etag, unsigned flags)
{
    struct evhttp_request *request = exchange->request;
    struct evbuffer *buffer = NULL;
    char computed_etag[24];

    add_common_headers(exchange, content_type, flags);
    if (status == 200 && is_read(exchange)) {
        if (etag == NULL) {
            etag_of(body, length, computed_etag, sizeof(computed_etag));
            etag = computed_etag;
        }
        evhttp_add_header(evhttp_request_get_output_headers(request), "ETag", etag);
        if (etag_matches(http_exchange_header(exchange, "If-None-Match"), etag)) {
            evhttp_remove_header(evhttp_request_get_output_headers(request), "Content-Type");
            status = 304;
            length = 0;
        }
    }
    log_debug(component, "%s %s -> %d",
              evhttp_request_get_command(request) == EVHTTP_REQ_HEAD ? "HEAD" : "request",
              exchange->path, status);
    if (length > 0) {
        buffer = evbuffer_new();
        if (buffer == NULL || evbuffer_add(buffer, body, length) != 0) {
            if (buffer != NULL)
                evbuffer_free(buffer);
            buffer = NULL;
            status = 500;
        }
    }
    evhttp_send_reply(request, status, NULL, buffer);
    if (buffer != NULL)
        evbuffer_free(buffer);
    exchange_free(exchange);
}

void http_reply_problem(struct http_exchange *exchange, enum problem_type type,
                        const char *detail_format, ...)
{
    char detail[1024];
    va_list args;

    va_start(args, detail_format);
    vsnprintf(detail, sizeof(detail), detail_format, args);
    va_end(args);
    http_reply_problem_with(exchange, type, NULL, detail);
}

struct evhttp_request *http_exchange_detach(struct http_exchange *exchange,
                                            const char *content_type)
{
    struct evhttp_request *request = exchange->request;
    add_common_headers(exchange, content_type, HTTP_REPLY_PUBLIC | HTTP_REPLY_NO_STORE);
    exchange_free(exchange);
    return request;
}

void http_reply_invalid(struct http_exchange *exchange, const char *field, const char *rule)
{
    json_t *extensions = json_pack("{s:[{s:s, s:s}]}", "errors", "field", field, "rule", rule);
    char detail[512];
    snprintf(detail, sizeof(detail), "%s: %s", field, rule);
    http_reply_problem_with(exchange, PROBLEM_VALIDATION, extensions, detail);
    json_decref(extensions);
}

void http_reply_json(struct http_exchange *exchange, int status, const json_t *document,
                     unsigned flags)
{
    char *text = json_dumps(document, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (text == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    http_reply(exchange, status, WIRE_JSON_TYPE, text, strlen(text), NULL, flags);
    free(text);
}

void http_reply_problem_with(struct http_exchange *exchange, enum problem_type type,
                             const json_t *extensions, const char *detail)
{
    size_t length = 0;
    char *document = problem_render(type, detail, extensions, &length);
    if (document == NULL) {
        http_reply(exchange, 500, "text/plain", "out of memory\n", 14, NULL, HTTP_REPLY_NO_STORE);
        return;
    }
    http_reply(exchange, problem_status(type), WIRE_PROBLEM_TYPE, document, length, NULL,
               HTTP_REPLY_NO_STORE | (is_read(exchange) ? HTTP_REPLY_PUBLIC : 0));
    free(document);
}

static unsigned method_bit(enum evhttp_cmd_type command)
{
    switch (command) {
    case EVHTTP_REQ_GET:
        return ROUTER_GET;
    case EVHTTP_REQ_HEAD:
        return ROUTER_HEAD;
    case EVHTTP_REQ_POST:
        return ROUTER_POST;
    case EVHTTP_REQ_PUT:
        return ROUTER_PUT;
    case EVHTTP_REQ_DELETE:
        return ROUTER_DELETE;
    default:
        return 0;
    }
}

static void route_exchange(struct http_server *server, struct http_exchange *exchange,
                           const char *raw_path)
{
    const struct route_target *target;
    char allow[64];

    switch (router_match(server->router, exchange->method, raw_path, &exchange->match)) {
    case 0:
        target = exchange->match.target;
        target->handler(exchange, target->data);
        break;
    case ROUTER_ERROR_NOT_ALLOWED:
        router_format_allow(exchange->match.allowed, allow, sizeof(allow));
        http_exchange_add_header(exchange, "Allow", allow);
        http_reply_problem(exchange, PROBLEM_METHOD_NOT_ALLOWED, "%s allows %s", exchange->path,
                           allow);
        break;
    case ROUTER_ERROR_NOT_FOUND:
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no resource at %s", exchange->path);
        break;
    case ROUTER_ERROR_UNROUTABLE:
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no resource at this path");
        break;
    case ROUTER_ERROR_NUL_BYTE:
        http_reply_problem(exchange, PROBLEM_BAD_REQUEST, "no resource at this path");
        break;
    default:
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        break;
    }
}

/* Writes are limited per client address; reads are not (signs poll a lot). */
static bool allow_write(struct http_server *server, struct http_exchange *exchange)
{
    int retry_after = 1;
    char header[16];

    if (server->write_limit == NULL)
        return true;
    if (rate_limit_allow(server->write_limit, http_exchange_client(exchange), clock_monotonic_ms(),
                         &retry_after))
        return true;
    snprintf(header, sizeof(header), "%d", retry_after);
    http_exchange_add_header(exchange, "Retry-After", header);
    http_reply_problem(exchange, PROBLEM_RATE_LIMITED, "too many writes from %s; retry after %d s",
                       http_exchange_client(exchange), retry_after);
    return false;
}

static void on_request(struct evhttp_request *request, void *data)
{
    struct http_server *server = data;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(request);
    const char *raw_path = uri ? evhttp_uri_get_path(uri) : NULL;
    const char *raw_query = uri ? evhttp_uri_get_query(uri) : NULL;
    struct http_exchange *exchange = calloc(1, sizeof(*exchange));
    size_t body_length = evbuffer_get_length(evhttp_request_get_input_buffer(request));

    if (exchange == NULL) {
        evhttp_send_error(request, 500, "out of memory");
        return;
    }
    server->in_flight++;
    exchange->server = server;
    exchange->request = request;
    exchange->method = method_bit(evhttp_request_get_command(request));
    TAILQ_INIT(&exchange->query);
    if (raw_path == NULL || raw_path[0] == '\0')
        raw_path = "/";
    exchange->path = evhttp_uridecode(raw_path, 0, NULL);
    if (exchange->path == NULL) {
        evhttp_send_error(request, 500, "out of memory");
        exchange_free(exchange);
        return;
    }
    if (server->shutting_down) {
        http_exchange_add_header(exchange, "Retry-After", "1");
        http_reply_problem(exchange, PROBLEM_SHUTTING_DOWN, "the server is shutting down");
        return;
    }
    if (exchange->method == 0) {
        http_exchange_add_header(exchange, "Allow", "GET, HEAD, POST, PUT, DELETE");
        http_reply_problem(exchange, PROBLEM_METHOD_NOT_ALLOWED, "method not supported");
        return;
    }
    if (!is_read(exchange) && !allow_write(server, exchange))
        return;
    if ((int64_t)body_length > server->max_body_bytes) {
        http_reply_problem(exchange, PROBLEM_PAYLOAD_TOO_LARGE,
                           "the body has %zu bytes; the limit is %lld", body_length,
                           (long long)server->max_body_bytes);
        return;
    }
    if (raw_query != NULL) {
        if (evhttp_parse_query_str(raw_query, &exchange->query) != 0) {
            evhttp_clear_headers(&exchange->query);
            http_reply_problem(exchange, PROBLEM_BAD_REQUEST, "malformed query string");
            return;
        }
        exchange->query_parsed = true;
    }
    route_exchange(server, exchange, raw_path);
}

int http_server_new(struct event_base *base, const struct http_options *options,
                    struct http_server **out)
{
    struct http_server *server = calloc(1, sizeof(*server));

    if (server == NULL)
        return HTTP_ERROR_NO_MEMORY;
    server->base = base;
    server->max_body_bytes = options->max_body_bytes;
    /* 4096 client addresses fit; beyond that the longest idle gives way. */
    if (options->write_rate > 0)
        server->write_limit =
            rate_limit_new((double)options->write_rate, (double)options->write_burst, 4096);
    server->router = router_new();
    server->evhttp = evhttp_new(base);
    if (server->evhttp == NULL || server->router == NULL ||
        (options->write_rate > 0 && server->write_limit == NULL)) {
        http_server_free(server);
        return HTTP_ERROR_NO_MEMORY;
    }
    /* Let every method through to on_request, which answers 405 as problem+json. */
    evhttp_set_allowed_methods(server->evhttp, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
                                                   EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                                   EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH |
                                                   EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT);
    evhttp_set_max_body_size(server->evhttp, options->max_body_bytes * EVHTTP_BODY_LIMIT_FACTOR);
    evhttp_set_max_headers_size(server->evhttp, MAX_HEADERS_BYTES);
    evhttp_set_timeout(server->evhttp, IDLE_TIMEOUT_S);
    evhttp_set_gencb(server->evhttp, on_request, server);
    *out = server;
    return 0;
}

static void format_bound_address(evutil_socket_t fd, char *out, size_t size)
{
    struct sockaddr_storage address;
    socklen_t length = sizeof(address);
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;

    if (getsockname(fd, (struct sockaddr *)&address, &length) == 0) {
        if (address.ss_family == AF_INET6) {
            struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
            inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
            port = ntohs(v6->sin6_port);
            snprintf(out, size, "http://[%s]:%u", host, port);
            return;
        }
        struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
        inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
        port = ntohs(v4->sin_port);
    }
    snprintf(out, size, "http://%s:%u", host, port);
}

int http_server_listen(struct http_server *server, const char *host, uint16_t port, char *bound,
                       size_t bound_size, char *error, size_t error_size)
{
    char address[128];

    server->bound = evhttp_bind_socket_with_handle(server->evhttp, host, port);
    if (server->bound == NULL) {
        snprintf(error, error_size,
                 "cannot listen on %s:%u (address in use, or not an address of this machine)", host,
                 (unsigned)port);
        return HTTP_ERROR_LISTEN;
    }
    format_bound_address(evhttp_bound_socket_get_fd(server->bound), address, sizeof(address));
    log_info(component, "listening on %s", address);
    if (bound != NULL)
        snprintf(bound, bound_size, "%s", address);
    return 0;
}

int http_server_route(struct http_server *server, unsigned methods, const char *pattern,
                      http_handler handler, void *data)
{
    struct route_target *target = &server->targets[server->target_count];

    /* The router holds as many routes as there are targets: it refuses the one too many. */
    if (router_add(server->router, methods, pattern, target) != 0)
        return HTTP_ERROR_ROUTE;
    *target = (struct route_target){handler, data};
    server->target_count++;
    return 0;
}

void http_server_begin_shutdown(struct http_server *server, void (*on_drained)(void *data),
                                void *data)
{
    server->shutting_down = true;
    server->on_drained = on_drained;
    server->on_drained_data = data;
    if (server->bound != NULL) {
        evhttp_del_accept_socket(server->evhttp, server->bound);
        server->bound = NULL;
    }
    notify_if_drained(server);
}

size_t http_server_in_flight(const struct http_server *server)
{
    return server->in_flight;
}

void http_server_free(struct http_server *server)
{
    if (server == NULL)
        return;
    if (server->evhttp != NULL)
        evhttp_free(server->evhttp);
    router_free(server->router);
    rate_limit_free(server->write_limit);
    free(server);
}

const char *http_exchange_parameter(const struct http_exchange *exchange, const char *name)
{
    return router_match_parameter(&exchange->match, name);
}

const char *http_exchange_query(const struct http_exchange *exchange, const char *name)
{
    return exchange->query_parsed ? evhttp_find_header(&exchange->query, name) : NULL;
}

int http_exchange_query_integer(struct http_exchange *exchange, const char *name, const char *unit,
                                int64_t minimum, int64_t maximum, int64_t fallback, int64_t *value)
{
    const char *text = http_exchange_query(exchange, name);
    char *end = NULL, rule[128];
    long long number;

    *value = fallback;
    if (text == NULL)
        return 0;
    errno = 0;
    number = strtoll(text, &end, 10);
    if (end != text && *end == '\0' && errno == 0 && number >= minimum && number <= maximum) {
        *value = number;
        return 0;
    }
    snprintf(rule, sizeof(rule), "must be %s from %lld to %lld", unit, (long long)minimum,
             (long long)maximum);
    http_reply_invalid(exchange, name, rule);
    return -1;
}

const char *http_exchange_unknown_query(const struct http_exchange *exchange,
                                        const char *const *known, size_t count)
{
    struct evkeyval *parameter;
    if (!exchange->query_parsed)
        return NULL;
    TAILQ_FOREACH(parameter, &exchange->query, next)
    {
        bool found = false;
        for (size_t i = 0; i < count && !found; i++)
            found = strcmp(parameter->key, known[i]) == 0;
        if (!found)
            return parameter->key;
    }
    return NULL;
}

const char *http_exchange_client(const struct http_exchange *exchange)
{
    struct evhttp_connection *connection = evhttp_request_get_connection(exchange->request);
    const char *address = NULL;
    ev_uint16_t port = 0;
    if (connection == NULL)
        return "unknown";
    evhttp_connection_get_peer(connection, (char **)&address, &port);
    return address != NULL ? address : "unknown";
}

int http_exchange_single_header(const struct http_exchange *exchange, const char *name,
                                const char **value)
{
    struct evkeyvalq *headers = evhttp_request_get_input_headers(exchange->request);
    struct evkeyval *header;
    *value = NULL;
    TAILQ_FOREACH(header, headers, next)
    {
        if (evutil_ascii_strcasecmp(header->key, name) != 0)
            continue;
        if (*value != NULL)
            return -1;
        *value = header->value;
    }
    return 0;
}

/* "application/json", optionally with "; charset=utf-8" (any case). */
static bool is_json_content_type(const char *value)
{
    size_t length = strlen(WIRE_JSON_TYPE);
    if (value == NULL || evutil_ascii_strncasecmp(value, WIRE_JSON_TYPE, length) != 0)
        return false;
    value += length;
    while (*value == ' ')
        value++;
    if (*value == '\0')
        return true;
    if (*value++ != ';')
        return false;
    while (*value == ' ')
        value++;
    return evutil_ascii_strcasecmp(value, "charset=utf-8") == 0;
}

/* Two Content-Length headers that differ are a request-smuggling vector. */
static bool has_conflicting_lengths(const struct http_exchange *exchange)
{
    struct evkeyvalq *headers = evhttp_request_get_input_headers(exchange->request);
    struct evkeyval *header;
    const char *first = NULL;
    TAILQ_FOREACH(header, headers, next)
    {
        if (evutil_ascii_strcasecmp(header->key, "Content-Length") != 0)
            continue;
        if (first != NULL && strcmp(first, header->value) != 0)
            return true;
        first = header->value;
    }
    return false;
}

int http_exchange_json_body(struct http_exchange *exchange, json_t **body)
{
    struct evbuffer *input = evhttp_request_get_input_buffer(exchange->request);
    size_t length = evbuffer_get_length(input);
    const char *content_type = http_exchange_header(exchange, "Content-Type");
    const char *bytes;
    json_error_t error;

    if (has_conflicting_lengths(exchange)) {
        http_reply_problem(exchange, PROBLEM_BAD_REQUEST, "conflicting Content-Length headers");
        return -1;
    }
    if (!is_json_content_type(content_type)) {
        http_reply_problem(exchange, PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                           "the body must be application/json, not %s",
                           content_type ? content_type : "untyped");
        return -1;
    }
    bytes = (const char *)evbuffer_pullup(input, -1);
    *body = json_loadb(bytes ? bytes : "", length, JSON_REJECT_DUPLICATES, &error);
    if (*body == NULL) {
        http_reply_problem(exchange, PROBLEM_BAD_REQUEST,
                           "malformed JSON at line %d, column %d (byte %d): %s", error.line,
                           error.column, error.position, error.text);
        return -1;
    }
    return 0;
}

const char *http_exchange_header(const struct http_exchange *exchange, const char *name)
{
    return evhttp_find_header(evhttp_request_get_input_headers(exchange->request), name);
}

void http_exchange_add_header(struct http_exchange *exchange, const char *name, const char *value)
{
    evhttp_add_header(evhttp_request_get_output_headers(exchange->request), name, value);
}
