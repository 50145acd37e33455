/* list_cache.h: whole list answers by query, kept for one snapshot revision, bounded; pure. */
#ifndef PARKSHARE_LIST_CACHE_H
#define PARKSHARE_LIST_CACHE_H

#include "gzip.h"

#include <stddef.h>
#include <stdint.h>

enum list_cache_error {
    LIST_CACHE_ERROR_NO_MEMORY = -1,
    LIST_CACHE_ERROR_TOO_LARGE = -2, /* over a quarter of the byte budget: never kept */
};

/* One kept answer: its bytes and their entity tag, computed once, and its gzip copy. */
struct list_cache_answer {
    char *body;
    size_t length;
    char etag[24];
    struct gzip_copy gzip; /* built by list_cache_gzip, on the first client that accepts it */
};

/*
 * What a snapshot keeps: every sign's and map's usual query, and a few
 * answers of the largest lists (500 lots), bounded whatever is asked.
 */
#define LIST_CACHE_DEFAULT_ENTRIES 64
#define LIST_CACHE_DEFAULT_BYTES   (8u << 20)

struct list_cache;

/*
 * A new, empty cache holding at most max_entries answers (at least 4) and
 * max_bytes of keys and bodies, or NULL when out of memory.
 *
 * Answers are kept for one revision of what they were built from: the first
 * find or store with another revision drops them all. A new answer enters
 * on probation and becomes protected on its first hit; room is made by
 * dropping the least recently used answer on probation first, and the
 * protected ones hold at most three quarters of either budget. So a client
 * asking many distinct queries once each churns the probation and leaves
 * the answers that are asked for again in place.
 */
struct list_cache *list_cache_new(size_t max_entries, size_t max_bytes);

/* Free the cache and every answer; accepts NULL. */
void list_cache_free(struct list_cache *cache);

/*
 * The answer kept for key at revision, or NULL. A hit protects the answer.
 * The pointer stays valid until the next list_cache_store or a find with
 * another revision.
 */
const struct list_cache_answer *list_cache_find(struct list_cache *cache, const char *key,
                                                uint64_t revision);

/*
 * Keep body (length bytes, from malloc) as the answer for key at revision,
 * and compute its entity tag. On success the cache owns body and *stored
 * (may be NULL) points at the kept answer, valid as a find's. Returns 0,
 * LIST_CACHE_ERROR_TOO_LARGE or LIST_CACHE_ERROR_NO_MEMORY; on an error
 * body stays the caller's and nothing else changed.
 */
int list_cache_store(struct list_cache *cache, const char *key, uint64_t revision, char *body,
                     size_t length, const struct list_cache_answer **stored);

/*
 * The gzip copy of answer (one that find or store returned, and still
 * valid), compressed on the first call and kept with the answer until it
 * is dropped, so an answer is compressed at most once. Its bytes count
 * against the budget from then on (room is made at the next store).
 * Returns NULL when answer is not over GZIP_MIN_LENGTH bytes or memory ran
 * out (then the next call tries again).
 */
const struct gzip_copy *list_cache_gzip(struct list_cache *cache,
                                        const struct list_cache_answer *answer);

/* How many answers and bytes (keys, bodies and gzip copies) are kept now. */
size_t list_cache_entries(const struct list_cache *cache);
size_t list_cache_bytes(const struct list_cache *cache);

#endif
