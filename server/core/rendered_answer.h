/* rendered_answer.h: one lot version's answer, shared by reference between threads; pure. */
#ifndef PARKSHARE_RENDERED_ANSWER_H
#define PARKSHARE_RENDERED_ANSWER_H

#include "gzip.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What a lot's answer shows that the lists filter on (open, min_free,
 * space): taken with the answer, so that a list judges each lot by exactly
 * the version of it that it splices in, on whatever thread. All zero (and
 * space_free NULL) in answers of other reads.
 */
struct lot_live_facts {
    int64_t capacity;
    int64_t occupied; /* -1 when never reported */
    bool count_fresh;
    bool open_now;
    /* Free spaces by space type (core/space.h; -1 where the count is not fresh
     * or the type not declared), owned; NULL when the lot declares no types. */
    int64_t *space_free;
};

/*
 * An answer's bytes, its ETag and the key it is found under (a lot id, or
 * another read's key), immutable once made: the snapshot's lot and every
 * published view that shows that version hold a reference to the same
 * object, and whoever drops the last one frees it, on any thread. The one
 * thing added later is the gzip copy, made by the first reader that wants
 * it and published with a compare-and-swap (see rendered_answer_gzip).
 */
struct rendered_answer {
    atomic_size_t references;
    _Atomic(struct gzip_copy *) gzip; /* NULL until first asked for (use rendered_answer_gzip) */
    char *body;                       /* owned */
    size_t body_length;
    char etag[24];
    struct lot_live_facts live; /* set by its maker before the answer is shared */
    char id[];                  /* the key, NUL-terminated */
};

/*
 * A new answer under id with body (length bytes, a malloc'd buffer taken
 * over: freed with the answer, or at once on failure) and etag (NULL: the
 * body's own, etag_of). One reference, the caller's. NULL without memory.
 */
struct rendered_answer *rendered_answer_new(const char *id, char *body, size_t length,
                                            const char *etag);

/* rendered_answer_new with a copy of body (borrowed). NULL without memory. */
struct rendered_answer *rendered_answer_copy(const char *id, const char *body, size_t length,
                                             const char *etag);

/*
 * One more reference to answer, returned (answer may be NULL): the caller
 * owns it, to pass on or drop. Safe on any thread.
 */
struct rendered_answer *rendered_answer_hold(const struct rendered_answer *answer);

/*
 * Give up one reference; the last one frees the answer and its gzip copy.
 * Accepts NULL. Safe on any thread, once per reference held.
 */
void rendered_answer_drop(const struct rendered_answer *answer);

/*
 * The body's gzip copy, or NULL when the body is too short to be worth it
 * (GZIP_MIN_LENGTH, as gzip_copy_update) or memory is out (the identity
 * body still serves). The first call compresses and publishes the copy
 * with a compare-and-swap; a caller that loses the race frees its own and
 * returns the winner's. The copy lives as long as the answer. Lock-free,
 * safe on any thread.
 */
const struct gzip_copy *rendered_answer_gzip(const struct rendered_answer *answer);

/* Whether the gzip copy has been made (for tests and counts). */
bool rendered_answer_has_gzip(const struct rendered_answer *answer);

#endif
