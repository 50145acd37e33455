/* router.h: patterns of literal and {name} segments matched to a method and a path; pure. */
#ifndef PARKSHARE_ROUTER_H
#define PARKSHARE_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#define ROUTER_MAX_ROUTES     64
#define ROUTER_MAX_SEGMENTS   8 /* of a pattern, and of a path that can match one */
#define ROUTER_MAX_PARAMETERS 4 /* {name} segments in one pattern */

/* Request methods as bits; a route answers a set of them. */
enum router_method {
    ROUTER_GET = 1 << 0, /* a GET route answers HEAD too */
    ROUTER_HEAD = 1 << 1,
    ROUTER_POST = 1 << 2,
    ROUTER_PUT = 1 << 3,
    ROUTER_DELETE = 1 << 4,
    /* Never a route's: every path that has routes answers it (CORS preflights). */
    ROUTER_OPTIONS = 1 << 5,
};

enum router_error {
    ROUTER_ERROR_NO_MEMORY = -1,
    ROUTER_ERROR_ROUTE = -2,       /* a malformed pattern or method set, or too many routes */
    ROUTER_ERROR_NOT_FOUND = -3,   /* no route has this path */
    ROUTER_ERROR_NOT_ALLOWED = -4, /* routes have this path but not this method */
    ROUTER_ERROR_UNROUTABLE = -5,  /* no leading '/', or more segments than any pattern has */
    ROUTER_ERROR_NUL_BYTE = -6,    /* a segment decodes to a NUL byte */
};

struct router;

/* One {name} segment of the matched route and its percent-decoded value. */
struct router_parameter {
    const char *name; /* in the pattern, without braces; name_length bytes, not NUL-terminated */
    size_t name_length;
    const char *value; /* NUL-terminated, in the match's buffer */
};

/* The outcome of router_match; release it with router_match_deinit. */
struct router_match {
    const void *target; /* the route's target, when one matched */
    unsigned allowed;   /* the methods the path has (only filled for ROUTER_ERROR_NOT_ALLOWED) */
    size_t parameter_count;
    struct router_parameter parameters[ROUTER_MAX_PARAMETERS];
    char *decoded; /* owned: the decoded segments the values point into */
};

/* An empty router, or NULL without memory. */
struct router *router_new(void);

/* Free; accepts NULL. */
void router_free(struct router *router);

/*
 * Add a route: methods (enum router_method bits, not ROUTER_HEAD) on
 * pattern, made of literal segments and {name} segments that match one
 * non-empty path segment, e.g. "/v1/lots/{id}". pattern must outlive the
 * router; target is handed back by router_match. Returns 0 or
 * ROUTER_ERROR_ROUTE.
 */
int router_add(struct router *router, unsigned methods, const char *pattern, const void *target);

/*
 * Match method (one enum router_method bit) and raw_path (the request
 * path, still percent-encoded: it is split at '/' first, then each segment
 * decoded, '+' kept). The first route added that has both wins. Returns 0
 * with match->target and the parameters, or a negative enum router_error;
 * with ROUTER_ERROR_NOT_ALLOWED match->allowed holds the path's methods
 * (ROUTER_OPTIONS, which no route has, always ends there when the path has
 * routes: match->allowed is then what a preflight allows).
 * match needs router_match_deinit whatever the result.
 */
int router_match(const struct router *router, unsigned method, const char *raw_path,
                 struct router_match *match);

/* A parameter of the match by name ("id"), or NULL when the route has none. */
const char *router_match_parameter(const struct router_match *match, const char *name);

/* Free the match's buffer; accepts a match that was never filled if zeroed. */
void router_match_deinit(struct router_match *match);

/*
 * Write methods as an Allow header value, e.g. "GET, HEAD, DELETE" (GET
 * brings HEAD), OPTIONS last when it is among them. out holds at least 42
 * bytes for every method.
 */
void router_format_allow(unsigned methods, char *out, size_t size);

#endif
