/* token_memo.c: which token a bearer hash was, remembered to key write limits; pure. */
#include "token_memo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HASH_LENGTH 64

struct slot {
    char hash[HASH_LENGTH + 1]; /* empty when the slot is free */
    struct token_memo_entry entry;
};

struct token_memo {
    size_t mask;
    struct slot slots[];
};

struct token_memo *token_memo_new(size_t slots)
{
    size_t count = 16;
    struct token_memo *memo;

    while (count < slots && count < SIZE_MAX / 2)
        count *= 2;
    memo = calloc(1, sizeof(*memo) + count * sizeof(struct slot));
    if (memo != NULL)
        memo->mask = count - 1;
    return memo;
}

void token_memo_free(struct token_memo *memo)
{
    free(memo);
}

/* The hash is already uniform (SHA-256 in hex): its first digits pick the slot. */
static size_t slot_of(const struct token_memo *memo, const char *hash)
{
    size_t index = 0;

    for (int i = 0; i < 12 && hash[i] != '\0'; i++)
        index = index * 31 + (unsigned char)hash[i];
    return index & memo->mask;
}

static bool is_hash(const char *hash)
{
    return strlen(hash) == HASH_LENGTH;
}

void token_memo_remember(struct token_memo *memo, const char *hash, const char *id, bool admin)
{
    struct slot *slot;

    if (!is_hash(hash) || strlen(id) > WIRE_ID_MAX)
        return;
    slot = &memo->slots[slot_of(memo, hash)];
    memcpy(slot->hash, hash, HASH_LENGTH + 1);
    strcpy(slot->entry.id, id);
    slot->entry.admin = admin;
}

bool token_memo_recall(const struct token_memo *memo, const char *hash,
                       struct token_memo_entry *entry)
{
    const struct slot *slot;

    if (!is_hash(hash))
        return false;
    slot = &memo->slots[slot_of(memo, hash)];
    if (strcmp(slot->hash, hash) != 0)
        return false;
    *entry = slot->entry;
    return true;
}

void token_memo_forget(struct token_memo *memo, const char *hash)
{
    struct slot *slot;

    if (!is_hash(hash))
        return;
    slot = &memo->slots[slot_of(memo, hash)];
    if (strcmp(slot->hash, hash) == 0)
        memset(slot, 0, sizeof(*slot));
}
