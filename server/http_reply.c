/* http_reply.c: the answer side of an exchange: response heads, ETag and 304, problem+json. */
#include "etag.h"
#include "http_private.h"
#include "log.h"

#include <parkshare/wire.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char component[] = "http";

static const char *reason_phrase(int status)
{
    static const struct {
        int status;
        const char *phrase;
    } phrases[] = {
        {200, "OK"},
        {201, "Created"},
        {204, "No Content"},
        {304, "Not Modified"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {409, "Conflict"},
        {411, "Length Required"},
        {413, "Content Too Large"},
        {415, "Unsupported Media Type"},
        {422, "Unprocessable Content"},
        {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"},
        {500, "Internal Server Error"},
        {503, "Service Unavailable"},
        {505, "HTTP Version Not Supported"},
    };
    for (size_t i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++) {
        if (phrases[i].status == status)
            return phrases[i].phrase;
    }
    /* The phrase carries no meaning (RFC 9112 4); the class is a fair one. */
    return status < 300   ? "OK"
           : status < 400 ? "Redirection"
           : status < 500 ? "Client Error"
                          : "Server Error";
}

void http_head_add(struct http_head *head, const char *format, ...)
{
    size_t room = sizeof(head->bytes) - head->length;
    va_list arguments;
    int written;

    va_start(arguments, format);
    written = vsnprintf(head->bytes + head->length, room, format, arguments);
    va_end(arguments);
    if (written < 0 || (size_t)written >= room)
        head->overflow = true;
    else
        head->length += (size_t)written;
}

void http_head_begin(struct http_head *head, const struct http_exchange *exchange, int status,
                     const char *content_type, unsigned flags)
{
    head->length = 0;
    head->overflow = false;
    http_head_add(head, "HTTP/1.1 %d %s\r\n%.*s", status, reason_phrase(status),
                  (int)exchange->headers_length, exchange->headers);
    if (content_type != NULL)
        http_head_add(head, "Content-Type: %s\r\n", content_type);
    http_head_add(head, "X-Content-Type-Options: nosniff\r\nCache-Control: %s\r\n",
                  flags & HTTP_REPLY_NO_STORE ? "no-store" : "no-cache");
    if (flags & HTTP_REPLY_PUBLIC)
        http_head_add(head, "Access-Control-Allow-Origin: *\r\n");
}

/* 1xx, 204 and 304 answers have no body and no Content-Length (RFC 9110 8.6). */
static bool has_body(int status)
{
    return status >= 200 && status != 204 && status != 304;
}

/* Connection: close when this answer is the connection's last; keep-alive for HTTP/1.0. */
static void add_framing(struct http_head *head, const struct http_exchange *exchange, int status,
                        size_t length, bool close)
{
    http_head_add(head, "Date: %s\r\n", http_server_date(exchange->server));
    if (has_body(status))
        http_head_add(head, "Content-Length: %zu\r\n", length);
    if (close)
        http_head_add(head, "Connection: close\r\n");
    else if (exchange->request != NULL && exchange->request->minor_version == 0)
        http_head_add(head, "Connection: keep-alive\r\n");
    http_head_add(head, "\r\n");
}

/*
 * The head is built here and written with the body in one writev; the
 * connection copies only what the socket does not take at once, so body
 * may be a snapshot's buffer that changes after this returns.
 */
void http_reply(struct http_exchange *exchange, int status, const char *content_type,
                const char *body, size_t length, const char *etag, unsigned flags)
{
    static const char failed[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
                                 "Connection: close\r\n\r\n";
    bool close = exchange->server->shutting_down || http_connection_closes(exchange->connection);
    bool read = http_exchange_is_read(exchange);
    char computed_etag[24];
    struct http_head head;

    if (status == 200 && read) {
        if (etag == NULL) {
            etag_of(body, length, computed_etag, sizeof(computed_etag));
            etag = computed_etag;
        }
        if (etag_matches(http_exchange_header(exchange, "If-None-Match"), etag))
            status = 304;
    }
    exchange->status = status; /* for the metrics, counted when the exchange is freed */
    http_head_begin(&head, exchange, status, status == 304 ? NULL : content_type, flags);
    if ((status == 200 || status == 304) && read)
        http_head_add(&head, "ETag: %s\r\n", etag);
    add_framing(&head, exchange, status, length, close);
    log_debug(component, "%s %s -> %d", exchange->method == ROUTER_HEAD ? "HEAD" : "request",
              exchange->path, status);
    if (head.overflow || exchange->headers_overflow) {
        log_error(component, "the answer's head does not fit; answering 500");
        exchange->status = 500;
        http_connection_respond(exchange->connection, failed, sizeof(failed) - 1, NULL, 0, true);
    } else {
        /* HEAD: the GET's Content-Length, and no body. */
        bool send_body = has_body(status) && exchange->method != ROUTER_HEAD;
        http_connection_respond(exchange->connection, head.bytes, head.length, body,
                                send_body ? length : 0, close);
    }
    http_exchange_free(exchange);
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
               HTTP_REPLY_NO_STORE | (http_exchange_is_read(exchange) ? HTTP_REPLY_PUBLIC : 0));
    free(document);
}
