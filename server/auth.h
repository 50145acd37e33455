/* auth.h: bearer tokens on requests: parse, hash, look up, check the role. */
#ifndef PARKSHARE_AUTH_H
#define PARKSHARE_AUTH_H

#include "http.h"
#include "store_tokens.h"

/*
 * Read "Authorization: Bearer <token>" and write the token's hex SHA-256
 * into hash. Returns 0, or -1 after answering 401 (the exchange is gone).
 */
int auth_bearer_hash(struct http_exchange *exchange, char hash[65]);

/* Receives the authorised exchange and the token (valid during the call). */
typedef void (*auth_callback)(struct http_exchange *exchange, const struct store_token *token,
                              void *data);

/*
 * Look the request's token up in Redis (every time: a revoked token is
 * refused at once on every daemon) and call callback when it exists and,
 * with admin_only, has the admin role. Otherwise the exchange is answered
 * 401, 403 or 503, callback is not called and release (may be NULL) is
 * called with data so the caller's state is freed either way.
 */
void auth_require(struct http_exchange *exchange, struct store *store, bool admin_only,
                  auth_callback callback, void (*release)(void *data), void *data);

/* Answer 401 with WWW-Authenticate. */
void auth_reply_unauthorized(struct http_exchange *exchange, const char *detail);

#endif
