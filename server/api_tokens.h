/* api_tokens.h: POST, GET /v1/tokens, DELETE /v1/tokens/{id}: attendant and admin tokens. */
#ifndef PARKSHARE_API_TOKENS_H
#define PARKSHARE_API_TOKENS_H

#include "endpoint.h"
#include "http.h"

/* Every handler here serves an admin-only route: the token it is given is an admin's. */

/* POST /v1/tokens: a new token, shown this once. */
endpoint_handler api_tokens_create;

/* GET /v1/tokens: every token, without its secret. */
endpoint_handler api_tokens_list;

/* DELETE /v1/tokens/{id}: revoke at once, on every daemon. */
endpoint_handler api_tokens_revoke;

#endif
