/* http_private.h: the server and the exchange, shared by http, http_reply and http_stream. */
#ifndef PARKSHARE_HTTP_PRIVATE_H
#define PARKSHARE_HTTP_PRIVATE_H

#include "client_address.h"
#include "cors.h"
#include "http.h"
#include "http_connection.h"
#include "router.h"

#include <time.h>

/* Room for the headers a handler adds (Allow, Retry-After, ETag, CSP, Age, Warning...). */
#define HTTP_EXCHANGE_HEADERS_SIZE 2048
/* Query parameters one request may carry. */
#define HTTP_EXCHANGE_MAX_QUERY 32

/* What a route leads to; the router hands it back as its target. */
struct route_target {
    http_handler handler;
    void *data;
    size_t metrics_route; /* the route template's slot in the metrics registry */
};

struct http_server {
    struct event_base *base;
    struct http_connection_listener *listener;
    int64_t max_body_bytes;
    int64_t idle_timeout_seconds;
    struct http_options options;
    struct rate_limit *write_limit;              /* per attendant token; NULL: not limited */
    struct rate_limit *admin_write_limit;        /* per admin token; NULL: not limited */
    struct rate_limit *auth_failure_limit;       /* per client address key; NULL: not limited */
    struct client_address_list *trusted_proxies; /* never NULL; may be empty */
    struct cors_origins *cors_origins;           /* never NULL; may allow no origin */
    struct router *router;
    struct route_target targets[ROUTER_MAX_ROUTES];
    size_t target_count;
    size_t in_flight;
    bool shutting_down;
    void (*on_drained)(void *data);
    void *on_drained_data;
    /* A worker's: the connections it does not answer go here (see http_server_hand_over). */
    void (*on_hand_over)(const struct http_handover *handover, void *data);
    void *hand_over_data;
    http_worker_decide decide; /* NULL: the routes without a query string */
    void *decide_data;
    time_t date_second; /* the second date was formatted for */
    char date[32];      /* "Sun, 06 Nov 1994 08:49:37 GMT" */
};

struct http_query_parameter {
    const char *name;  /* as sent (not decoded, as evhttp had it) */
    const char *value; /* percent-decoded, '+' as a space */
};

struct http_exchange {
    struct http_server *server;
    struct http_connection *connection;
    const struct http_request *request; /* NULL for a head the parser refused */
    const char *body;                   /* request->content_length bytes, or NULL */
    unsigned method; /* an enum router_method bit; 0 for a method no route may have */
    const char *raw_path;
    const char *path; /* decoded, for logs and details */
    struct http_query_parameter query[HTTP_EXCHANGE_MAX_QUERY];
    size_t query_count;
    struct router_match match; /* the route and its path parameters */
    /* For the metrics: the route's slot, the status answered, when the head was read, and
     * whether it is a stream or long poll (counted, never timed). */
    size_t metrics_route;
    int status;
    bool long_lived;
    struct timespec started;
    size_t headers_length;
    bool headers_overflow; /* a header did not fit: the answer becomes a 500 */
    char headers[HTTP_EXCHANGE_HEADERS_SIZE];
    const char *client; /* the connection's peer, or client_text behind a trusted proxy */
    char client_text[CLIENT_ADDRESS_SIZE];
    char text[]; /* raw path, decoded path and query, NUL-separated */
};

/* Room for a response head: the status line, the handler's headers and the fixed ones. */
#define HTTP_HEAD_SIZE (HTTP_EXCHANGE_HEADERS_SIZE + 512)

/* A response head being built; overflow says a piece did not fit (the head is then unusable). */
struct http_head {
    size_t length;
    bool overflow;
    char bytes[HTTP_HEAD_SIZE];
};

/* Append a formatted piece (a header line with its CRLF) to head. */
void http_head_add(struct http_head *head, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* A flag of http_head_begin beyond enum http_reply_flags: the answer varies by Accept-Encoding. */
#define HTTP_HEAD_VARY_ENCODING (1u << 8)

/*
 * Start head: the status line, the headers the handler added, then
 * Content-Type (unless NULL), X-Content-Type-Options, Cache-Control, the
 * CORS headers (Access-Control-Allow-Origin per cors_origins and the
 * request's Origin, Access-Control-Expose-Headers) and Vary (Origin when
 * cors_origins is a list, Accept-Encoding with HTTP_HEAD_VARY_ENCODING).
 */
void http_head_begin(struct http_head *head, const struct http_exchange *exchange, int status,
                     const char *content_type, unsigned flags);

/*
 * Answer a preflight (OPTIONS) on a path whose routes have methods: 204
 * with Allow, Access-Control-Allow-Methods, -Allow-Headers and -Max-Age.
 */
void http_reply_preflight(struct http_exchange *exchange, unsigned methods);

/* GET and HEAD: answers that carry an ETag and may go out gzip-encoded. */
bool http_exchange_is_read(const struct http_exchange *exchange);

/* The exchange is answered: free it, and tell a shutdown waiting for the last one. */
void http_exchange_free(struct http_exchange *exchange);

/*
 * On a worker's server (http_server_hand_over): whether request is
 * answered here, asked before its head is touched (data is the server),
 * and the hand-over of a connection that is not, to the server's callback.
 */
bool http_worker_answers_here(const struct http_request *request, void *data);
void http_worker_hand_over(const struct http_handover *handover, void *data);

/* The Date header's value for now, formatted at most once a second. */
const char *http_server_date(struct http_server *server);

#endif
