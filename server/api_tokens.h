/* api_tokens.h: POST, GET /v1/tokens, GET /v1/tokens/self, DELETE /v1/tokens/{id}: tokens. */
#ifndef PARKSHARE_API_TOKENS_H
#define PARKSHARE_API_TOKENS_H

#include "endpoint.h"
#include "http.h"

/* Every handler here but api_tokens_self serves an admin-only route: the token it is given is
 * an admin's. */

/* POST /v1/tokens: a new token, shown this once. */
endpoint_handler api_tokens_create;

/* GET /v1/tokens: every token, without its secret. */
endpoint_handler api_tokens_list;

/*
 * GET /v1/tokens/self: the caller's own token (any role): id, role, name, lots and created_at,
 * never the secret. 401 without a valid token; the handler checks the token itself.
 */
endpoint_handler api_tokens_self;

/* DELETE /v1/tokens/{id}: revoke at once, on every daemon. */
endpoint_handler api_tokens_revoke;

#endif
