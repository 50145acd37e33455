/* token_memo.h: which token a bearer hash was, remembered to key write limits; pure. */
#ifndef PARKSHARE_TOKEN_MEMO_H
#define PARKSHARE_TOKEN_MEMO_H

#include "parkshare/wire.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * A write's limit is counted per token, so the token behind a bearer hash
 * must be known before the write. The occupancy script checks the token
 * itself (a revoked one is refused there at once), so for that path a
 * remembered id and role are enough: they choose the limiter's key and
 * rate, and save a Redis round trip per write. Only tokens that a lookup
 * found are remembered, so an anonymous client cannot fill the memo; it is
 * direct-mapped with a fixed number of slots, and a newer entry replaces an
 * older one in its slot.
 */
struct token_memo;

/* What a bearer hash was when it was last looked up. */
struct token_memo_entry {
    char id[WIRE_ID_MAX + 1];
    bool admin;
};

/* A memo of slots entries (rounded up to a power of two, at least 16); NULL when out of memory. */
struct token_memo *token_memo_new(size_t slots);

/* Free; accepts NULL. */
void token_memo_free(struct token_memo *memo);

/* Remember that hash (64 hex digits) is token id, with the admin role or not. An id longer
 * than WIRE_ID_MAX is not remembered. */
void token_memo_remember(struct token_memo *memo, const char *hash, const char *id, bool admin);

/* Whether hash is remembered; when it is, *entry is filled. */
bool token_memo_recall(const struct token_memo *memo, const char *hash,
                       struct token_memo_entry *entry);

/* Forget hash (its token was refused: revoked, or never known here). */
void token_memo_forget(struct token_memo *memo, const char *hash);

#endif
