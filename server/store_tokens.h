/* store_tokens.h: bearer tokens in Redis, kept only as SHA-256 hashes. */
#ifndef PARKSHARE_STORE_TOKENS_H
#define PARKSHARE_STORE_TOKENS_H

#include "store.h"

#include <stddef.h>

/* A token's public record; strings are valid during the callback only. */
struct store_token {
    const char *id;
    const char *role;  /* "admin" or "attendant" */
    const char *lots;  /* JSON array of lot ids (attendants) */
    const char *scope; /* ",lot-a,lot-b," for fast membership tests */
    const char *name;
    const char *created_at; /* RFC 3339 */
};

/* outcome OK with token, or UNAUTHORIZED (unknown), UNAVAILABLE, FAILED. */
typedef void (*store_token_callback)(enum store_outcome outcome, const struct store_token *token,
                                     void *data);

/* Every token (tokens NULL and count 0 unless outcome is OK). */
typedef void (*store_token_list_callback)(enum store_outcome outcome,
                                          const struct store_token *tokens, size_t count,
                                          void *data);

/* Look a token up by the hex SHA-256 of its secret. */
int store_token_lookup(struct store *store, const char *token_hash, store_token_callback callback,
                       void *data);

/* Record a new token under token_hash: CREATED, or EXISTS. */
int store_token_create(struct store *store, const char *token_hash, const struct store_token *token,
                       store_outcome_callback callback, void *data);

/*
 * Register a data_dir's admin token: CREATED, EXISTS, or REVOKED when an
 * operator revoked it (it stays revoked).
 */
int store_token_bootstrap(struct store *store, const char *token_hash, const char *id,
                          const char *name, const char *created_at, store_outcome_callback callback,
                          void *data);

/* Revoke by id, at once for every daemon: REVOKED or NOT_FOUND. */
int store_token_revoke(struct store *store, const char *id, store_outcome_callback callback,
                       void *data);

/* List every token without secrets or hashes. */
int store_token_list(struct store *store, store_token_list_callback callback, void *data);

#endif
