/* list_cache.c: whole list answers by query, kept for one snapshot revision, bounded; pure. */
#include "list_cache.h"

#include "etag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    struct entry *newer, *older;
    size_t bytes; /* key, body and gzip copy, as counted against the budget */
    bool protected;
    struct list_cache_answer answer;
    size_t key_length;
    char key[]; /* allocated with the entry */
};

/* A recency list: newest first. */
struct segment {
    struct entry *newest, *oldest;
    size_t entries;
    size_t bytes;
};

struct list_cache {
    size_t max_entries, max_bytes;
    uint64_t revision;
    struct segment probation; /* stored, not asked for again yet */
    struct segment protected; /* asked for again since stored */
};

struct list_cache *list_cache_new(size_t max_entries, size_t max_bytes)
{
    struct list_cache *cache = calloc(1, sizeof(*cache));
    if (cache == NULL)
        return NULL;
    cache->max_entries = max_entries < 4 ? 4 : max_entries;
    cache->max_bytes = max_bytes;
    return cache;
}

static void unlink_entry(struct segment *segment, struct entry *entry)
{
    if (entry->newer != NULL)
        entry->newer->older = entry->older;
    else
        segment->newest = entry->older;
    if (entry->older != NULL)
        entry->older->newer = entry->newer;
    else
        segment->oldest = entry->newer;
    entry->newer = entry->older = NULL;
    segment->entries--;
    segment->bytes -= entry->bytes;
}

static void push_newest(struct segment *segment, struct entry *entry)
{
    entry->older = segment->newest;
    entry->newer = NULL;
    if (segment->newest != NULL)
        segment->newest->newer = entry;
    else
        segment->oldest = entry;
    segment->newest = entry;
    segment->entries++;
    segment->bytes += entry->bytes;
}

static struct segment *segment_of(struct list_cache *cache, const struct entry *entry)
{
    return entry->protected ? &cache->protected : &cache->probation;
}

static void drop(struct list_cache *cache, struct entry *entry)
{
    unlink_entry(segment_of(cache, entry), entry);
    free(entry->answer.body);
    gzip_copy_clear(&entry->answer.gzip);
    free(entry);
}

static void drop_all(struct list_cache *cache)
{
    while (cache->probation.oldest != NULL)
        drop(cache, cache->probation.oldest);
    while (cache->protected.oldest != NULL)
        drop(cache, cache->protected.oldest);
}

void list_cache_free(struct list_cache *cache)
{
    if (cache == NULL)
        return;
    drop_all(cache);
    free(cache);
}

/* Answers of an older (or newer) revision describe another snapshot. */
static void follow_revision(struct list_cache *cache, uint64_t revision)
{
    if (revision == cache->revision)
        return;
    drop_all(cache);
    cache->revision = revision;
}

static struct entry *lookup_in(const struct segment *segment, const char *key, size_t key_length)
{
    for (struct entry *entry = segment->newest; entry != NULL; entry = entry->older) {
        if (entry->key_length == key_length && memcmp(entry->key, key, key_length) == 0)
            return entry;
    }
    return NULL;
}

/* The entry of key, the protected (asked for most) searched first; NULL when none. */
static struct entry *lookup(const struct list_cache *cache, const char *key, size_t key_length)
{
    struct entry *entry = lookup_in(&cache->protected, key, key_length);
    return entry != NULL ? entry : lookup_in(&cache->probation, key, key_length);
}

/* Keep the protected answers within three quarters of each budget. */
static void demote_overflow(struct list_cache *cache)
{
    while (cache->protected.oldest != NULL &&
           (cache->protected.entries > cache->max_entries / 4 * 3 ||
            cache->protected.bytes > cache->max_bytes / 4 * 3)) {
        struct entry *entry = cache->protected.oldest;
        unlink_entry(&cache->protected, entry);
        entry->protected = false;
        push_newest(&cache->probation, entry);
    }
}

const struct list_cache_answer *list_cache_find(struct list_cache *cache, const char *key,
                                                uint64_t revision)
{
    size_t key_length = strlen(key);
    struct entry *entry;

    follow_revision(cache, revision);
    entry = lookup(cache, key, key_length);
    if (entry == NULL)
        return NULL;
    unlink_entry(segment_of(cache, entry), entry);
    entry->protected = true;
    push_newest(&cache->protected, entry);
    demote_overflow(cache);
    return &entry->answer;
}

/* Drop the least recently used answers, those on probation first, until bytes more fit. */
static void make_room(struct list_cache *cache, size_t bytes)
{
    while (cache->probation.entries + cache->protected.entries >= cache->max_entries ||
           cache->probation.bytes + cache->protected.bytes + bytes > cache->max_bytes) {
        struct entry *victim = cache->probation.oldest;
        if (victim == NULL)
            victim = cache->protected.oldest;
        if (victim == NULL)
            return;
        drop(cache, victim);
    }
}

int list_cache_store(struct list_cache *cache, const char *key, uint64_t revision, char *body,
                     size_t length, const struct list_cache_answer **stored)
{
    size_t key_length = strlen(key);
    size_t bytes = key_length + 1 + length;
    struct entry *entry, *previous;

    if (bytes > cache->max_bytes / 4)
        return LIST_CACHE_ERROR_TOO_LARGE;
    entry = calloc(1, sizeof(*entry) + key_length + 1);
    if (entry == NULL)
        return LIST_CACHE_ERROR_NO_MEMORY;
    memcpy(entry->key, key, key_length + 1);
    follow_revision(cache, revision);
    previous = lookup(cache, key, key_length);
    if (previous != NULL)
        drop(cache, previous);
    make_room(cache, bytes);
    entry->key_length = key_length;
    entry->bytes = bytes;
    entry->answer.body = body;
    entry->answer.length = length;
    etag_of(body, length, entry->answer.etag, sizeof(entry->answer.etag));
    push_newest(&cache->probation, entry);
    if (stored != NULL)
        *stored = &entry->answer;
    return 0;
}

const struct gzip_copy *list_cache_gzip(struct list_cache *cache,
                                        const struct list_cache_answer *answer)
{
    /* answer is inside an entry the cache owns, and the cache is ours to change. */
    struct entry *entry =
        (struct entry *)(void *)((char *)(uintptr_t)answer - offsetof(struct entry, answer));

    if (entry->answer.gzip.body == NULL &&
        gzip_copy_update(&entry->answer.gzip, answer->body, answer->length, answer->etag) == 0) {
        /* Counted from now on; the next store makes room for it. */
        entry->bytes += entry->answer.gzip.length;
        segment_of(cache, entry)->bytes += entry->answer.gzip.length;
    }
    return entry->answer.gzip.body != NULL ? &entry->answer.gzip : NULL;
}

size_t list_cache_entries(const struct list_cache *cache)
{
    return cache->probation.entries + cache->protected.entries;
}

size_t list_cache_bytes(const struct list_cache *cache)
{
    return cache->probation.bytes + cache->protected.bytes;
}
