/* http_slots.c: client_slots behind a mutex when several loops accept. */
#include "http_slots.h"

#include <pthread.h>
#include <stdlib.h>

struct http_slots {
    struct client_slots *slots;
    bool shared;
    pthread_mutex_t lock; /* initialised only when shared */
};

struct http_slots *http_slots_new(struct client_slots_caps connections,
                                  struct client_slots_caps streams, bool shared)
{
    struct http_slots *slots = calloc(1, sizeof(*slots));

    if (slots == NULL)
        return NULL;
    slots->slots = client_slots_new(connections, streams);
    if (slots->slots == NULL || (shared && pthread_mutex_init(&slots->lock, NULL) != 0)) {
        client_slots_free(slots->slots);
        free(slots);
        return NULL;
    }
    slots->shared = shared;
    return slots;
}

void http_slots_free(struct http_slots *slots)
{
    if (slots == NULL)
        return;
    client_slots_free(slots->slots);
    if (slots->shared)
        pthread_mutex_destroy(&slots->lock);
    free(slots);
}

static void lock(struct http_slots *slots)
{
    if (slots->shared)
        pthread_mutex_lock(&slots->lock);
}

static void unlock(struct http_slots *slots)
{
    if (slots->shared)
        pthread_mutex_unlock(&slots->lock);
}

int http_slots_open(struct http_slots *slots, const struct client_slots_key *key, bool exempt,
                    struct client_slot **slot)
{
    int result;

    lock(slots);
    result = client_slots_open(slots->slots, key, exempt, slot);
    unlock(slots);
    return result;
}

void http_slots_close(struct http_slots *slots, struct client_slot *slot)
{
    lock(slots);
    client_slots_close(slots->slots, slot);
    unlock(slots);
}

int http_slots_claim_stream(struct http_slots *slots, struct client_slot *slot)
{
    int result;

    lock(slots);
    result = client_slots_claim_stream(slots->slots, slot);
    unlock(slots);
    return result;
}

void http_slots_release_stream(struct http_slots *slots, struct client_slot *slot)
{
    lock(slots);
    client_slots_release_stream(slots->slots, slot);
    unlock(slots);
}

size_t http_slots_connections(struct http_slots *slots)
{
    size_t count;

    lock(slots);
    count = client_slots_connections(slots->slots);
    unlock(slots);
    return count;
}
