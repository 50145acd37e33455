/* http_reply.c: the answer side of an exchange: response heads, ETag and 304, CORS, gzip,
 * problem+json. */
#include "cors.h"
#include "etag.h"
#include "gzip.h"
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

/* Access-Control-Allow-Origin per cors_origins, the headers a page may read, and Vary. */
static void add_cors(struct http_head *head, const struct http_exchange *exchange, unsigned flags)
{
    const struct cors_origins *origins = exchange->server->cors_origins;
    bool vary_origin = false;
    /* With "*" the request's Origin changes nothing: no header search on the hot path. */
    const char *origin = cors_allow_origin(
        origins, cors_needs_origin(origins) ? http_exchange_header(exchange, "Origin") : NULL,
        &vary_origin);
    bool vary_encoding = (flags & HTTP_HEAD_VARY_ENCODING) != 0;

    if (origin != NULL)
        http_head_add(head, "Access-Control-Allow-Origin: %s\r\n", origin);
    http_head_add(head, "Access-Control-Expose-Headers: " CORS_EXPOSE_HEADERS "\r\n");
    if (vary_origin || vary_encoding)
        http_head_add(head, "Vary: %s%s%s\r\n", vary_origin ? "Origin" : "",
                      vary_origin && vary_encoding ? ", " : "",
                      vary_encoding ? "Accept-Encoding" : "");
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
    add_cors(head, exchange, flags);
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

bool http_exchange_wants_gzip(const struct http_exchange *exchange, const char *content_type,
                              size_t length)
{
    return http_exchange_is_read(exchange) && gzip_worth(content_type, length) &&
           gzip_accepted(http_exchange_header(exchange, "Accept-Encoding"));
}

/*
 * What a reply sends and how its bytes live past the call when the socket
 * does not take them at once: shared (a rendered answer, held by a
 * reference then), owned (built for this answer alone, handed over then)
 * or neither (borrowed: the connection copies the rest, as for a list
 * cache's kept answer, which has no reference count and goes when the
 * snapshot's revision moves).
 */
struct reply_body {
    const char *bytes;
    size_t length;
    const char *etag;                     /* NULL: the body's own, etag_of */
    const struct gzip_copy *copy;         /* a kept gzip copy beside a borrowed body, or NULL */
    const struct rendered_answer *shared; /* bytes are its body; its gzip copy lives as long */
    char *owned;                          /* bytes, malloc'd, taken over by the reply */
};

/* What is sent: the identity body, or its gzip copy (kept, or compressed for this answer). */
struct representation {
    const char *body;
    size_t length;
    const char *etag;
    bool gzip;
    char *compressed; /* owned: compressed for this answer alone */
    char etag_text[32];
};

/* Choose the encoding and its tag; the body is taken only once the answer is known not a 304. */
static void choose(const struct http_exchange *exchange, const char *content_type,
                   const struct gzip_copy *copy, struct representation *chosen)
{
    if (!http_exchange_wants_gzip(exchange, content_type, chosen->length))
        return;
    if (copy != NULL && copy->body != NULL)
        chosen->gzip = snprintf(chosen->etag_text, sizeof(chosen->etag_text), "%s", copy->etag) <
                       (int)sizeof(chosen->etag_text);
    else
        chosen->gzip =
            etag_variant(chosen->etag, "gzip", chosen->etag_text, sizeof(chosen->etag_text)) == 0;
    if (chosen->gzip)
        chosen->etag = chosen->etag_text;
}

/* The gzip bytes: the kept copy, else compressed now; without memory the identity body. */
static void take_gzip_body(const struct gzip_copy *copy, struct representation *chosen,
                           const char *identity_etag)
{
    if (copy != NULL && copy->body != NULL) {
        chosen->body = copy->body;
        chosen->length = copy->length;
    } else if (gzip_compress(chosen->body, chosen->length, &chosen->compressed, &chosen->length) ==
               0) {
        chosen->body = chosen->compressed;
    } else {
        log_error(component, "cannot gzip an answer of %zu bytes; sending it as it is",
                  chosen->length);
        chosen->gzip = false;
        chosen->etag = identity_etag;
    }
}

/* A shared answer kept past the call: a reference of the connection's own, dropped on any thread.
 */
static void *hold_answer(void *answer)
{
    return rendered_answer_hold(answer);
}

static void drop_answer(void *answer)
{
    rendered_answer_drop(answer);
}

/* An owned buffer kept past the call: owner is where the reply holds it; it moves out. */
static void *take_owned(void *owner)
{
    char **slot = owner, *taken = *slot;

    *slot = NULL;
    return taken;
}

/*
 * How the bytes sent live past the call (see struct reply_body): a gzip
 * copy made for this answer moves to the connection, a shared answer's
 * body or gzip copy is held, anything else is copied.
 */
static bool choose_keeper(struct representation *chosen, struct reply_body *body,
                          struct http_body_keeper *keeper)
{
    if (chosen->compressed != NULL && chosen->body == chosen->compressed)
        *keeper = (struct http_body_keeper){take_owned, free, &chosen->compressed};
    else if (body->shared != NULL)
        *keeper = (struct http_body_keeper){hold_answer, drop_answer, (void *)body->shared};
    else if (body->owned != NULL && chosen->body == body->owned)
        *keeper = (struct http_body_keeper){take_owned, free, &body->owned};
    else
        return false;
    return true;
}

/*
 * The head is built here and written with the body in one writev; the
 * connection copies what the socket does not take at once unless the
 * body is kept (choose_keeper), so a borrowed body may be a snapshot's
 * buffer that changes after this returns.
 */
static void reply_with(struct http_exchange *exchange, int status, const char *content_type,
                       struct reply_body *body, unsigned flags)
{
    static const char failed[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
                                 "Connection: close\r\n\r\n";
    bool close = exchange->server->shutting_down || http_connection_closes(exchange->connection);
    bool read = http_exchange_is_read(exchange);
    struct representation chosen = {body->bytes, body->length, body->etag, false, NULL, ""};
    char computed_etag[24];
    const char *etag = body->etag;
    struct http_body_keeper keeper;
    struct http_head head;

    if (status == 200 && read) {
        if (etag == NULL) {
            etag_of(body->bytes, body->length, computed_etag, sizeof(computed_etag));
            chosen.etag = etag = computed_etag;
        }
        if (gzip_worth(content_type, body->length))
            flags |= HTTP_HEAD_VARY_ENCODING;
        choose(exchange, content_type, body->copy, &chosen);
        if (etag_matches(http_exchange_header(exchange, "If-None-Match"), chosen.etag))
            status = 304;
        else if (chosen.gzip)
            take_gzip_body(body->shared != NULL ? rendered_answer_gzip(body->shared) : body->copy,
                           &chosen, etag);
    }
    exchange->status = status; /* for the metrics, counted when the exchange is freed */
    http_head_begin(&head, exchange, status, status == 304 ? NULL : content_type, flags);
    if (chosen.gzip && status == 200)
        http_head_add(&head, "Content-Encoding: gzip\r\n");
    if ((status == 200 || status == 304) && read)
        http_head_add(&head, "ETag: %s\r\n", chosen.etag);
    add_framing(&head, exchange, status, chosen.length, close);
    log_debug(component, "%s %s -> %d", exchange->method == ROUTER_HEAD ? "HEAD" : "request",
              exchange->path, status);
    if (head.overflow || exchange->headers_overflow) {
        log_error(component, "the answer's head does not fit; answering 500");
        exchange->status = 500;
        http_connection_respond(exchange->connection, failed, sizeof(failed) - 1, NULL, 0, true);
    } else {
        /* HEAD: the GET's Content-Length, and no body. */
        bool send_body = has_body(status) && exchange->method != ROUTER_HEAD;
        bool kept = send_body && choose_keeper(&chosen, body, &keeper);
        http_connection_respond_kept(exchange->connection, head.bytes, head.length, chosen.body,
                                     send_body ? chosen.length : 0, kept ? &keeper : NULL, close);
    }
    free(chosen.compressed); /* NULL when the connection took it over */
    free(body->owned);
    body->owned = NULL;
    http_exchange_free(exchange);
}

void http_reply(struct http_exchange *exchange, int status, const char *content_type,
                const char *body, size_t length, const char *etag, unsigned flags)
{
    struct reply_body borrowed = {body, length, etag, NULL, NULL, NULL};

    reply_with(exchange, status, content_type, &borrowed, flags);
}

/* http_reply for a body built for this answer alone (malloc'd): taken over, freed by the reply. */
static void reply_owned(struct http_exchange *exchange, int status, const char *content_type,
                        char *body, size_t length, unsigned flags)
{
    struct reply_body owned = {body, length, NULL, NULL, NULL, body};

    reply_with(exchange, status, content_type, &owned, flags);
}

void http_reply_encoded(struct http_exchange *exchange, const char *content_type, const char *body,
                        size_t length, const char *etag, const struct gzip_copy *gzip,
                        unsigned flags)
{
    struct reply_body borrowed = {body, length, etag, gzip, NULL, NULL};

    reply_with(exchange, 200, content_type, &borrowed, flags);
}

void http_reply_answer(struct http_exchange *exchange, const char *content_type,
                       const struct rendered_answer *answer, unsigned flags)
{
    /* The gzip copy's tag is the identity tag's variant, made or not: choose needs no copy. */
    struct reply_body shared = {answer->body, answer->body_length, answer->etag, NULL, answer,
                                NULL};

    reply_with(exchange, 200, content_type, &shared, flags);
}

void http_reply_preflight(struct http_exchange *exchange, unsigned methods)
{
    char allow[64], allowed_methods[64], max_age[16];

    router_format_allow(methods | ROUTER_OPTIONS, allow, sizeof(allow));
    router_format_allow(methods, allowed_methods, sizeof(allowed_methods));
    snprintf(max_age, sizeof(max_age), "%d", CORS_MAX_AGE_SECONDS);
    http_exchange_add_header(exchange, "Allow", allow);
    http_exchange_add_header(exchange, "Access-Control-Allow-Methods", allowed_methods);
    http_exchange_add_header(exchange, "Access-Control-Allow-Headers", CORS_ALLOW_HEADERS);
    http_exchange_add_header(exchange, "Access-Control-Max-Age", max_age);
    http_reply(exchange, 204, NULL, "", 0, NULL, HTTP_REPLY_NO_STORE);
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
    reply_owned(exchange, status, WIRE_JSON_TYPE, text, strlen(text), flags);
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
    reply_owned(exchange, problem_status(type), WIRE_PROBLEM_TYPE, document, length,
                HTTP_REPLY_NO_STORE | (http_exchange_is_read(exchange) ? HTTP_REPLY_PUBLIC : 0));
}
