/* auth.c: bearer tokens on requests: parse, hash, look up, check the role. */
#include "auth.h"

#include "endpoint.h"

#include "token.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void auth_reply_unauthorized(struct http_exchange *exchange, const char *detail)
{
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
    bool admin_only;
    auth_callback callback;
    void (*release)(void *data);
    void *data;
};

static void on_token(enum store_outcome outcome, const struct store_token *token, void *data)
{
    struct auth_call *call = data;
    struct http_exchange *exchange = call->exchange;
    bool refused = true;

    if (outcome == STORE_OUTCOME_UNAUTHORIZED)
        auth_reply_unauthorized(exchange, "unknown or revoked token");
    else if (outcome == STORE_OUTCOME_UNAVAILABLE)
        endpoint_reply_store_unavailable(exchange);
    else if (outcome != STORE_OUTCOME_OK)
        http_reply_problem(exchange, PROBLEM_INTERNAL, "the token could not be checked");
    else if (call->admin_only && strcmp(token->role, "admin") != 0)
        http_reply_problem(exchange, PROBLEM_FORBIDDEN, "this needs an admin token; %s is %s",
                           token->id, token->role);
    else
        refused = false;
    if (refused) {
        if (call->release != NULL)
            call->release(call->data);
    } else {
        call->callback(exchange, token, call->data);
    }
    free(call);
}

void auth_require(struct http_exchange *exchange, struct store *store, bool admin_only,
                  auth_callback callback, void (*release)(void *data), void *data)
{
    struct auth_call *call = NULL;
    char hash[65];

    if (auth_bearer_hash(exchange, hash) != 0)
        goto release;
    call = endpoint_allocate(exchange, sizeof(*call));
    if (call == NULL)
        goto release;
    *call = (struct auth_call){exchange, admin_only, callback, release, data};
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
