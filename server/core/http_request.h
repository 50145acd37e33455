/* http_request.h: a strict HTTP/1.1 request-head parser (RFC 9112); pure, no I/O. */
#ifndef PARKSHARE_HTTP_REQUEST_H
#define PARKSHARE_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A head (request line, fields, the empty line) longer than this is refused with 431. */
#define HTTP_REQUEST_MAX_HEAD 16384
/* More header fields than this are refused with 431. */
#define HTTP_REQUEST_MAX_HEADERS 100

enum http_request_error {
    HTTP_REQUEST_INCOMPLETE = -1, /* no error yet, but the head does not end in the bytes given */
    HTTP_REQUEST_REFUSED = -2,    /* the head is refused: see struct http_request_refusal */
};

/*
 * The methods the daemon serves, and the ones it recognises only to answer
 * 405 with Allow (as every other well-formed method token is answered).
 */
enum http_request_method {
    HTTP_METHOD_OTHER = 0, /* any other method token: its text is in method */
    HTTP_METHOD_GET,
    HTTP_METHOD_HEAD,
    HTTP_METHOD_POST,
    HTTP_METHOD_PUT,
    HTTP_METHOD_DELETE,
};

/* A field as received: name and value (without surrounding whitespace) point into the bytes. */
struct http_request_header {
    const char *name;
    size_t name_length;
    const char *value;
    size_t value_length;
};

struct http_request {
    enum http_request_method method;
    const char *method_text; /* the method token, method_length bytes */
    size_t method_length;
    /*
     * The request target in origin form, "/path?query": an absolute-form
     * target ("http://host/path?query", RFC 9112 3.2.2) is reduced to its
     * path and query here (its authority is ignored: the daemon has one
     * origin); "*" only for OPTIONS; any target for CONNECT.
     */
    const char *target;
    size_t target_length;
    int minor_version; /* HTTP/1.0 or HTTP/1.1 */
    struct http_request_header headers[HTTP_REQUEST_MAX_HEADERS];
    size_t header_count;
    size_t head_length;      /* bytes of the head, its final empty line included */
    bool has_content_length; /* false: no body */
    uint64_t content_length;
    bool keep_alive;      /* HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with keep-alive */
    bool expect_continue; /* HTTP/1.1 with "Expect: 100-continue" */
};

/* Why a head was refused: the status to answer and a reason for a person. */
struct http_request_refusal {
    int status;         /* 400, 411, 431 or 505 */
    const char *reason; /* a static string */
};

/*
 * Parse the head at the start of bytes (length bytes; the body and any
 * pipelined request may follow it). Leading empty lines are skipped (RFC
 * 9112 2.2). Returns 0 with *request filled (its pointers point into bytes),
 * HTTP_REQUEST_INCOMPLETE when the head does not end within length bytes
 * and nothing seen so far is wrong (a head that reaches
 * HTTP_REQUEST_MAX_HEAD bytes is refused instead), or HTTP_REQUEST_REFUSED
 * with *refusal filled. Refused, strictly: a line not ending in CRLF (a
 * bare LF or CR), a request line other than "method SP target SP
 * HTTP/d.d", a version other than 1.0 or 1.1 (505), a target that is not
 * origin form (or absolute form, or "*" for OPTIONS), a field name that is
 * not a token or has whitespace before its colon, obs-fold, control
 * characters in a value, a Content-Length that is not digits or disagrees
 * with another, any Transfer-Encoding (411: bodies are taken by
 * Content-Length only), too many fields or too long a head (431).
 */
int http_request_parse(const char *bytes, size_t length, struct http_request *request,
                       struct http_request_refusal *refusal);

/*
 * The next field named name (any case) after after (NULL: from the first),
 * or NULL when there is none.
 */
const struct http_request_header *http_request_find(const struct http_request *request,
                                                    const char *name,
                                                    const struct http_request_header *after);

/*
 * Percent-decode length bytes of text into out (which may be text itself:
 * decoding only shrinks) and NUL-terminate it; '+' becomes a space when
 * plus is true (query values). A '%' not followed by two hex digits stays
 * as it is, as evhttp had it. Returns the decoded length: more than
 * strlen(out) when a byte decoded to NUL.
 */
size_t http_request_percent_decode(const char *text, size_t length, char *out, bool plus);

#endif
