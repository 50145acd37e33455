/* api_tokens.c: POST, GET /v1/tokens, GET /v1/tokens/self, DELETE /v1/tokens/{id}: tokens. */
#include "api_tokens.h"

#include "auth.h"
#include "clock.h"
#include "endpoint.h"
#include "lot.h"
#include "store_tokens.h"
#include "token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_NAME_MAX 200
#define TOKEN_LOTS_MAX 1000

/* --- POST /v1/tokens --- */

/* A validated token request, kept while Redis stores it. */
struct token_request {
    struct http_exchange *exchange;
    const char *role; /* "admin" or "attendant": a static string */
    char *name;
    char *lots_json; /* JSON array text */
    char *scope;     /* ",a,b," */
    char created_at[25];
    char token[TOKEN_LENGTH + 1];
    char id[17];
};

static void token_request_free(struct token_request *request)
{
    if (request == NULL)
        return;
    free(request->name);
    free(request->lots_json);
    free(request->scope);
    explicit_bzero(request->token, sizeof(request->token));
    free(request);
}

/* The scope string ",a,b," of a validated lots array. */
static char *scope_of(const json_t *lots)
{
    size_t size = 2, index;
    json_t *value;
    char *scope;

    json_array_foreach(lots, index, value) size += strlen(json_string_value(value)) + 1;
    scope = malloc(size);
    if (scope == NULL)
        return NULL;
    strcpy(scope, ",");
    json_array_foreach(lots, index, value)
    {
        strcat(scope, json_string_value(value));
        strcat(scope, ",");
    }
    return scope;
}

/* Validate {"role", "lots", "name"}; returns 0 or replies 422 and returns -1. */
static int parse_token_body(struct http_exchange *exchange, const json_t *body,
                            struct token_request *request)
{
    const char *name, *role;
    const json_t *lots;
    json_t *value;
    size_t index;

    if (!json_is_object(body)) {
        http_reply_invalid(exchange, "body", "must be a JSON object");
        return -1;
    }
    json_object_foreach((json_t *)body, name, value)
    {
        if (strcmp(name, "role") != 0 && strcmp(name, "lots") != 0 && strcmp(name, "name") != 0) {
            http_reply_invalid(exchange, name, "unknown field; expected role, lots and name");
            return -1;
        }
    }
    role = json_string_value(json_object_get(body, "role"));
    if (role == NULL || (strcmp(role, "admin") != 0 && strcmp(role, "attendant") != 0)) {
        http_reply_invalid(exchange, "role", "must be \"attendant\" or \"admin\"");
        return -1;
    }
    name = json_string_value(json_object_get(body, "name"));
    if (name == NULL || name[0] == '\0' ||
        json_string_length(json_object_get(body, "name")) > TOKEN_NAME_MAX) {
        http_reply_invalid(exchange, "name",
                           "is required: 1 to 200 bytes of text naming the holder");
        return -1;
    }
    lots = json_object_get(body, "lots");
    /* null, a string or an object is not "no lots": refuse it rather than guess. */
    if (lots != NULL && !json_is_array(lots)) {
        http_reply_invalid(exchange, "lots",
                           strcmp(role, "admin") == 0
                               ? "must be an array of lot ids; an admin token takes none, so "
                                 "leave it out"
                               : "must be an array of 1 to 1000 lot ids");
        return -1;
    }
    if (strcmp(role, "admin") == 0 && lots != NULL && json_array_size(lots) > 0) {
        http_reply_invalid(exchange, "lots", "an admin token is not scoped to lots; leave it out");
        return -1;
    }
    if (strcmp(role, "attendant") == 0 && (!json_is_array(lots) || json_array_size(lots) == 0 ||
                                           json_array_size(lots) > TOKEN_LOTS_MAX)) {
        http_reply_invalid(exchange, "lots", "must be an array of 1 to 1000 lot ids");
        return -1;
    }
    json_array_foreach(lots, index, value)
    {
        if (!json_is_string(value) || !lot_id_is_valid(json_string_value(value))) {
            char field[32];
            snprintf(field, sizeof(field), "lots[%zu]", index);
            http_reply_invalid(exchange, field, "must be a lot id ([a-z0-9][a-z0-9_-]{0,63})");
            return -1;
        }
    }
    request->role = strcmp(role, "admin") == 0 ? "admin" : "attendant";
    request->name = strdup(name);
    request->lots_json = lots ? json_dumps(lots, JSON_COMPACT) : strdup("[]");
    request->scope = lots ? scope_of(lots) : strdup("");
    if (request->name == NULL || request->lots_json == NULL || request->scope == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return -1;
    }
    return 0;
}

static void on_token_stored(enum store_outcome outcome, void *data)
{
    struct token_request *request = data;
    struct http_exchange *exchange = request->exchange;
    json_t *document, *lots;

    if (store_outcome_unavailable(outcome)) {
        endpoint_reply_unavailable(exchange, outcome);
    } else if (outcome != STORE_OUTCOME_CREATED) {
        /* EXISTS would mean two equal 256-bit random tokens: treat as a fault. */
        http_reply_problem(exchange, PROBLEM_INTERNAL, "the token could not be stored");
    } else {
        lots = json_loads(request->lots_json, 0, NULL);
        document =
            json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}", "id", request->id, "token", request->token,
                      "role", request->role, "lots", lots ? lots : json_array(), "name",
                      request->name, "created_at", request->created_at);
        /* Shown once: the daemon keeps only its hash. */
        http_reply_json(exchange, 201, document, HTTP_REPLY_NO_STORE);
        json_decref(document);
    }
    token_request_free(request);
}

void api_tokens_create(struct http_exchange *exchange, const struct store_token *caller, void *data)
{
    struct store *store = ((struct endpoint_context *)data)->store;
    struct token_request *request = calloc(1, sizeof(*request));
    struct store_token token;
    char hash[65];
    json_t *body = NULL;

    if (request == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    request->exchange = exchange;
    if (http_exchange_json_body(exchange, &body) != 0 ||
        parse_token_body(exchange, body, request) != 0) {
        json_decref(body);
        token_request_free(request);
        return;
    }
    json_decref(body);
    if (token_generate(request->token, sizeof(request->token)) != 0) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "no randomness for a token");
        token_request_free(request);
        return;
    }
    token_hash_hex(request->token, hash);
    token_id_from_hash(hash, request->id);
    clock_now_rfc3339(request->created_at);
    token = (struct store_token){request->id,    request->role, request->lots_json,
                                 request->scope, request->name, request->created_at};
    if (store_token_create(store, hash, &token, on_token_stored, request) != 0) {
        endpoint_reply_store_unavailable(exchange);
        token_request_free(request);
    }
}

/* --- GET /v1/tokens --- */

static void on_token_list(enum store_outcome outcome, const struct store_token *tokens,
                          size_t count, void *data)
{
    struct http_exchange *exchange = data;
    json_t *list = json_array(), *document;

    if (outcome != STORE_OUTCOME_OK) {
        json_decref(list);
        if (outcome == STORE_OUTCOME_UNAVAILABLE)
            endpoint_reply_store_unavailable(exchange);
        else
            http_reply_problem(exchange, PROBLEM_INTERNAL, "the tokens could not be read");
        return;
    }
    for (size_t i = 0; list != NULL && i < count; i++) {
        json_t *lots = json_loads(tokens[i].lots, 0, NULL);
        json_array_append_new(list,
                              json_pack("{s:s, s:s, s:o, s:s, s:s}", "id", tokens[i].id, "role",
                                        tokens[i].role, "lots", lots ? lots : json_array(), "name",
                                        tokens[i].name, "created_at", tokens[i].created_at));
    }
    document = json_pack("{s:o}", "tokens", list);
    http_reply_json(exchange, 200, document, HTTP_REPLY_NO_STORE);
    json_decref(document);
}

void api_tokens_list(struct http_exchange *exchange, const struct store_token *caller, void *data)
{
    if (store_token_list(((struct endpoint_context *)data)->store, on_token_list, exchange) != 0)
        endpoint_reply_store_unavailable(exchange);
}

/* --- GET /v1/tokens/self --- */

/* The caller's own token as the list shows it: never the secret, never its hash. */
static void on_self_known(struct http_exchange *exchange, const struct store_token *token,
                          void *data)
{
    json_t *lots = json_loads(token->lots, 0, NULL), *document;

    document =
        json_pack("{s:s, s:s, s:s, s:o, s:s}", "id", token->id, "role", token->role, "name",
                  token->name, "lots", lots ? lots : json_array(), "created_at", token->created_at);
    if (document == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    http_reply_json(exchange, 200, document, HTTP_REPLY_NO_STORE);
    json_decref(document);
}

void api_tokens_self(struct http_exchange *exchange, const struct store_token *caller, void *data)
{
    /* Any valid token, admin or attendant; a read, so no write is counted against it. */
    auth_require(exchange, ((struct endpoint_context *)data)->store, (struct auth_demand){false, 0},
                 on_self_known, NULL, data);
}

/* --- DELETE /v1/tokens/{id} --- */

static void on_token_revoked(enum store_outcome outcome, void *data)
{
    endpoint_reply_deletion(data, outcome, STORE_OUTCOME_REVOKED, "token",
                            "the token could not be revoked");
}

static bool token_id_is_valid(const char *id)
{
    if (strncmp(id, "tok_", 4) != 0 || strlen(id) != 16)
        return false;
    for (const char *p = id + 4; *p; p++) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    }
    return true;
}

void api_tokens_revoke(struct http_exchange *exchange, const struct store_token *caller, void *data)
{
    const char *id = http_exchange_parameter(exchange, "id");
    if (!token_id_is_valid(id)) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no token '%s'", id);
        return;
    }
    if (store_token_revoke(((struct endpoint_context *)data)->store, id, on_token_revoked,
                           exchange) != 0)
        endpoint_reply_store_unavailable(exchange);
}

/* --- GET /v1/audit --- */
