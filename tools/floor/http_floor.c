/* http_floor.c: a fixed body over HTTP/1.1 on one core, evhttp against raw libevent. */

/*
 * A measuring stick for docs/benchmarks.md, not part of the daemon:
 *
 *   http-floor evhttp|raw PORT FILE
 *
 * answers every request on 127.0.0.1:PORT with FILE's bytes (200,
 * application/json, keep-alive). "evhttp" is libevent's HTTP server at its
 * best: the epoll changelist, a body added by reference, no routing.
 * "raw" is what an HTTP layer of our own on the same event loop would do:
 * one persistent read event per connection, read(2) into a fixed buffer,
 * each complete request head answered at once with one writev(2) of a
 * prebuilt head and the body, a write event only when the socket is full.
 * It parses nothing beyond the end of a head: it shows the floor of the
 * system calls, not a server.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

struct floor {
    struct event_base *base;
    char *body;
    size_t body_length;
    char head[256];
    size_t head_length;
};

struct connection {
    struct floor *floor;
    struct event *readable;
    struct event *writable;
    char input[16384];
    size_t used;
    size_t answers_owed; /* answers not yet written because the socket was full */
    size_t written;      /* bytes of the first owed answer already sent */
};

static void connection_free(struct connection *connection)
{
    evutil_socket_t fd = event_get_fd(connection->readable);
    event_free(connection->readable);
    event_free(connection->writable);
    close(fd);
    free(connection);
}

/* Write owed answers; returns -1 when the connection is gone. */
static int flush_answers(struct connection *connection, evutil_socket_t fd)
{
    struct floor *floor = connection->floor;
    size_t answer_length = floor->head_length + floor->body_length;

    while (connection->answers_owed > 0) {
        struct iovec parts[2];
        size_t offset = connection->written;
        int count = 0;
        ssize_t sent;
        if (offset < floor->head_length)
            parts[count++] = (struct iovec){floor->head + offset, floor->head_length - offset};
        parts[count++] = (struct iovec){
            floor->body + (offset > floor->head_length ? offset - floor->head_length : 0),
            floor->body_length - (offset > floor->head_length ? offset - floor->head_length : 0)};
        sent = writev(fd, parts, count);
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            event_add(connection->writable, NULL);
            return 0;
        }
        if (sent <= 0)
            return -1;
        connection->written += (size_t)sent;
        if (connection->written == answer_length) {
            connection->written = 0;
            connection->answers_owed--;
        }
    }
    event_del(connection->writable);
    return 0;
}

static void on_readable(evutil_socket_t fd, short what, void *data)
{
    struct connection *connection = data;
    ssize_t got = read(fd, connection->input + connection->used,
                       sizeof(connection->input) - connection->used);
    char *end;

    if (got <= 0) {
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        connection_free(connection);
        return;
    }
    connection->used += (size_t)got;
    /* Every complete head is one request (pipelining included). */
    while ((end = memmem(connection->input, connection->used, "\r\n\r\n", 4)) != NULL) {
        size_t consumed = (size_t)(end + 4 - connection->input);
        memmove(connection->input, end + 4, connection->used - consumed);
        connection->used -= consumed;
        connection->answers_owed++;
    }
    if (connection->used == sizeof(connection->input) || flush_answers(connection, fd) != 0)
        connection_free(connection);
}

static void on_writable(evutil_socket_t fd, short what, void *data)
{
    struct connection *connection = data;
    if (flush_answers(connection, fd) != 0)
        connection_free(connection);
}

static void on_accept(struct evconnlistener *listener, evutil_socket_t fd, struct sockaddr *address,
                      int length, void *data)
{
    struct floor *floor = data;
    struct connection *connection = calloc(1, sizeof(*connection));
    int one = 1;

    if (connection == NULL) {
        close(fd);
        return;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    connection->floor = floor;
    connection->readable =
        event_new(floor->base, fd, EV_READ | EV_PERSIST, on_readable, connection);
    connection->writable =
        event_new(floor->base, fd, EV_WRITE | EV_PERSIST, on_writable, connection);
    if (connection->readable == NULL || connection->writable == NULL ||
        event_add(connection->readable, NULL) != 0) {
        if (connection->readable != NULL)
            event_free(connection->readable);
        if (connection->writable != NULL)
            event_free(connection->writable);
        free(connection);
        close(fd);
    }
}

static void on_evhttp_request(struct evhttp_request *request, void *data)
{
    struct floor *floor = data;
    struct evbuffer *out = evhttp_request_get_output_buffer(request);
    evhttp_add_header(evhttp_request_get_output_headers(request), "Content-Type",
                      "application/json");
    evbuffer_add_reference(out, floor->body, floor->body_length, NULL, NULL);
    evhttp_send_reply(request, 200, "OK", NULL);
}

static int read_body(const char *path, struct floor *floor)
{
    struct stat status;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int result = -1;

    if (fd < 0)
        return -1;
    if (fstat(fd, &status) != 0 || (floor->body = malloc((size_t)status.st_size + 1)) == NULL)
        goto close_file;
    floor->body_length = (size_t)status.st_size;
    if (read(fd, floor->body, floor->body_length) == (ssize_t)floor->body_length)
        result = 0;
close_file:
    close(fd);
    return result;
}

int main(int argc, char **argv)
{
    struct floor floor = {0};
    struct event_config *config = event_config_new();
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct evconnlistener *listener = NULL;
    struct evhttp *http = NULL;
    int listening = 0;

    if (argc != 4 || (strcmp(argv[1], "evhttp") != 0 && strcmp(argv[1], "raw") != 0)) {
        fprintf(stderr, "usage: http-floor evhttp|raw PORT FILE\n");
        return 2;
    }
    if (config == NULL || read_body(argv[3], &floor) != 0) {
        fprintf(stderr, "http-floor: cannot read %s\n", argv[3]);
        return 1;
    }
    event_config_set_flag(config, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    floor.base = event_base_new_with_config(config);
    event_config_free(config);
    floor.head_length = (size_t)snprintf(floor.head, sizeof(floor.head),
                                         "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                         "Content-Length: %zu\r\n\r\n",
                                         floor.body_length);
    address.sin_port = htons((uint16_t)atoi(argv[2]));
    if (strcmp(argv[1], "raw") == 0) {
        listener = evconnlistener_new_bind(floor.base, on_accept, &floor,
                                           LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE, 1024,
                                           (struct sockaddr *)&address, sizeof(address));
        listening = listener != NULL;
    } else if ((http = evhttp_new(floor.base)) != NULL &&
               evhttp_bind_socket(http, "127.0.0.1", (uint16_t)atoi(argv[2])) == 0) {
        evhttp_set_gencb(http, on_evhttp_request, &floor);
        listening = 1;
    }
    if (!listening) {
        fprintf(stderr, "http-floor: cannot listen on port %s\n", argv[2]);
        return 1;
    }
    event_base_dispatch(floor.base);
    return 0;
}
