/* http_connection.h: HTTP/1.1 connections on libevent: accept, read, write answers. */
#ifndef PARKSHARE_HTTP_CONNECTION_H
#define PARKSHARE_HTTP_CONNECTION_H

#include "client_address.h"
#include "http_request.h"
#include "metrics.h"

#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

enum http_connection_error {
    HTTP_CONNECTION_ERROR_NO_MEMORY = -1,
    HTTP_CONNECTION_ERROR_LISTEN = -2,      /* the address could not be resolved or bound */
    HTTP_CONNECTION_ERROR_GONE = -3,        /* the client has gone: nothing more can be written */
    HTTP_CONNECTION_ERROR_FULL = -4,        /* the cap for all clients together is reached */
    HTTP_CONNECTION_ERROR_CLIENT_FULL = -5, /* the client address has reached its cap */
};

/* Retry-After, in seconds, of the 503 to a connection or stream over a cap. */
#define HTTP_CONNECTION_RETRY_AFTER_S 5

struct http_connection;
struct http_connection_listener;
struct http_slots;

/*
 * A connection a loop gives up to another: its socket, its peer, its
 * client's count in the shared slots, and the bytes read but not yet
 * answered (a whole head at least, exactly as they came). Borrowed by the
 * callback, which copies what it keeps.
 */
struct http_handover {
    evutil_socket_t fd;
    struct sockaddr_storage address;
    struct client_slot *slot;
    const char *bytes;
    size_t length;
};

/*
 * Connections over max_connections (all clients) or max_connections_per_client
 * (one address, IPv6 by its /64) are answered with a prebuilt 503 and
 * closed at accept; streams are counted by http_connection_claim_stream.
 */
struct http_connection_options {
    int64_t max_body_bytes;     /* a larger declared body is not read: see on_request */
    int idle_timeout_seconds;   /* for a body, and between keep-alive requests */
    int header_timeout_seconds; /* for a whole head, from accept or from its first byte */
    size_t max_connections;
    size_t max_connections_per_client;
    size_t max_streams; /* event streams and long polls together */
    size_t max_streams_per_client;
    /* Borrowed, may be NULL: peers held to the totals alone (trusted proxies carry many clients).
     */
    const struct client_address_list *exempt_peers;
    struct metrics *metrics; /* borrowed, may be NULL: refusals by limit are counted */
    /* Borrowed, may be NULL: counts shared with the other loops' listeners (its caps apply
     * then, not the ones above); NULL: the listener counts its own. */
    struct http_slots *shared_slots;
    bool reuse_port; /* SO_REUSEPORT: each loop listens on the same port */
};

/*
 * What a connection hands up, with data. Each call carries one request,
 * and that request must be answered exactly once, now or later, with
 * http_connection_respond or http_connection_stream_begin; requests on one
 * connection are handed up one at a time, the next only after that answer.
 *
 * on_request: a complete request. Its strings (method_text, target, field
 * names and values) are NUL-terminated in place, and with body (its
 * content_length bytes) stay valid until the answer. When the declared
 * Content-Length is over max_body_bytes the body is not read: body is NULL
 * and the connection closes after the answer (which should be 413).
 *
 * on_refused: a head the parser refused (refusal says why); answer it like
 * a request. The connection closes after that answer.
 */
struct http_connection_handlers {
    void (*on_request)(struct http_connection *connection, const struct http_request *request,
                       const char *body, void *data);
    void (*on_refused)(struct http_connection *connection,
                       const struct http_request_refusal *refusal, void *data);
    /*
     * May both be NULL. answers_here is asked about each parsed head before
     * anything else happens to it: false gives the connection up, socket,
     * slot and unanswered bytes, to on_hand_over, which owns them from then
     * on (and must close the socket and the slot if it cannot carry on).
     */
    bool (*answers_here)(const struct http_request *request, void *data);
    void (*on_hand_over)(const struct http_handover *handover, void *data);
    void *data;
};

/*
 * Listen on host:port (port 0 picks a free port) with options and
 * handlers (both copied) on base. The bound address is written into bound
 * as "http://host:port" ("http://[v6]:port"). Returns 0 with *listener
 * owned by the caller, or a negative enum http_connection_error with the
 * reason in error.
 */
int http_connection_listen(struct event_base *base, const char *host, uint16_t port,
                           const struct http_connection_options *options,
                           const struct http_connection_handlers *handlers,
                           struct http_connection_listener **listener, char *bound,
                           size_t bound_size, char *error, size_t error_size);

/*
 * Carry on a connection another loop gave up, as if listener had accepted
 * it: its bytes are read as if they had just arrived. On failure the
 * socket is closed and the slot uncounted.
 */
void http_connection_adopt(struct http_connection_listener *listener,
                           const struct http_handover *handover);

/* The port listener is bound to. */
uint16_t http_connection_listener_port(const struct http_connection_listener *listener);

/* The connections open now, streams included. */
size_t http_connection_listener_open(const struct http_connection_listener *listener);

/* Stop accepting and close the listening socket; open connections carry on. */
void http_connection_listener_stop(struct http_connection_listener *listener);

/*
 * Close every connection (a stream's on_close is called first) and free;
 * accepts NULL. Requests handed up must have been answered before.
 */
void http_connection_listener_free(struct http_connection_listener *listener);

/*
 * Count the current request as a stream or long poll of its client until
 * its answer is written (an ordinary answer) or, for a stream, until the
 * connection closes; a second claim for the same request is a no-op.
 * Returns 0, or HTTP_CONNECTION_ERROR_FULL / _CLIENT_FULL over a cap (the
 * connection then closes after its answer), or _GONE.
 */
int http_connection_claim_stream(struct http_connection *connection);

/* The client's numeric address (IPv4 or IPv6), taken at accept. */
const char *http_connection_client(const struct http_connection *connection);

/*
 * Whether the connection closes after the answer to its current request:
 * the client asked for it (or spoke HTTP/1.0 without keep-alive), the head
 * was refused, or the body was left unread.
 */
bool http_connection_closes(const struct http_connection *connection);

/*
 * Answer the current request with head and body (borrowed), written at
 * once with one writev; whatever the socket does not take is copied and
 * written when it can, so both may be freed when this returns. close: close
 * the connection after this answer whatever the request said. If the client
 * has gone, the answer is dropped (and the connection freed).
 */
void http_connection_respond(struct http_connection *connection, const char *head,
                             size_t head_length, const char *body, size_t body_length, bool close);

/*
 * How a body outlives http_connection_respond_kept when the socket does
 * not take all of it at once. keep(owner) is called at most once, and only
 * then: it returns a token that keeps the body's bytes alive and unchanged
 * (a reference taken, or a buffer whose ownership moves), or NULL when it
 * cannot (the rest is then copied). release(token) is called exactly once
 * for a token keep returned, when the bytes are written or the connection
 * closes, on the connection's loop thread.
 */
struct http_body_keeper {
    void *(*keep)(void *owner);
    void (*release)(void *token);
    void *owner;
};

/*
 * http_connection_respond, but the unsent rest of body is kept by
 * reference through keeper (borrowed; NULL: copied), not copied; only the
 * unsent rest of head is copied. The bytes kept count in
 * http_connection_queued_bytes like copied ones.
 */
void http_connection_respond_kept(struct http_connection *connection, const char *head,
                                  size_t head_length, const char *body, size_t body_length,
                                  const struct http_body_keeper *keeper, bool close);

/*
 * Answer the current request with a stream: head now, then whatever
 * http_connection_stream_write sends, until http_connection_stream_end.
 * The connection then belongs to the stream: it has no idle timeout, and
 * when the client goes (EOF, an error, a write that cannot drain) on_close
 * is called with data, once, and the connection is freed.
 */
void http_connection_stream_begin(struct http_connection *connection, const char *head,
                                  size_t head_length, void (*on_close)(void *data), void *data);

/*
 * Write parts to a stream at once, copying what the socket does not take.
 * Returns 0, or HTTP_CONNECTION_ERROR_GONE (or _NO_MEMORY) when the client
 * is gone (or the copy failed): then on_close will not be called and the
 * stream must be ended with http_connection_stream_end.
 */
int http_connection_stream_write(struct http_connection *connection, const struct iovec *parts,
                                 int count);

/* Bytes written to the connection that the client has not taken yet, copied or kept. */
size_t http_connection_queued_bytes(const struct http_connection *connection);

/*
 * End a stream: write tail (may be empty; skipped when flush is false, for
 * a client that stopped reading), then close once the output has drained.
 * on_close is not called.
 */
void http_connection_stream_end(struct http_connection *connection, const char *tail,
                                size_t tail_length, bool flush);

#endif
