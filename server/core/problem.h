/* problem.h: RFC 9457 problem details, shaped as JSON; pure, no I/O. */
#ifndef PARKSHARE_PROBLEM_H
#define PARKSHARE_PROBLEM_H

#include <jansson.h>
#include <stddef.h>

/*
 * Every error the HTTP API can answer. Each type has one status, one slug
 * (its "type" is the relative URI "/problems/<slug>") and one title, so a
 * client can branch on "type" and show "detail" to a person.
 */
enum problem_type {
    PROBLEM_BAD_REQUEST = 0,        /* 400 malformed input */
    PROBLEM_UNAUTHORIZED,           /* 401 no or bad token */
    PROBLEM_FORBIDDEN,              /* 403 token not allowed here */
    PROBLEM_NOT_FOUND,              /* 404 no such resource */
    PROBLEM_METHOD_NOT_ALLOWED,     /* 405 */
    PROBLEM_CONFLICT,               /* 409 state conflict */
    PROBLEM_PAYLOAD_TOO_LARGE,      /* 413 body over max_body */
    PROBLEM_UNSUPPORTED_MEDIA_TYPE, /* 415 wrong Content-Type */
    PROBLEM_VALIDATION,             /* 422 well-formed but invalid */
    PROBLEM_RATE_LIMITED,           /* 429 */
    PROBLEM_INTERNAL,               /* 500 a bug or an exhausted resource */
    PROBLEM_STORE_UNAVAILABLE,      /* 503 Redis cannot be reached */
    PROBLEM_SHUTTING_DOWN,          /* 503 the daemon is stopping */
    PROBLEM_LENGTH_REQUIRED,        /* 411 a body framed other than by Content-Length */
    PROBLEM_HEADERS_TOO_LARGE,      /* 431 a request head over 16384 bytes or 100 fields */
    PROBLEM_VERSION_NOT_SUPPORTED,  /* 505 not HTTP/1.0 or HTTP/1.1 */
    PROBLEM_OVER_CAPACITY,          /* 503 a connection or stream cap is reached */
    PROBLEM_NOT_REPLICATED,         /* 503 too few replicas confirmed a write (WAIT) */
    PROBLEM_TYPE_COUNT,
};

/* The HTTP status, slug and title of a problem type. */
int problem_status(enum problem_type type);
const char *problem_slug(enum problem_type type);
const char *problem_title(enum problem_type type);

/*
 * Build the problem document {"type","title","status","detail"} plus the
 * members of extensions (borrowed, may be NULL; its "type", "title",
 * "status" and "detail" are ignored). detail may be NULL, then the title
 * is repeated. Returns a new reference, or NULL when out of memory.
 */
json_t *problem_new(enum problem_type type, const char *detail, const json_t *extensions);

/*
 * The same document serialised compactly; the caller frees the string.
 * *length receives its length. NULL when out of memory.
 */
char *problem_render(enum problem_type type, const char *detail, const json_t *extensions,
                     size_t *length);

#endif
