/* http_connection.c: HTTP/1.1 connections on libevent: read requests, write answers, timeouts. */
#include "http_connection.h"

#include "http_connection_private.h"

#include "log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * After the last answer the connection shuts its side and reads (and
 * drops) until the client closes, for at most LINGER_TIMEOUT_S between
 * reads and LINGER_TOTAL_S in all: a close with unread input makes the
 * kernel send a reset, which can destroy the answer before the client
 * reads it (a 413 while the client still sends the body it declared).
 */
#define LINGER_TIMEOUT_S 2
#define LINGER_TOTAL_S   10
#define LISTEN_BACKLOG   1024

static const char component[] = "http";

static void process(struct http_connection *connection);

/* A stream or long poll ended (or never was): its count is given back. */
static void release_stream(struct http_connection *connection)
{
    if (connection->holds_stream)
        http_slots_release_stream(connection->listener->slots, connection->slot);
    connection->holds_stream = false;
}

static void close_socket(struct http_connection *connection)
{
    if (connection->readable != NULL)
        event_free(connection->readable);
    if (connection->writable != NULL)
        event_free(connection->writable);
    connection->readable = connection->writable = NULL;
    release_stream(connection);
    /* Nothing more is written: a body kept by reference is given back now. */
    http_output_clear(&connection->output);
    if (connection->fd >= 0) {
        if (close(connection->fd) != 0)
            log_debug(component, "close: %s", strerror(errno));
        http_slots_close(connection->listener->slots, connection->slot);
        connection->slot = NULL;
        http_listener_descriptor_freed(connection->listener);
    }
    connection->fd = -1;
    connection->gone = true;
}

static void connection_free(struct http_connection *connection)
{
    close_socket(connection);
    LIST_REMOVE(connection, link);
    free(connection->body);
    http_output_clear(&connection->output);
    free(connection);
}

/*
 * Free a connection whose client is gone, unless the loop that hands
 * requests up is running or a request still waits for its answer. A
 * stream's owner hears of it first.
 */
static void settle(struct http_connection *connection)
{
    void (*on_close)(void *) = connection->on_close;

    if (!connection->gone || connection->owed || connection->dispatching)
        return;
    connection->on_close = NULL;
    if (on_close != NULL)
        on_close(connection->close_data);
    connection_free(connection);
}

static bool output_empty(const struct http_connection *connection)
{
    return http_output_empty(&connection->output);
}

/*
 * Write parts at once when nothing is queued before them; queue whatever
 * the socket does not take (the last part's rest kept through keeper, may
 * be NULL; the rest copied) and arm the write event. Returns 0,
 * HTTP_CONNECTION_ERROR_GONE or HTTP_CONNECTION_ERROR_NO_MEMORY.
 */
static int write_parts(struct http_connection *connection, const struct iovec *parts, int count,
                       const struct http_body_keeper *keeper)
{
    struct timeval *idle = &connection->listener->idle;
    bool was_empty = output_empty(connection);
    size_t total = 0;
    ssize_t sent = 0;

    if (connection->gone)
        return HTTP_CONNECTION_ERROR_GONE;
    for (int i = 0; i < count; i++)
        total += parts[i].iov_len;
    if (was_empty) {
        sent = writev(connection->fd, parts, count);
        if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return HTTP_CONNECTION_ERROR_GONE;
        if (sent < 0)
            sent = 0;
        if ((size_t)sent == total)
            return 0;
    }
    if (http_output_queue(&connection->output, parts, count, (size_t)sent, keeper) != 0)
        return HTTP_CONNECTION_ERROR_NO_MEMORY;
    if (was_empty && event_add(connection->writable, idle) != 0)
        return HTTP_CONNECTION_ERROR_NO_MEMORY;
    return 0;
}

/* Write what is queued; 0 (all written, or the socket is full) or HTTP_CONNECTION_ERROR_GONE. */
static int flush_output(struct http_connection *connection)
{
    int result = http_output_flush(&connection->output, connection->fd);

    if (result <= 0)
        return result;
    return event_del(connection->writable) == 0 ? 0 : HTTP_CONNECTION_ERROR_GONE;
}

/* The answer is written: shut our side and read until the client closes its own. */
static void start_lingering(struct http_connection *connection)
{
    struct timeval linger = {LINGER_TIMEOUT_S, 0};

    connection->state = STATE_LINGERING;
    connection->reading_paused = false;
    if (event_base_gettimeofday_cached(connection->listener->base, &connection->lingering_since) !=
            0 ||
        shutdown(connection->fd, SHUT_WR) != 0 || event_add(connection->readable, &linger) != 0)
        close_socket(connection);
}

/* The first byte of a head (or a new connection): the whole head is due within header_timeout. */
static void start_head_clock(struct http_connection *connection)
{
    struct timeval now;

    if (event_base_gettimeofday_cached(connection->listener->base, &now) != 0)
        evutil_gettimeofday(&now, NULL);
    evutil_timeradd(&now, &connection->listener->header, &connection->head_deadline);
    connection->head_clock = true;
}

/*
 * The read event's timeout for what is awaited now: what is left of the
 * head's time while a head is due (a deadline that more bytes do not
 * move), else idle_timeout (a body, keep-alive idleness, an owed answer).
 */
static int arm_reading(struct http_connection *connection)
{
    struct timeval wait = connection->listener->idle, now;

    if (connection->head_clock && !connection->head_parsed && !connection->owed &&
        output_empty(connection)) {
        if (event_base_gettimeofday_cached(connection->listener->base, &now) != 0)
            evutil_gettimeofday(&now, NULL);
        if (evutil_timercmp(&connection->head_deadline, &now, >))
            evutil_timersub(&connection->head_deadline, &now, &wait);
        else
            wait = (struct timeval){0, 0};
    }
    return event_add(connection->readable, &wait);
}

/* After an answer or a drain: close, or carry on with the requests that wait. */
static void resume(struct http_connection *connection)
{
    if (!connection->gone && output_empty(connection)) {
        if (connection->state == STATE_CLOSING)
            start_lingering(connection);
        else if (connection->state == STATE_READING && !connection->dispatching) {
            connection->reading_paused = false;
            process(connection);
            if (!connection->gone && connection->state == STATE_READING &&
                !connection->reading_paused && arm_reading(connection) != 0)
                close_socket(connection);
        }
    }
    settle(connection);
}

/* The parser's pointers become C strings: the byte after each is a separator or the CR. */
static void terminate_strings(struct http_connection *connection)
{
    struct http_request *request = &connection->request;
    char *input = connection->input;

    input[request->method_text - input + (ptrdiff_t)request->method_length] = '\0';
    input[request->target - input + (ptrdiff_t)request->target_length] = '\0';
    for (size_t i = 0; i < request->header_count; i++) {
        const struct http_request_header *header = &request->headers[i];
        input[header->name - input + (ptrdiff_t)header->name_length] = '\0';
        input[header->value - input + (ptrdiff_t)header->value_length] = '\0';
    }
}

static bool body_complete(const struct http_connection *connection)
{
    if (connection->body_unread)
        return true;
    if (connection->body != NULL)
        return connection->body_received == connection->request.content_length;
    return connection->used >= connection->consumed;
}

/*
 * Where the body goes: after the head in input when it fits (no copy, no
 * allocation), else a buffer of its own. A body over the limit is not read
 * at all; the answer (413) is given at once and the connection closed.
 */
static void begin_body(struct http_connection *connection)
{
    static const char go_on[] = "HTTP/1.1 100 Continue\r\n\r\n";
    const struct http_request *request = &connection->request;
    uint64_t length = request->has_content_length ? request->content_length : 0;
    size_t head = request->head_length, received = connection->used - head;

    if (length > (uint64_t)connection->listener->options.max_body_bytes) {
        connection->body_unread = true;
        connection->close_after = true;
        connection->consumed = connection->used;
        return;
    }
    connection->consumed = head + (size_t)length;
    if (head + length > sizeof(connection->input)) {
        connection->body = malloc((size_t)length);
        if (connection->body == NULL) {
            log_error(component, "no memory for a body of %llu bytes", (unsigned long long)length);
            close_socket(connection);
            return;
        }
        memcpy(connection->body, connection->input + head, received);
        connection->body_received = received;
        connection->consumed = connection->used;
    }
    /* The client waits for this before it sends the body (RFC 9110 10.1.1). */
    if (request->expect_continue && !body_complete(connection)) {
        struct iovec part = {(void *)go_on, sizeof(go_on) - 1};
        if (write_parts(connection, &part, 1, NULL) != 0)
            close_socket(connection);
    }
}

/*
 * Give the connection up before its head is touched (its strings are not
 * terminated yet, so its bytes are still exactly what the client sent):
 * the socket, the slot and the bytes go to on_hand_over; what is left here
 * is freed by settle() as a connection whose client has gone.
 */
static void hand_over(struct http_connection *connection)
{
    const struct http_connection_handlers *handlers = &connection->listener->handlers;
    struct http_handover handover = {connection->fd, connection->address, connection->slot,
                                     connection->input, connection->used};

    event_free(connection->readable);
    event_free(connection->writable);
    connection->readable = connection->writable = NULL;
    connection->fd = -1;
    connection->slot = NULL;
    connection->gone = true;
    handlers->on_hand_over(&handover, handlers->data);
}

/* Parse when a line has ended since the last try; false when nothing can go on yet. */
static bool parse_head(struct http_connection *connection)
{
    const struct http_connection_handlers *handlers = &connection->listener->handlers;
    struct http_request_refusal refusal;
    size_t fresh = connection->used - connection->scanned;
    int result;

    if (fresh == 0 || (connection->used < sizeof(connection->input) &&
                       memchr(connection->input + connection->scanned, '\n', fresh) == NULL)) {
        connection->scanned = connection->used;
        return false;
    }
    connection->scanned = connection->used;
    result =
        http_request_parse(connection->input, connection->used, &connection->request, &refusal);
    if (result == HTTP_REQUEST_INCOMPLETE)
        return false;
    connection->head_clock = false;
    if (result == HTTP_REQUEST_REFUSED) {
        connection->close_after = true;
        connection->owed = true;
        connection->consumed = connection->used;
        handlers->on_refused(connection, &refusal, handlers->data);
        return true;
    }
    if (handlers->answers_here != NULL &&
        !handlers->answers_here(&connection->request, handlers->data)) {
        hand_over(connection);
        return true;
    }
    terminate_strings(connection);
    connection->head_parsed = true;
    begin_body(connection);
    return true;
}

static void hand_up(struct http_connection *connection)
{
    const struct http_connection_handlers *handlers = &connection->listener->handlers;
    const char *body = connection->body;

    if (body == NULL && !connection->body_unread)
        body = connection->input + connection->request.head_length;
    connection->owed = true;
    connection->head_parsed = false;
    handlers->on_request(connection, &connection->request, body, handlers->data);
}

/*
 * Hand complete requests up one at a time: the next only once the last is
 * answered and its answer written, so answers keep the requests' order
 * and one client's work in flight stays one request.
 */
static void process(struct http_connection *connection)
{
    connection->dispatching = true;
    while (!connection->gone && !connection->owed && connection->state == STATE_READING &&
           output_empty(connection)) {
        if (!connection->head_parsed) {
            if (!parse_head(connection))
                break;
        } else if (body_complete(connection)) {
            hand_up(connection);
        } else {
            break;
        }
    }
    connection->dispatching = false;
}

static bool lingered_enough(const struct http_connection *connection)
{
    struct timeval now;
    return event_base_gettimeofday_cached(connection->listener->base, &now) != 0 ||
           now.tv_sec - connection->lingering_since.tv_sec >= LINGER_TOTAL_S;
}

/* Drop what the client sends when nothing more is read from it (a stream, a closing connection). */
static void discard_input(struct http_connection *connection)
{
    ssize_t got = read(connection->fd, connection->input, sizeof(connection->input));

    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (got > 0 && connection->state != STATE_LINGERING)
        return;
    if (got > 0 && !lingered_enough(connection))
        return;
    if (got == 0 && connection->state == STATE_CLOSING) {
        /* Half-closed: the client may still read the answer being written. */
        if (event_del(connection->readable) != 0)
            close_socket(connection);
        return;
    }
    close_socket(connection);
}

static void read_request_bytes(struct http_connection *connection)
{
    uint64_t length = connection->request.content_length;
    bool into_body =
        connection->head_parsed && connection->body != NULL && connection->body_received < length;
    char *target = into_body ? connection->body + connection->body_received
                             : connection->input + connection->used;
    size_t room = into_body ? (size_t)length - connection->body_received
                            : sizeof(connection->input) - connection->used;
    ssize_t got;

    if (room == 0) {
        /* Full while a request is owed: read again once it is answered. */
        connection->reading_paused = true;
        if (event_del(connection->readable) != 0)
            close_socket(connection);
        return;
    }
    got = read(connection->fd, target, room);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (got <= 0) {
        close_socket(connection); /* EOF or an error: an owed answer is dropped */
        return;
    }
    if (into_body)
        connection->body_received += (size_t)got;
    else
        connection->used += (size_t)got;
    if (!connection->head_parsed && !connection->owed && !connection->head_clock)
        start_head_clock(connection); /* the next head after keep-alive idleness */
    if (!connection->owed)
        process(connection);
}

static void on_readable(evutil_socket_t fd, short events, void *data)
{
    struct http_connection *connection = data;

    if (events & EV_TIMEOUT) {
        /*
         * Idle, or a head or body too slow. An owed request, an answer still
         * being written (the write event has its own timeout) or a stream
         * waits on.
         */
        if (connection->state == STATE_LINGERING ||
            (connection->state == STATE_READING && !connection->owed && output_empty(connection)))
            close_socket(connection);
        else if (event_add(connection->readable, &connection->listener->idle) != 0)
            close_socket(connection); /* waiting on: never again with a spent head deadline */
    } else if (connection->state == STATE_READING) {
        read_request_bytes(connection);
        /* After every wakeup, even one that read nothing: a read must not move the deadline. */
        if (!connection->gone && connection->state == STATE_READING &&
            !connection->reading_paused && arm_reading(connection) != 0)
            close_socket(connection);
    } else {
        discard_input(connection);
    }
    settle(connection);
}

static void on_writable(evutil_socket_t fd, short events, void *data)
{
    struct http_connection *connection = data;

    /* A client that takes nothing for the idle timeout is given up. */
    if ((events & EV_TIMEOUT) || flush_output(connection) != 0)
        close_socket(connection);
    resume(connection);
}

void http_connection_format_address(const struct sockaddr *address, char *out, size_t size)
{
    const void *bytes = address->sa_family == AF_INET6
                            ? (const void *)&((const struct sockaddr_in6 *)address)->sin6_addr
                            : (const void *)&((const struct sockaddr_in *)address)->sin_addr;
    if (inet_ntop(address->sa_family, bytes, out, (socklen_t)size) == NULL)
        snprintf(out, size, "unknown");
}

/* A connection on fd, reading; NULL (fd closed, slot uncounted) when memory runs out. */
static struct http_connection *connection_open(struct http_connection_listener *listener,
                                               evutil_socket_t fd, const struct sockaddr *address,
                                               struct client_slot *slot)
{
    struct http_connection *connection = malloc(sizeof(*connection));
    int one = 1;

    if (connection == NULL) {
        log_error(component, "no memory for a connection");
        close(fd);
        http_slots_close(listener->slots, slot);
        return NULL;
    }
    memset(connection, 0, offsetof(struct http_connection, input));
    connection->listener = listener;
    connection->fd = fd;
    connection->slot = slot;
    LIST_INSERT_HEAD(&listener->connections, connection, link);
    memcpy(&connection->address, address,
           address->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                          : sizeof(struct sockaddr_in));
    http_connection_format_address(address, connection->client, sizeof(connection->client));
    /* Answers are written whole: Nagle would only hold their last segment back. */
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
        log_debug(component, "TCP_NODELAY: %s", strerror(errno));
    connection->readable =
        event_new(listener->base, fd, EV_READ | EV_PERSIST, on_readable, connection);
    connection->writable =
        event_new(listener->base, fd, EV_WRITE | EV_PERSIST, on_writable, connection);
    /* From accept, the first head is due within header_timeout, sent or not. */
    start_head_clock(connection);
    if (connection->readable == NULL || connection->writable == NULL ||
        arm_reading(connection) != 0) {
        log_error(component, "no memory for a connection's events");
        connection_free(connection);
        return NULL;
    }
    return connection;
}

void http_connection_start(struct http_connection_listener *listener, evutil_socket_t fd,
                           const struct sockaddr *address, struct client_slot *slot)
{
    connection_open(listener, fd, address, slot);
}

void http_connection_adopt(struct http_connection_listener *listener,
                           const struct http_handover *handover)
{
    struct http_connection *connection = connection_open(
        listener, handover->fd, (const struct sockaddr *)&handover->address, handover->slot);

    if (connection == NULL)
        return;
    if (handover->length > sizeof(connection->input)) {
        connection_free(connection);
        return;
    }
    /* The head clock starts again here: the head is whole, the bytes were only in transit. */
    memcpy(connection->input, handover->bytes, handover->length);
    connection->used = handover->length;
    resume(connection);
}

void http_connection_close_all(struct http_connection_listener *listener)
{
    while (!LIST_EMPTY(&listener->connections)) {
        struct http_connection *connection = LIST_FIRST(&listener->connections);
        close_socket(connection);
        connection->owed = connection->dispatching = false;
        settle(connection);
    }
}

int http_connection_claim_stream(struct http_connection *connection)
{
    int result;

    if (connection->holds_stream)
        return 0;
    if (connection->gone)
        return HTTP_CONNECTION_ERROR_GONE;
    result = http_slots_claim_stream(connection->listener->slots, connection->slot);
    if (result != 0) {
        connection->close_after = true; /* refused: the answer is the connection's last */
        return result == CLIENT_SLOTS_ERROR_CLIENT_FULL ? HTTP_CONNECTION_ERROR_CLIENT_FULL
                                                        : HTTP_CONNECTION_ERROR_FULL;
    }
    connection->holds_stream = true;
    return 0;
}

const char *http_connection_client(const struct http_connection *connection)
{
    return connection->client;
}

bool http_connection_closes(const struct http_connection *connection)
{
    return connection->close_after || !connection->request.keep_alive;
}

/* The owed request is answered: forget it and its bytes, keep what was pipelined after it. */
static void finish_request(struct http_connection *connection, bool close)
{
    connection->close_after |= close || !connection->request.keep_alive;
    connection->owed = false;
    memmove(connection->input, connection->input + connection->consumed,
            connection->used - connection->consumed);
    connection->used -= connection->consumed;
    connection->consumed = connection->scanned = 0;
    free(connection->body);
    connection->body = NULL;
    connection->body_received = 0;
    connection->body_unread = false;
    connection->head_clock = false;
    if (connection->used > 0)
        start_head_clock(connection);
    if (connection->close_after && connection->state == STATE_READING)
        connection->state = STATE_CLOSING;
}

void http_connection_respond(struct http_connection *connection, const char *head,
                             size_t head_length, const char *body, size_t body_length, bool close)
{
    http_connection_respond_kept(connection, head, head_length, body, body_length, NULL, close);
}

void http_connection_respond_kept(struct http_connection *connection, const char *head,
                                  size_t head_length, const char *body, size_t body_length,
                                  const struct http_body_keeper *keeper, bool close)
{
    struct iovec parts[2] = {{(void *)head, head_length}, {(void *)body, body_length}};

    if (write_parts(connection, parts, body_length > 0 ? 2 : 1, body_length > 0 ? keeper : NULL) !=
        0)
        close_socket(connection);
    release_stream(connection); /* a long poll's count ends with its answer */
    finish_request(connection, close);
    resume(connection);
}

void http_connection_stream_begin(struct http_connection *connection, const char *head,
                                  size_t head_length, void (*on_close)(void *data), void *data)
{
    struct iovec part = {(void *)head, head_length};

    finish_request(connection, false);
    connection->state = STATE_STREAMING;
    connection->on_close = on_close;
    connection->close_data = data;
    /* A stream lives as long as its client: on_readable ignores the read timeout now. */
    if (write_parts(connection, &part, 1, NULL) != 0) {
        connection->on_close = NULL; /* the owner learns it from the next write */
        close_socket(connection);
    }
}

int http_connection_stream_write(struct http_connection *connection, const struct iovec *parts,
                                 int count)
{
    int result = write_parts(connection, parts, count, NULL);
    if (result != 0) {
        connection->on_close = NULL;
        close_socket(connection);
    }
    return result;
}

size_t http_connection_queued_bytes(const struct http_connection *connection)
{
    return http_output_queued(&connection->output);
}

void http_connection_stream_end(struct http_connection *connection, const char *tail,
                                size_t tail_length, bool flush)
{
    struct iovec part = {(void *)tail, tail_length};

    connection->on_close = NULL;
    if (!flush || (tail_length > 0 && write_parts(connection, &part, 1, NULL) != 0))
        close_socket(connection);
    connection->state = STATE_CLOSING;
    resume(connection);
}
