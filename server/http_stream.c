/* http_stream.c: long-lived answers (Server-Sent Events): a head now, chunks as they come. */
#include "http_private.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>

struct http_stream {
    struct http_connection *connection;
    size_t buffer_limit;
    bool chunked;     /* HTTP/1.1; an HTTP/1.0 client's body ends with the connection */
    bool stalled;     /* a send found the client over its buffer: it is cut off, not flushed */
    bool limited;     /* the initial state is sent: sends are held to allowance */
    size_t allowance; /* buffer_limit, plus what is left of the initial state */
    void (*on_close)(void *data);
    void *data;
};

static const char component[] = "http";

/* The connection is gone: tell the owner, then forget the stream. */
static void on_connection_closed(void *data)
{
    struct http_stream *stream = data;
    stream->on_close(stream->data);
    free(stream);
}

/* HEAD gets the head a GET would, and no stream. */
static void reply_head_only(struct http_exchange *exchange, struct http_head *head)
{
    http_head_add(head, "Date: %s\r\nConnection: close\r\n\r\n",
                  http_server_date(exchange->server));
    http_connection_respond(exchange->connection, head->bytes, head->length, NULL, 0, true);
    http_exchange_free(exchange);
}

struct http_stream *http_exchange_detach(struct http_exchange *exchange, const char *content_type,
                                         size_t buffer_limit, void (*on_close)(void *data),
                                         void *data)
{
    struct http_stream *stream = calloc(1, sizeof(*stream));
    struct http_head head;

    exchange->status = 200; /* for the metrics: a stream counts when it starts */
    if (stream == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return NULL;
    }
    *stream = (struct http_stream){.connection = exchange->connection,
                                   .buffer_limit = buffer_limit,
                                   .chunked = exchange->request->minor_version == 1,
                                   .on_close = on_close,
                                   .data = data};
    http_head_begin(&head, exchange, 200, content_type, HTTP_REPLY_PUBLIC | HTTP_REPLY_NO_STORE);
    if (exchange->method == ROUTER_HEAD || head.overflow || exchange->headers_overflow) {
        free(stream);
        reply_head_only(exchange, &head);
        return NULL;
    }
    http_head_add(
        &head, "%sDate: %s\r\n%s\r\n", stream->chunked ? "Transfer-Encoding: chunked\r\n" : "",
        http_server_date(exchange->server), stream->chunked ? "" : "Connection: close\r\n");
    http_connection_stream_begin(exchange->connection, head.bytes, head.length,
                                 on_connection_closed, stream);
    http_exchange_free(exchange);
    return stream;
}

bool http_stream_send(struct http_stream *stream, const char *text, size_t length)
{
    char size_line[24];
    struct iovec parts[3] = {{size_line, 0}, {(void *)text, length}, {(void *)"\r\n", 2}};

    if (length == 0)
        return true; /* an empty chunk would end a chunked body */
    if (stream->limited) {
        size_t queued = http_connection_queued_bytes(stream->connection);
        /* As the initial state drains, its share of the allowance goes. */
        if (queued + stream->buffer_limit < stream->allowance)
            stream->allowance = queued + stream->buffer_limit;
        if (queued + length > stream->allowance) {
            stream->stalled = true;
            return false;
        }
    }
    if (!stream->chunked)
        return http_connection_stream_write(stream->connection, &parts[1], 1) == 0;
    parts[0].iov_len = (size_t)snprintf(size_line, sizeof(size_line), "%zx\r\n", length);
    return http_connection_stream_write(stream->connection, parts, 3) == 0;
}

void http_stream_initial_state_sent(struct http_stream *stream)
{
    stream->limited = true;
    stream->allowance = http_connection_queued_bytes(stream->connection) + stream->buffer_limit;
}

size_t http_stream_queued_bytes(const struct http_stream *stream)
{
    return http_connection_queued_bytes(stream->connection);
}

void http_stream_end(struct http_stream *stream)
{
    if (stream->stalled)
        log_debug(component, "cutting off a stream client that is not reading");
    http_connection_stream_end(stream->connection, stream->chunked ? "0\r\n\r\n" : "",
                               stream->chunked ? 5 : 0, !stream->stalled);
    free(stream);
}
