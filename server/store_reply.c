/* store_reply.c: reading Redis' replies: integers and the scripts' outcome words. */
#include "log.h"
#include "store_private.h"

#include <hiredis/hiredis.h>
#include <stdlib.h>
#include <string.h>

static const char component[] = "store";

int64_t store_reply_integer(const redisReply *reply, int64_t fallback)
{
    char *end = NULL;
    long long value;

    if (reply == NULL)
        return fallback;
    if (reply->type == REDIS_REPLY_INTEGER)
        return reply->integer;
    if (reply->type != REDIS_REPLY_STRING || reply->len == 0)
        return fallback;
    value = strtoll(reply->str, &end, 10);
    return *end == '\0' ? value : fallback;
}

/* Whether reply is a string (status or bulk) equal to text. */
static bool reply_is(const redisReply *reply, const char *text)
{
    return reply != NULL &&
           (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS) &&
           strcmp(reply->str, text) == 0;
}

enum store_outcome store_outcome_from_word(const redisReply *reply)
{
    static const struct {
        const char *word;
        enum store_outcome outcome;
    } words[] = {
        {"ok", STORE_OUTCOME_OK},
        {"replay", STORE_OUTCOME_REPLAYED},
        {"created", STORE_OUTCOME_CREATED},
        {"replaced", STORE_OUTCOME_REPLACED},
        {"deleted", STORE_OUTCOME_OK},
        {"revoked", STORE_OUTCOME_REVOKED},
        {"exists", STORE_OUTCOME_EXISTS},
        {"unauthorized", STORE_OUTCOME_UNAUTHORIZED},
        {"forbidden", STORE_OUTCOME_FORBIDDEN},
        {"not-found", STORE_OUTCOME_NOT_FOUND},
        {"mismatch", STORE_OUTCOME_KEY_REUSED},
        {"over-capacity", STORE_OUTCOME_OVER_CAPACITY},
    };
    if (reply == NULL)
        return STORE_OUTCOME_UNAVAILABLE;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (reply_is(reply, words[i].word))
            return words[i].outcome;
    }
    log_error(component, "unexpected reply from Redis: %s",
              reply->type == REDIS_REPLY_ERROR ? reply->str : "(not an outcome)");
    return STORE_OUTCOME_FAILED;
}

void store_read_outcome(redisReply *reply, const struct store_recipient *recipient)
{
    store_outcome_callback callback = (store_outcome_callback)recipient->callback;
    callback(store_outcome_from_word(reply), recipient->data);
}
