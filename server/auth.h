/* auth.h: bearer tokens on requests: parse, hash, look up, check the role, count writes. */
#ifndef PARKSHARE_AUTH_H
#define PARKSHARE_AUTH_H

#include "http.h"
#include "store_tokens.h"

/*
 * Read "Authorization: Bearer <token>" and write the token's hex SHA-256
 * into hash. Returns 0, or -1 after answering 401 (or 429 when the client
 * is over its failed authentications, see auth_reply_unauthorized; 400 for
 * two Authorization headers): the exchange is gone.
 */
int auth_bearer_hash(struct http_exchange *exchange, char hash[65]);

/* Receives the authorised exchange and the token (valid during the call). */
typedef void (*auth_callback)(struct http_exchange *exchange, const struct store_token *token,
                              void *data);

/* What a request needs of its token. */
struct auth_demand {
    bool admin_only; /* the admin role, else 403 */
    size_t writes;   /* writes it counts as against the token's limit (a batch: its updates) */
};

/*
 * Look the request's token up in Redis (every time: a revoked token is
 * refused at once on every daemon) and call callback when it exists, has
 * the admin role if demand asks for it, and is within its write limit
 * (writes counted per token id; admin tokens by rate_limit_admin; reads
 * never). Otherwise the exchange is answered 401, 403, 429 or 503, callback
 * is not called and release (may be NULL) is called with data so the
 * caller's state is freed either way.
 */
void auth_require(struct http_exchange *exchange, struct store *store, struct auth_demand demand,
                  auth_callback callback, void (*release)(void *data), void *data);

/* auth_require for a hash already read with auth_bearer_hash. */
void auth_require_hash(struct http_exchange *exchange, struct store *store, const char hash[65],
                       struct auth_demand demand, auth_callback callback,
                       void (*release)(void *data), void *data);

/*
 * Answer 401 with WWW-Authenticate, counting a failed authentication from
 * the client's address: past auth_failures_per_minute the answer is 429
 * with Retry-After instead.
 */
void auth_reply_unauthorized(struct http_exchange *exchange, const char *detail);

#endif
