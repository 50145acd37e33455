/* rate_limit.c: token buckets per key (a token, a client address), in a fixed-size table; pure. */
#include "rate_limit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define KEY_SIZE 64
#define PROBES   8

struct bucket {
    char key[KEY_SIZE]; /* empty when the slot is free */
    double tokens;
    int64_t last_ms;
};

struct rate_limit {
    double rate;
    double burst;
    size_t mask;
    struct bucket buckets[]; /* mask + 1 of them: the table never grows */
};

struct rate_limit *rate_limit_new(double rate, double burst, size_t slots)
{
    struct rate_limit *limit;
    size_t size = 16;

    while (size < slots && size <= SIZE_MAX / 2)
        size *= 2;
    if (size > (SIZE_MAX - sizeof(*limit)) / sizeof(struct bucket))
        return NULL;
    limit = calloc(1, sizeof(*limit) + size * sizeof(struct bucket));
    if (limit == NULL)
        return NULL;
    limit->rate = rate;
    limit->burst = burst < 1 ? 1 : burst;
    limit->mask = size - 1;
    return limit;
}

void rate_limit_free(struct rate_limit *limit)
{
    free(limit);
}

static uint64_t hash_key(const char *key)
{
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        hash ^= *p;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

/* The key's bucket, or the free or longest idle slot among its probes. */
static struct bucket *find_bucket(struct rate_limit *limit, const char *key, bool *found)
{
    size_t start = (size_t)hash_key(key) & limit->mask;
    struct bucket *victim = NULL;

    for (size_t i = 0; i < PROBES; i++) {
        struct bucket *bucket = &limit->buckets[(start + i) & limit->mask];
        if (strcmp(bucket->key, key) == 0) {
            *found = true;
            return bucket;
        }
        if (victim == NULL || (victim->key[0] != '\0' &&
                               (bucket->key[0] == '\0' || bucket->last_ms < victim->last_ms)))
            victim = bucket;
    }
    *found = false;
    return victim;
}

bool rate_limit_take(struct rate_limit *limit, const char *key, double count, int64_t now_ms,
                     int *retry_after_seconds)
{
    char short_key[KEY_SIZE];
    struct bucket *bucket;
    bool found;

    /* More than a full bucket is taken as a full bucket: never refused forever. */
    if (count > limit->burst)
        count = limit->burst;
    strncpy(short_key, key, KEY_SIZE - 1);
    short_key[KEY_SIZE - 1] = '\0';
    bucket = find_bucket(limit, short_key, &found);
    if (!found) {
        memcpy(bucket->key, short_key, KEY_SIZE);
        bucket->tokens = limit->burst;
        bucket->last_ms = now_ms;
    }
    if (now_ms > bucket->last_ms) {
        bucket->tokens += (double)(now_ms - bucket->last_ms) / 1000.0 * limit->rate;
        if (bucket->tokens > limit->burst)
            bucket->tokens = limit->burst;
        bucket->last_ms = now_ms;
    }
    if (bucket->tokens >= count) {
        bucket->tokens -= count;
        return true;
    }
    *retry_after_seconds = (int)ceil((count - bucket->tokens) / limit->rate);
    if (*retry_after_seconds < 1)
        *retry_after_seconds = 1;
    return false;
}

bool rate_limit_allow(struct rate_limit *limit, const char *key, int64_t now_ms,
                      int *retry_after_seconds)
{
    return rate_limit_take(limit, key, 1.0, now_ms, retry_after_seconds);
}
