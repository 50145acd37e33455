/* http.h: HTTP plumbing: exchanges, limits, streams, problem+json, ETag, CORS. */
#ifndef PARKSHARE_HTTP_H
#define PARKSHARE_HTTP_H

#include "gzip.h"
#include "metrics.h"
#include "problem.h"
#include "rendered_answer.h"

#include <event2/event.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum http_error {
    HTTP_ERROR_NO_MEMORY = -1,
    HTTP_ERROR_LISTEN = -2,  /* the address could not be bound */
    HTTP_ERROR_ROUTE = -3,   /* a malformed route pattern or too many routes */
    HTTP_ERROR_OPTIONS = -4, /* an option is malformed (trusted_proxies) */
};

/* How a reply is sent. */
enum http_reply_flags {
    /* Historic: every answer now carries the CORS headers cors_origins calls for. */
    HTTP_REPLY_PUBLIC = 1 << 0,
    HTTP_REPLY_NO_STORE = 1 << 1, /* Cache-Control: no-store instead of no-cache */
};

struct http_options {
    int64_t max_body_bytes;   /* a larger body is answered 413, without being read */
    int64_t write_rate;       /* writes per second per attendant token; 0: no limit */
    int64_t write_burst;      /* writes an attendant token may send at once */
    int64_t admin_write_rate; /* writes per second per admin token (bursts of 2x); 0: none */
    int64_t auth_failures_per_minute; /* per client address; 0: no limit */
    const char *trusted_proxies;      /* addresses and CIDR blocks whose X-Forwarded-For is read */
    const char *cors_origins;         /* "*", or origins a page may call from; NULL: none */
    int64_t idle_timeout_seconds;     /* for a request body, and between keep-alive requests */
    int64_t header_timeout_seconds;   /* for a whole request head, however slowly it comes */
    size_t max_connections;           /* over a cap a connection gets a 503 and is closed */
    size_t max_connections_per_client;
    size_t max_streams; /* event streams and long polls together */
    size_t max_streams_per_client;
    struct metrics *metrics; /* borrowed, may be NULL: requests, refusals and 429s are counted */
    /* Borrowed, may be NULL: connection and stream counts shared by every loop's server (their
     * caps apply); NULL: the server counts its own with the caps above. */
    struct http_slots *shared_slots;
    bool reuse_port; /* SO_REUSEPORT, for a server per loop on one port */
};

struct http_server;
struct http_slots;
struct http_handover;

/*
 * One request in flight, from routing until its reply. Handlers receive it
 * and must answer it exactly once with an http_reply_* function, which
 * frees it; a handler may keep it and answer later (after a Redis reply).
 */
struct http_exchange;

typedef void (*http_handler)(struct http_exchange *exchange, void *data);

/*
 * A server on base with options (copied). Returns 0 with *server owned by
 * the caller, HTTP_ERROR_OPTIONS for malformed trusted_proxies or
 * cors_origins, or HTTP_ERROR_NO_MEMORY.
 */
int http_server_new(struct event_base *base, const struct http_options *options,
                    struct http_server **server);

/*
 * Listen on host:port (port 0 picks a free one). The bound address is
 * logged as "listening on http://…" and written into bound (may be NULL).
 * Returns 0 or HTTP_ERROR_LISTEN with the reason in error.
 */
int http_server_listen(struct http_server *server, const char *host, uint16_t port, char *bound,
                       size_t bound_size, char *error, size_t error_size);

/* The port the server listens on (0 before listening). */
uint16_t http_server_port(const struct http_server *server);

/*
 * Make server a worker's: it answers the GETs and HEADs its routes have,
 * without a query string, and gives every other connection up, at its
 * first such request, to on_hand_over (see struct http_handover) before
 * anything is read from it. While shutting down it answers everything
 * itself (with 503). Call before http_server_listen.
 */
void http_server_hand_over(struct http_server *server,
                           void (*on_hand_over)(const struct http_handover *handover, void *data),
                           void *data);

/*
 * On a worker's server: whether it answers a GET or HEAD whose path
 * (undecoded, NUL-terminated) one of its routes has, with query (the raw
 * bytes after '?', query_length of them; NULL when the target has none).
 * Asked before the head is touched; a request with a body is never asked
 * (it is handed over). When it answers true, the route's handler is called
 * for that request next, on the same thread, before any other is decided.
 */
typedef bool (*http_worker_decide)(const char *path, const char *query, size_t query_length,
                                   void *data);

/* Set the decision (default: a route's path without a query string is answered here). */
void http_server_decide(struct http_server *server, http_worker_decide decide, void *data);

/*
 * Carry on a connection a worker gave up as this server's own, its bytes
 * read as if they had just come. Must run on server's loop.
 */
void http_server_adopt(struct http_server *server, const struct http_handover *handover);

/*
 * Route methods (enum router_method bits) on pattern: literal segments and
 * {name} segments that match one non-empty path segment, e.g.
 * "/v1/lots/{id}" (see router.h). A path that matches a route but not its
 * method gets 405 with Allow; a path that matches none gets 404. pattern
 * and data must outlive the server. Returns 0 or HTTP_ERROR_ROUTE.
 */
int http_server_route(struct http_server *server, unsigned methods, const char *pattern,
                      http_handler handler, void *data);

/*
 * Stop accepting connections and answer new requests on open connections
 * with 503. on_drained is called (once, from the loop) when no exchange is in
 * flight any more, which may be at once.
 */
void http_server_begin_shutdown(struct http_server *server, void (*on_drained)(void *data),
                                void *data);

/* The number of exchanges not yet answered. */
size_t http_server_in_flight(const struct http_server *server);

/* The client connections open now (0 before listening). */
size_t http_server_connections_open(const struct http_server *server);

/*
 * Close every connection and free; accepts NULL. Exchanges still in flight
 * must have been answered before (their owners cancel them first).
 */
void http_server_free(struct http_server *server);

/* A path parameter by name ("id"), percent-decoded; NULL when absent. */
const char *http_exchange_parameter(const struct http_exchange *exchange, const char *name);

/* A query parameter by name, decoded; NULL when absent. */
const char *http_exchange_query(const struct http_exchange *exchange, const char *name);

/*
 * The integer query parameter name, or fallback when it is absent, into
 * *value. A value that is not a decimal integer from minimum to maximum is
 * answered 422 with the rule "must be <unit> from <minimum> to <maximum>"
 * (unit such as "an integer" or "whole seconds"): then the exchange is
 * gone and -1 is returned; otherwise 0.
 */
int http_exchange_query_integer(struct http_exchange *exchange, const char *name, const char *unit,
                                int64_t minimum, int64_t maximum, int64_t fallback, int64_t *value);

/*
 * The first query parameter whose name is not among known (count names),
 * or NULL when all are known.
 */
const char *http_exchange_unknown_query(const struct http_exchange *exchange,
                                        const char *const *known, size_t count);

/*
 * Count the exchange as an event stream or long poll of its client (call
 * it before the exchange waits): the count ends with the answer, or for a
 * stream (http_exchange_detach) when its connection closes. Over
 * max_streams or max_streams_per_client the exchange is answered 503
 * (over-capacity, with Retry-After), the connection closes after it, and
 * -1 is returned; otherwise 0.
 */
int http_exchange_claim_stream(struct http_exchange *exchange);

/* A request header by name; NULL when absent. */
const char *http_exchange_header(const struct http_exchange *exchange, const char *name);

/*
 * The client's address (numeric IP), for logs, limits and the audit,
 * resolved once per exchange: the peer's, or, when the peer is a trusted
 * proxy, the one its X-Forwarded-For names (see client_address_resolve).
 * Valid as long as the exchange.
 */
const char *http_exchange_client(const struct http_exchange *exchange);

/*
 * Count count writes (a batch's updates; at least one is counted) against
 * the token token_id (its id, never its secret), admin tokens against the
 * admin limit. Reads are never limited. Returns true when they may go
 * ahead, or false after answering 429 with Retry-After (the exchange is
 * gone).
 */
bool http_exchange_allow_writes(struct http_exchange *exchange, const char *token_id, bool admin,
                                size_t count);

/*
 * Count a failed authentication (a missing, malformed, unknown or revoked
 * token) against the client's address. Returns true while the client is
 * within auth_failures_per_minute (the caller answers its 401), or false
 * after answering 429 with Retry-After (the exchange is gone).
 */
bool http_exchange_allow_auth_failure(struct http_exchange *exchange);

/*
 * The request body as JSON (conflicting Content-Length headers were
 * refused with 400 before routing). Checks, in order: Content-Type application/json (415),
 * well-formed JSON without duplicate object keys (400 naming line, column and the parser's reason).
 * On success returns 0 and a new reference in *body; otherwise the exchange has been answered (and
 * freed) and -1 is returned.
 */
int http_exchange_json_body(struct http_exchange *exchange, json_t **body);

/*
 * The value of a request header that may appear at most once. Returns 0
 * with *value (NULL when absent), or -1 when it appears twice or more.
 */
int http_exchange_single_header(const struct http_exchange *exchange, const char *name,
                                const char **value);

/*
 * A long-lived answer (Server-Sent Events) to one client: a 200 whose body
 * is sent piece by piece, chunked (an HTTP/1.0 client gets the body
 * delimited by the close instead).
 */
struct http_stream;

/*
 * Answer the exchange with a stream of content_type: the head (with the
 * exchange's headers and those of a public GET) is sent now, the exchange
 * is freed and no longer counts as in flight. A client that has more than
 * buffer_limit bytes waiting is over its buffer (see http_stream_send).
 * When the client goes away on_close(data) is called once, and then the
 * stream is freed: its owner must forget it. Returns the stream, or NULL
 * when there is none to send on: a HEAD is answered with the head alone,
 * or memory ran out (then a 500 was answered).
 */
struct http_stream *http_exchange_detach(struct http_exchange *exchange, const char *content_type,
                                         size_t buffer_limit, void (*on_close)(void *data),
                                         void *data);

/*
 * Send length bytes of text (copied when the socket does not take them at
 * once). Returns false, sending nothing, when the client is gone or would
 * have more than the stream's buffer_limit bytes waiting: then the owner
 * must end the stream (on_close will not be called).
 */
bool http_stream_send(struct http_stream *stream, const char *text, size_t length);

/*
 * The stream's initial state has been sent. Until this call sends are not
 * limited, so a state larger than buffer_limit is sent in full; afterwards
 * a send fails when the client would have more than buffer_limit bytes
 * waiting beyond what is still left of the initial state.
 */
void http_stream_initial_state_sent(struct http_stream *stream);

/* Bytes sent to the stream that its client has not taken yet. */
size_t http_stream_queued_bytes(const struct http_stream *stream);

/*
 * End the stream and free it: the last chunk is sent and the connection
 * closed once it has drained; a client over its buffer is cut off at once.
 * on_close is not called.
 */
void http_stream_end(struct http_stream *stream);

/* Add a response header before the reply (e.g. Retry-After). */
void http_exchange_add_header(struct http_exchange *exchange, const char *name, const char *value);

/*
 * Answer with body (length bytes, copied) of content_type. A 200 answer to a
 * GET gets an ETag computed from the body unless etag is given, and becomes
 * 304 when If-None-Match matches it. It is gzip-encoded, compressed now,
 * when http_exchange_wants_gzip says so: then its ETag is etag with "-gzip"
 * inside the quotes, and that is the tag If-None-Match must name. Frees the
 * exchange.
 */
void http_reply(struct http_exchange *exchange, int status, const char *content_type,
                const char *body, size_t length, const char *etag, unsigned flags);

/*
 * Whether a 200 answer of content_type and length bytes to this exchange
 * is sent gzip-encoded: a GET or HEAD whose Accept-Encoding accepts gzip,
 * and an answer gzip_worth compressing.
 */
bool http_exchange_wants_gzip(const struct http_exchange *exchange, const char *content_type,
                              size_t length);

/*
 * Answer 200 with a shared rendered answer (borrowed for the call: when
 * the socket does not take the whole body at once, the connection takes a
 * reference of its own, rendered_answer_hold, and drops it once the rest
 * is written or the client is gone; the bytes are never copied). A client
 * that accepts gzip gets the answer's gzip copy, made by the first such
 * request (rendered_answer_gzip), kept by the same reference.
 */
void http_reply_answer(struct http_exchange *exchange, const char *content_type,
                       const struct rendered_answer *answer, unsigned flags);

/*
 * Answer 200 like http_reply, for a body kept with its gzip copy (gzip;
 * NULL when none is kept): a client that accepts gzip gets the copy and its
 * tag, so a cached answer is compressed once, not per request. Without a
 * copy a gzip answer is compressed now, as http_reply does.
 */
void http_reply_encoded(struct http_exchange *exchange, const char *content_type, const char *body,
                        size_t length, const char *etag, const struct gzip_copy *gzip,
                        unsigned flags);

/*
 * Answer with an RFC 9457 problem document; detail is printf-style. The
 * exchange is freed.
 */
void http_reply_problem(struct http_exchange *exchange, enum problem_type type,
                        const char *detail_format, ...) __attribute__((format(printf, 3, 4)));

/*
 * Answer with a problem document that carries extension members
 * (borrowed, may be NULL), e.g. {"errors":[{"field":…,"rule":…}]}.
 */
void http_reply_problem_with(struct http_exchange *exchange, enum problem_type type,
                             const json_t *extensions, const char *detail);

/*
 * Answer 422 for one broken rule: detail "field: rule" and
 * {"errors":[{"field":…,"rule":…}]}. The exchange is freed.
 */
void http_reply_invalid(struct http_exchange *exchange, const char *field, const char *rule);

/* Answer with a JSON document (borrowed), serialised compactly. */
void http_reply_json(struct http_exchange *exchange, int status, const json_t *document,
                     unsigned flags);

#endif
