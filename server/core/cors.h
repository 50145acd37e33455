/* cors.h: which origins' pages may read the API (CORS), and the headers that say so; pure. */
#ifndef PARKSHARE_CORS_H
#define PARKSHARE_CORS_H

#include <stdbool.h>
#include <stddef.h>

/* The request headers a preflight allows: a token, a JSON body, revalidation, a retried write. */
#define CORS_ALLOW_HEADERS "Authorization, Content-Type, If-None-Match, Idempotency-Key"
/* The answer headers a page may read beyond the safelisted ones. */
#define CORS_EXPOSE_HEADERS "ETag, Retry-After, Age, Warning"
/* How long a browser may keep a preflight's answer: a day, the route table does not change. */
#define CORS_MAX_AGE_SECONDS 86400

enum cors_error {
    CORS_ERROR_NO_MEMORY = -1,
    CORS_ERROR_INVALID = -2, /* an entry is not "*" alone nor scheme://host[:port] */
};

struct cors_origins;

/*
 * Parse a list separated by spaces or commas: "*" alone (any origin), or
 * origins written as a browser sends them, scheme://host[:port] with no
 * path, no user, and no default port (80 for http, 443 for https). An empty
 * list allows no other origin. Returns 0 with *out (free with
 * cors_origins_free), CORS_ERROR_INVALID with a reason naming the entry,
 * or CORS_ERROR_NO_MEMORY.
 */
int cors_origins_parse(const char *text, struct cors_origins **out, char *reason,
                       size_t reason_size);

/* Free; accepts NULL. */
void cors_origins_free(struct cors_origins *origins);

/* Whether cors_allow_origin reads the request's Origin (a list): else it need not be looked up. */
bool cors_needs_origin(const struct cors_origins *origins);

/*
 * The Access-Control-Allow-Origin value for a request whose Origin is origin
 * (NULL when it has none): "*" when any origin is allowed, origin itself
 * when listed (scheme and host compared without case), else NULL (send no
 * header). *vary is true when the answer depends on Origin (a list), so
 * that caches keep one answer per origin (Vary: Origin).
 */
const char *cors_allow_origin(const struct cors_origins *origins, const char *origin, bool *vary);

#endif
