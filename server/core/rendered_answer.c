/* rendered_answer.c: reference-counted answers with a gzip copy made on first demand; pure. */
#include "rendered_answer.h"

#include "etag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rendered_answer *rendered_answer_new(const char *id, char *body, size_t length,
                                            const char *etag)
{
    size_t id_length = strlen(id);
    struct rendered_answer *answer = malloc(sizeof(*answer) + id_length + 1);

    if (answer == NULL) {
        free(body);
        return NULL;
    }
    atomic_init(&answer->references, 1);
    atomic_init(&answer->gzip, NULL);
    answer->body = body;
    answer->body_length = length;
    answer->live = (struct lot_live_facts){0};
    if (etag != NULL)
        snprintf(answer->etag, sizeof(answer->etag), "%s", etag);
    else
        etag_of(body, length, answer->etag, sizeof(answer->etag));
    memcpy(answer->id, id, id_length + 1);
    return answer;
}

struct rendered_answer *rendered_answer_copy(const char *id, const char *body, size_t length,
                                             const char *etag)
{
    char *copy = malloc(length > 0 ? length : 1);

    if (copy == NULL)
        return NULL;
    memcpy(copy, body, length);
    return rendered_answer_new(id, copy, length, etag);
}

/* The count is the one field that changes in an answer held as const. */
static atomic_size_t *references_of(const struct rendered_answer *answer)
{
    return (atomic_size_t *)&answer->references;
}

struct rendered_answer *rendered_answer_hold(const struct rendered_answer *answer)
{
    /* A new reference is taken from one already held: nothing to order against. */
    if (answer != NULL)
        atomic_fetch_add_explicit(references_of(answer), 1, memory_order_relaxed);
    return (struct rendered_answer *)answer;
}

void rendered_answer_drop(const struct rendered_answer *answer)
{
    struct rendered_answer *owned = (struct rendered_answer *)answer;
    struct gzip_copy *gzip;

    if (answer == NULL)
        return;
    /* Release: this holder's reads happen before the free; acquire on the last one. */
    if (atomic_fetch_sub_explicit(references_of(answer), 1, memory_order_acq_rel) != 1)
        return;
    gzip = atomic_load_explicit(&owned->gzip, memory_order_acquire);
    if (gzip != NULL) {
        gzip_copy_clear(gzip);
        free(gzip);
    }
    free(owned->live.space_free);
    free(owned->body);
    free(owned);
}

const struct gzip_copy *rendered_answer_gzip(const struct rendered_answer *answer)
{
    _Atomic(struct gzip_copy *) *slot = (_Atomic(struct gzip_copy *) *)&answer->gzip;
    struct gzip_copy *made = atomic_load_explicit(slot, memory_order_acquire), *expected = NULL;

    if (made != NULL || answer->body_length <= GZIP_MIN_LENGTH)
        return made;
    made = calloc(1, sizeof(*made));
    if (made == NULL)
        return NULL;
    if (gzip_copy_update(made, answer->body, answer->body_length, answer->etag) != 0 ||
        made->body == NULL) {
        free(made);
        return NULL;
    }
    /* Release publishes the copy's bytes; acquire on failure reads the winner's. */
    if (atomic_compare_exchange_strong_explicit(slot, &expected, made, memory_order_acq_rel,
                                                memory_order_acquire))
        return made;
    gzip_copy_clear(made);
    free(made);
    return expected;
}

bool rendered_answer_has_gzip(const struct rendered_answer *answer)
{
    return atomic_load_explicit((_Atomic(struct gzip_copy *) *)&answer->gzip,
                                memory_order_acquire) != NULL;
}
