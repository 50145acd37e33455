/* auth.c: bearer tokens on requests: parse, hash, look up, check the role, count writes. */
#include "auth.h"

#include "endpoint.h"

#include "token.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void auth_reply_unauthorized(struct http_exchange *exchange, const char *detail)
{
    /* Only failures count, and only a failing request is refused: a valid token always works. */
    if (!http_exchange_allow_auth_failure(exchange))
        return;
    http_exchange_add_header(exchange, "WWW-Authenticate", "Bearer realm=\"parkshare\"");
    http_reply_problem(exchange, PROBLEM_UNAUTHORIZED, "%s", detail);
}

int auth_bearer_hash(struct http_exchange *exchange, char hash[65])
{
    const char *header = NULL;

    if (http_exchange_single_header(exchange, "Authorization", &header) != 0) {
        http_reply_problem(exchange, PROBLEM_BAD_REQUEST, "more than one Authorization header");
        return -1;
    }
    if (header == NULL) {
        auth_reply_unauthorized(exchange, "this request needs an Authorization: Bearer token");
        return -1;
    }
    if (strncasecmp(header, "Bearer ", 7) != 0) {
        auth_reply_unauthorized(exchange, "the Authorization header must be 'Bearer <token>'");
        return -1;
    }
    header += 7;
    while (*header == ' ')
        header++;
    if (!token_is_well_formed(header)) {
        auth_reply_unauthorized(exchange, "the bearer token is not a parkshare token");
        return -1;
    }
    token_hash_hex(header, hash);
    return 0;
}

struct auth_call {
    struct http_exchange *exchange;
    struct auth_demand demand;
    auth_callback callback;
    void (*release)(void *data);
    void *data;
};

static void on_token(enum store_outcome outcome, const struct store_token *token, void *data)
{
    struct auth_call *call = data;
    struct http_exchange *exchange = call->exchange;
    bool admin = outcome == STORE_OUTCOME_OK && strcmp(token->role, "admin") == 0;
    bool refused = true;

    if (outcome == STORE_OUTCOME_UNAUTHORIZED)
        auth_reply_unauthorized(exchange, "unknown or revoked token");
    else if (outcome == STORE_OUTCOME_UNAVAILABLE)
        endpoint_reply_store_unavailable(exchange);
    else if (outcome != STORE_OUTCOME_OK)
        http_reply_problem(exchange, PROBLEM_INTERNAL, "the token could not be checked");
    else if (call->demand.admin_only && !admin)
        http_reply_problem(exchange, PROBLEM_FORBIDDEN, "this needs an admin token; %s is %s",
                           token->id, token->role);
    else
        refused = !http_exchange_allow_writes(exchange, token->id, admin, call->demand.writes);
    if (refused) {
        if (call->release != NULL)
            call->release(call->data);
    } else {
        call->callback(exchange, token, call->data);
    }
    free(call);
}

void auth_require_hash(struct http_exchange *exchange, struct store *store, const char hash[65],
                       struct auth_demand demand, auth_callback callback,
                       void (*release)(void *data), void *data)
{
    struct auth_call *call = endpoint_allocate(exchange, sizeof(*call));

    if (call == NULL)
        goto release;
    *call = (struct auth_call){exchange, demand, callback, release, data};
    if (store_token_lookup(store, hash, on_token, call) != 0) {
        free(call);
        endpoint_reply_store_unavailable(exchange);
        goto release;
    }
    return;
release:
    if (release != NULL)
        release(data);
}

void auth_require(struct http_exchange *exchange, struct store *store, struct auth_demand demand,
                  auth_callback callback, void (*release)(void *data), void *data)
{
    char hash[65];

    if (auth_bearer_hash(exchange, hash) != 0) {
        if (release != NULL)
            release(data);
        return;
    }
    auth_require_hash(exchange, store, hash, demand, callback, release, data);
}
