/* http.c: HTTP plumbing: exchanges, routing, limits, query parameters, request bodies, drain. */
#include "http.h"

#include "clock.h"
#include "http_private.h"
#include "log.h"
#include "rate_limit.h"

#include <errno.h>
#include <parkshare/wire.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static enum metrics_method metrics_method_of(const struct http_request *request)
{
    switch (request != NULL ? request->method : HTTP_METHOD_OTHER) {
    case HTTP_METHOD_GET:
        return METRICS_METHOD_GET;
    case HTTP_METHOD_HEAD:
        return METRICS_METHOD_HEAD;
    case HTTP_METHOD_POST:
        return METRICS_METHOD_POST;
    case HTTP_METHOD_PUT:
        return METRICS_METHOD_PUT;
    case HTTP_METHOD_DELETE:
        return METRICS_METHOD_DELETE;
    default:
        /* The parser names OPTIONS "other"; preflights are counted as what they are. */
        if (request != NULL && request->method_length == 7 &&
            memcmp(request->method_text, "OPTIONS", 7) == 0)
            return METRICS_METHOD_OPTIONS;
        return METRICS_METHOD_OTHER;
    }
}

/* Count the answered exchange; a stream or long poll is counted but not timed. */
static void count_exchange(struct http_server *server, const struct http_exchange *exchange)
{
    struct timespec now;

    if (server->options.metrics == NULL || exchange->status == 0)
        return;
    metrics_count_request(server->options.metrics, exchange->metrics_route,
                          metrics_method_of(exchange->request), exchange->status);
    if (!exchange->long_lived && clock_gettime(CLOCK_MONOTONIC, &now) == 0)
        metrics_observe_request(server->options.metrics, exchange->metrics_route,
                                (double)(now.tv_sec - exchange->started.tv_sec) +
                                    (double)(now.tv_nsec - exchange->started.tv_nsec) / 1e9);
}

void http_exchange_free(struct http_exchange *exchange)
{
    struct http_server *server = exchange->server;
    count_exchange(server, exchange);
    router_match_deinit(&exchange->match);
    free(exchange);
    server->in_flight--;
    notify_if_drained(server);
}

bool http_exchange_is_read(const struct http_exchange *exchange)
{
    return exchange->method == ROUTER_GET || exchange->method == ROUTER_HEAD;
}

const char *http_server_date(struct http_server *server)
{
    time_t now = time(NULL);
    struct tm utc;

    if (now != server->date_second && gmtime_r(&now, &utc) != NULL) {
        strftime(server->date, sizeof(server->date), "%a, %d %b %Y %H:%M:%S GMT", &utc);
        server->date_second = now;
    }
    return server->date;
}

static unsigned method_bit(const struct http_request *request)
{
    switch (request->method) {
    case HTTP_METHOD_GET:
        return ROUTER_GET;
    case HTTP_METHOD_HEAD:
        return ROUTER_HEAD;
    case HTTP_METHOD_POST:
        return ROUTER_POST;
    case HTTP_METHOD_PUT:
        return ROUTER_PUT;
    case HTTP_METHOD_DELETE:
        return ROUTER_DELETE;
    default:
        /* Every path with routes answers OPTIONS (CORS preflights); the parser names it OTHER. */
        return request->method_length == 7 && memcmp(request->method_text, "OPTIONS", 7) == 0
                   ? ROUTER_OPTIONS
                   : 0;
    }
}

/*
 * name=value pairs separated by '&', split in place: a pair without '=' or
 * with an empty name is malformed; an empty pair at the end is allowed.
 * Returns 0, or -1 for a malformed string or too many parameters.
 */
static int parse_query(struct http_exchange *exchange, char *query)
{
    while (query != NULL && *query != '\0') {
        char *pair = strsep(&query, "&");
        char *value = strchr(pair, '=');
        if (value == NULL || value == pair || exchange->query_count == HTTP_EXCHANGE_MAX_QUERY)
            return -1;
        *value++ = '\0';
        http_request_percent_decode(value, strlen(value), value, true);
        exchange->query[exchange->query_count++] = (struct http_query_parameter){pair, value};
    }
    return 0;
}

/*
 * Who is asking, once per exchange: the peer, or behind a trusted proxy the
 * client its X-Forwarded-For lines name. Without trusted proxies no header
 * is read and nothing is copied.
 */
static void resolve_client(struct http_server *server, struct http_exchange *exchange)
{
    const char *peer = http_connection_client(exchange->connection);
    const char *forwarded[HTTP_REQUEST_MAX_HEADERS];
    const struct http_request_header *header = NULL;
    size_t count = 0;

    exchange->client = peer;
    if (client_address_list_count(server->trusted_proxies) == 0 ||
        !client_address_list_contains(server->trusted_proxies, peer))
        return;
    while (exchange->request != NULL && count < HTTP_REQUEST_MAX_HEADERS &&
           (header = http_request_find(exchange->request, "X-Forwarded-For", header)) != NULL)
        forwarded[count++] = header->value;
    client_address_resolve(server->trusted_proxies, peer, forwarded, count, exchange->client_text);
    exchange->client = exchange->client_text;
}

/*
 * An exchange for request (NULL: a refused head) with its raw path, decoded
 * path and query in one allocation. Returns NULL without memory; *query_ok
 * says whether the query string was well-formed.
 */
static struct http_exchange *exchange_new(struct http_server *server,
                                          struct http_connection *connection,
                                          const struct http_request *request, const char *body,
                                          bool *query_ok)
{
    const char *target = request ? request->target : "/";
    size_t length = strlen(target);
    const char *question = strchr(target, '?');
    size_t path_length = question ? (size_t)(question - target) : length;
    struct http_exchange *exchange = malloc(sizeof(*exchange) + 2 * length + 3);
    char *raw_path, *path, *query;

    if (exchange == NULL)
        return NULL;
    /* Everything before the headers' room: zeroing 2 KB per request buys nothing. */
    memset(exchange, 0, offsetof(struct http_exchange, headers));
    exchange->server = server;
    exchange->connection = connection;
    exchange->request = request;
    exchange->body = body;
    exchange->method = request ? method_bit(request) : 0;
    if (server->options.metrics != NULL)
        clock_gettime(CLOCK_MONOTONIC, &exchange->started);
    raw_path = exchange->text;
    memcpy(raw_path, target, path_length);
    raw_path[path_length] = '\0';
    path = raw_path + path_length + 1;
    http_request_percent_decode(raw_path, path_length, path, false);
    query = path + strlen(path) + 1;
    memcpy(query, question ? question + 1 : "", question ? length - path_length : 1);
    exchange->raw_path = raw_path;
    exchange->path = path;
    resolve_client(server, exchange);
    *query_ok = parse_query(exchange, question ? query : NULL) == 0;
    server->in_flight++;
    return exchange;
}

static void route_exchange(struct http_server *server, struct http_exchange *exchange)
{
    const struct route_target *target;
    char allow[64];

    switch (router_match(server->router, exchange->method, exchange->raw_path, &exchange->match)) {
    case 0:
        target = exchange->match.target;
        exchange->metrics_route = target->metrics_route;
        target->handler(exchange, target->data);
        break;
    case ROUTER_ERROR_NOT_ALLOWED:
        if (exchange->method == ROUTER_OPTIONS) {
            http_reply_preflight(exchange, exchange->match.allowed);
            break;
        }
        router_format_allow(exchange->match.allowed | ROUTER_OPTIONS, allow, sizeof(allow));
        http_exchange_add_header(exchange, "Allow", allow);
        http_reply_problem(exchange, PROBLEM_METHOD_NOT_ALLOWED, "%s allows %s", exchange->path,
                           allow);
        break;
    case ROUTER_ERROR_NOT_FOUND:
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no resource at %s", exchange->path);
        break;
    case ROUTER_ERROR_UNROUTABLE:
        /* "OPTIONS * HTTP/1.1" asks about the server as a whole. */
        if (exchange->method == ROUTER_OPTIONS && strcmp(exchange->raw_path, "*") == 0) {
            http_reply_preflight(exchange, ROUTER_GET | ROUTER_POST | ROUTER_PUT | ROUTER_DELETE);
            break;
        }
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

/* Without memory for an exchange there is still an answer, and the connection closes. */
static void reply_without_memory(struct http_connection *connection)
{
    static const char head[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
                               "Connection: close\r\n\r\n";
    log_error(component, "no memory for a request");
    http_connection_respond(connection, head, sizeof(head) - 1, NULL, 0, true);
}

static void on_request(struct http_connection *connection, const struct http_request *request,
                       const char *body, void *data)
{
    struct http_server *server = data;
    bool query_ok = false;
    struct http_exchange *exchange = exchange_new(server, connection, request, body, &query_ok);

    if (exchange == NULL) {
        reply_without_memory(connection);
        return;
    }
    if (server->shutting_down) {
        http_exchange_add_header(exchange, "Retry-After", "1");
        http_reply_problem(exchange, PROBLEM_SHUTTING_DOWN, "the server is shutting down");
        return;
    }
    if (exchange->method == 0) {
        http_exchange_add_header(exchange, "Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
        http_reply_problem(exchange, PROBLEM_METHOD_NOT_ALLOWED, "method not supported");
        return;
    }
    if (request->content_length > (uint64_t)server->max_body_bytes) {
        http_reply_problem(
            exchange, PROBLEM_PAYLOAD_TOO_LARGE, "the body has %llu bytes; the limit is %lld",
            (unsigned long long)request->content_length, (long long)server->max_body_bytes);
        return;
    }
    if (!query_ok) {
        http_reply_problem(exchange, PROBLEM_BAD_REQUEST, "malformed query string");
        return;
    }
    route_exchange(server, exchange);
}

static enum problem_type refusal_problem(int status)
{
    switch (status) {
    case 411:
        return PROBLEM_LENGTH_REQUIRED;
    case 431:
        return PROBLEM_HEADERS_TOO_LARGE;
    case 505:
        return PROBLEM_VERSION_NOT_SUPPORTED;
    default:
        return PROBLEM_BAD_REQUEST;
    }
}

/* A head the parser refused is answered as a problem like any other; then the connection closes. */
static void on_refused(struct http_connection *connection,
                       const struct http_request_refusal *refusal, void *data)
{
    struct http_server *server = data;
    bool query_ok = false;
    struct http_exchange *exchange = exchange_new(server, connection, NULL, NULL, &query_ok);

    log_debug(component, "refused a request head from %s: %s", http_connection_client(connection),
              refusal->reason);
    if (exchange == NULL) {
        reply_without_memory(connection);
        return;
    }
    http_reply_problem(exchange, refusal_problem(refusal->status), "%s", refusal->reason);
}

/* An optional limiter: NULL when rate is 0, else *ok turns false when memory runs out. */
static struct rate_limit *optional_limit(double rate, double burst, bool *ok)
{
    struct rate_limit *limit = NULL;

    /* 4096 keys fit; beyond that the longest idle gives way. */
    if (rate > 0) {
        limit = rate_limit_new(rate, burst, 4096);
        *ok = *ok && limit != NULL;
    }
    return limit;
}

int http_server_new(struct event_base *base, const struct http_options *options,
                    struct http_server **out)
{
    struct http_server *server = calloc(1, sizeof(*server));
    double failures = (double)options->auth_failures_per_minute;
    char reason[128], cors_reason[256];
    bool ok = true;
    int result, cors;

    if (server == NULL)
        return HTTP_ERROR_NO_MEMORY;
    server->base = base;
    server->max_body_bytes = options->max_body_bytes;
    server->idle_timeout_seconds = options->idle_timeout_seconds;
    server->options = *options;
    server->write_limit =
        optional_limit((double)options->write_rate, (double)options->write_burst, &ok);
    server->admin_write_limit = optional_limit((double)options->admin_write_rate,
                                               2.0 * (double)options->admin_write_rate, &ok);
    server->auth_failure_limit = optional_limit(failures / 60.0, failures, &ok);
    server->router = router_new();
    result = client_address_list_parse(options->trusted_proxies, &server->trusted_proxies, reason,
                                       sizeof(reason));
    if (result == CLIENT_ADDRESS_ERROR_INVALID)
        log_error(component, "trusted_proxies: %s", reason);
    cors = cors_origins_parse(options->cors_origins ? options->cors_origins : "",
                              &server->cors_origins, cors_reason, sizeof(cors_reason));
    if (cors == CORS_ERROR_INVALID)
        log_error(component, "cors_origins: %s", cors_reason);
    if (server->router == NULL || !ok || result != 0 || cors != 0) {
        http_server_free(server);
        return result == CLIENT_ADDRESS_ERROR_INVALID || cors == CORS_ERROR_INVALID
                   ? HTTP_ERROR_OPTIONS
                   : HTTP_ERROR_NO_MEMORY;
    }
    *out = server;
    return 0;
}

int http_server_listen(struct http_server *server, const char *host, uint16_t port, char *bound,
                       size_t bound_size, char *error, size_t error_size)
{
    const struct http_options *settings = &server->options;
    struct http_connection_options options = {
        .max_body_bytes = server->max_body_bytes,
        .idle_timeout_seconds = (int)server->idle_timeout_seconds,
        .header_timeout_seconds = (int)settings->header_timeout_seconds,
        .max_connections = settings->max_connections,
        .max_connections_per_client = settings->max_connections_per_client,
        .max_streams = settings->max_streams,
        .max_streams_per_client = settings->max_streams_per_client,
        .exempt_peers = server->trusted_proxies,
        .metrics = settings->metrics,
        .shared_slots = settings->shared_slots,
        .reuse_port = settings->reuse_port};
    bool worker = server->on_hand_over != NULL;
    struct http_connection_handlers handlers = {on_request, on_refused,
                                                worker ? http_worker_answers_here : NULL,
                                                worker ? http_worker_hand_over : NULL, server};
    char address[128];

    if (http_connection_listen(server->base, host, port, &options, &handlers, &server->listener,
                               address, sizeof(address), error, error_size) != 0)
        return HTTP_ERROR_LISTEN;
    log_info(component, "listening on %s", address);
    if (bound != NULL)
        snprintf(bound, bound_size, "%s", address);
    return 0;
}

int http_server_route(struct http_server *server, unsigned methods, const char *pattern,
                      http_handler handler, void *data)
{
    struct route_target *target = &server->targets[server->target_count];
    size_t metrics_route = METRICS_ROUTE_OTHER;

    /* The router holds as many routes as there are targets: it refuses the one too many. */
    if (router_add(server->router, methods, pattern, target) != 0)
        return HTTP_ERROR_ROUTE;
    if (server->options.metrics != NULL &&
        metrics_add_route(server->options.metrics, pattern, &metrics_route) != 0)
        log_warning(component, "%s is counted under route=\"other\" in the metrics", pattern);
    *target = (struct route_target){handler, data, metrics_route};
    server->target_count++;
    return 0;
}

void http_server_begin_shutdown(struct http_server *server, void (*on_drained)(void *data),
                                void *data)
{
    server->shutting_down = true;
    server->on_drained = on_drained;
    server->on_drained_data = data;
    if (server->listener != NULL)
        http_connection_listener_stop(server->listener);
    notify_if_drained(server);
}

size_t http_server_in_flight(const struct http_server *server)
{
    return server->in_flight;
}

size_t http_server_connections_open(const struct http_server *server)
{
    return server->listener != NULL ? http_connection_listener_open(server->listener) : 0;
}

void http_server_free(struct http_server *server)
{
    if (server == NULL)
        return;
    http_connection_listener_free(server->listener);
    router_free(server->router);
    rate_limit_free(server->write_limit);
    rate_limit_free(server->admin_write_limit);
    rate_limit_free(server->auth_failure_limit);
    client_address_list_free(server->trusted_proxies);
    cors_origins_free(server->cors_origins);
    free(server);
}

const char *http_exchange_parameter(const struct http_exchange *exchange, const char *name)
{
    return router_match_parameter(&exchange->match, name);
}

/* Names match in any case, as evhttp's lookup did. */
const char *http_exchange_query(const struct http_exchange *exchange, const char *name)
{
    for (size_t i = 0; i < exchange->query_count; i++) {
        if (strcasecmp(exchange->query[i].name, name) == 0)
            return exchange->query[i].value;
    }
    return NULL;
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
    for (size_t i = 0; i < exchange->query_count; i++) {
        bool found = false;
        for (size_t j = 0; j < count && !found; j++)
            found = strcmp(exchange->query[i].name, known[j]) == 0;
        if (!found)
            return exchange->query[i].name;
    }
    return NULL;
}

int http_exchange_claim_stream(struct http_exchange *exchange)
{
    const struct http_options *options = &exchange->server->options;
    int result = http_connection_claim_stream(exchange->connection);
    char retry_after[16];

    if (result == 0) {
        exchange->long_lived = true;
        return 0;
    }
    metrics_count_refusal(options->metrics, result == HTTP_CONNECTION_ERROR_CLIENT_FULL
                                                ? METRICS_LIMIT_MAX_STREAMS_PER_CLIENT
                                                : METRICS_LIMIT_MAX_STREAMS);
    snprintf(retry_after, sizeof(retry_after), "%d", HTTP_CONNECTION_RETRY_AFTER_S);
    http_exchange_add_header(exchange, "Retry-After", retry_after);
    if (result == HTTP_CONNECTION_ERROR_CLIENT_FULL)
        http_reply_problem(exchange, PROBLEM_OVER_CAPACITY,
                           "too many event streams and long polls from this address (at most "
                           "%zu); close one or retry later",
                           options->max_streams_per_client);
    else
        http_reply_problem(exchange, PROBLEM_OVER_CAPACITY,
                           "the server has too many event streams and long polls (at most %zu); "
                           "retry later",
                           options->max_streams);
    return -1;
}

const char *http_exchange_client(const struct http_exchange *exchange)
{
    return exchange->client;
}

static void reply_rate_limited(struct http_exchange *exchange, int retry_after, const char *what,
                               const char *who)
{
    char header[16];

    snprintf(header, sizeof(header), "%d", retry_after);
    http_exchange_add_header(exchange, "Retry-After", header);
    http_reply_problem(exchange, PROBLEM_RATE_LIMITED, "too many %s %s; retry after %d s", what,
                       who, retry_after);
}

bool http_exchange_allow_writes(struct http_exchange *exchange, const char *token_id, bool admin,
                                size_t count)
{
    struct http_server *server = exchange->server;
    struct rate_limit *limit = admin ? server->admin_write_limit : server->write_limit;
    int retry_after = 1;
    char who[96];

    /* Reads are never limited: signs poll. */
    if (limit == NULL || http_exchange_is_read(exchange))
        return true;
    if (rate_limit_take(limit, token_id, count > 0 ? (double)count : 1.0, clock_monotonic_ms(),
                        &retry_after))
        return true;
    metrics_count_rate_limited(server->options.metrics,
                               admin ? METRICS_RATE_LIMIT_ADMIN_WRITES : METRICS_RATE_LIMIT_WRITES);
    snprintf(who, sizeof(who), "with the token %s", token_id);
    reply_rate_limited(exchange, retry_after, "writes", who);
    return false;
}

bool http_exchange_allow_auth_failure(struct http_exchange *exchange)
{
    struct rate_limit *limit = exchange->server->auth_failure_limit;
    int retry_after = 1;
    char key[CLIENT_ADDRESS_SIZE], who[96];

    if (limit == NULL)
        return true;
    client_address_limit_key(exchange->client, key);
    if (rate_limit_allow(limit, key, clock_monotonic_ms(), &retry_after))
        return true;
    log_debug(component, "refusing authentications from %s for %d s: too many failed", key,
              retry_after);
    metrics_count_rate_limited(exchange->server->options.metrics, METRICS_RATE_LIMIT_AUTH_FAILURES);
    snprintf(who, sizeof(who), "from %s", key);
    reply_rate_limited(exchange, retry_after, "failed authentications", who);
    return false;
}

int http_exchange_single_header(const struct http_exchange *exchange, const char *name,
                                const char **value)
{
    const struct http_request_header *header;

    *value = NULL;
    if (exchange->request == NULL)
        return 0;
    header = http_request_find(exchange->request, name, NULL);
    if (header == NULL)
        return 0;
    if (http_request_find(exchange->request, name, header) != NULL)
        return -1;
    *value = header->value;
    return 0;
}

/* "application/json", optionally with "; charset=utf-8" (any case). */
static bool is_json_content_type(const char *value)
{
    size_t length = strlen(WIRE_JSON_TYPE);
    if (value == NULL || strncasecmp(value, WIRE_JSON_TYPE, length) != 0)
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
    return strcasecmp(value, "charset=utf-8") == 0;
}

int http_exchange_json_body(struct http_exchange *exchange, json_t **body)
{
    const char *content_type = http_exchange_header(exchange, "Content-Type");
    size_t length = exchange->request != NULL ? (size_t)exchange->request->content_length : 0;
    json_error_t error;

    if (!is_json_content_type(content_type)) {
        http_reply_problem(exchange, PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                           "the body must be application/json, not %s",
                           content_type ? content_type : "untyped");
        return -1;
    }
    *body = json_loadb(exchange->body ? exchange->body : "", exchange->body ? length : 0,
                       JSON_REJECT_DUPLICATES, &error);
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
    const struct http_request_header *header =
        exchange->request ? http_request_find(exchange->request, name, NULL) : NULL;
    return header ? header->value : NULL;
}

void http_exchange_add_header(struct http_exchange *exchange, const char *name, const char *value)
{
    size_t room = sizeof(exchange->headers) - exchange->headers_length;
    int written =
        snprintf(exchange->headers + exchange->headers_length, room, "%s: %s\r\n", name, value);

    if (written < 0 || (size_t)written >= room) {
        log_error(component, "no room for the header %s", name);
        exchange->headers_overflow = true;
        return;
    }
    exchange->headers_length += (size_t)written;
}
