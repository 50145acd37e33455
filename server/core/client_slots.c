/* client_slots.c: connections and streams open at once, in all and per client address; pure. */
#include "client_slots.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Buckets of the address table: a power of two, plenty for the default 4096 connections. */
#define BUCKET_COUNT 4096

struct client_slot {
    struct client_slots_key key;
    size_t connections;
    size_t streams;
    bool exempt;              /* not held to the per-client caps */
    struct client_slot *next; /* in its bucket */
};

struct client_slots {
    struct client_slots_caps connection_caps, stream_caps;
    size_t connections, streams;
    struct client_slot *buckets[BUCKET_COUNT];
};

void client_slots_key_of(const struct sockaddr *address, struct client_slots_key *key)
{
    static const unsigned char mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    memset(key, 0, sizeof(*key));
    if (address->sa_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;
        memcpy(key->bytes, mapped_prefix, sizeof(mapped_prefix));
        memcpy(key->bytes + 12, &v4->sin_addr, 4);
    } else if (address->sa_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;
        const unsigned char *bytes = v6->sin6_addr.s6_addr;
        /* A mapped IPv4 client is one address; a real IPv6 client is its /64. */
        memcpy(key->bytes, bytes, memcmp(bytes, mapped_prefix, 12) == 0 ? 16 : 8);
    }
}

static size_t bucket_of(const struct client_slots_key *key)
{
    uint32_t hash = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < sizeof(key->bytes); i++)
        hash = (hash ^ key->bytes[i]) * 16777619u;
    return hash & (BUCKET_COUNT - 1);
}

struct client_slots *client_slots_new(struct client_slots_caps connections,
                                      struct client_slots_caps streams)
{
    struct client_slots *slots = calloc(1, sizeof(*slots));
    if (slots == NULL)
        return NULL;
    slots->connection_caps = connections;
    slots->stream_caps = streams;
    return slots;
}

void client_slots_free(struct client_slots *slots)
{
    if (slots == NULL)
        return;
    for (size_t i = 0; i < BUCKET_COUNT; i++) {
        while (slots->buckets[i] != NULL) {
            struct client_slot *slot = slots->buckets[i];
            slots->buckets[i] = slot->next;
            free(slot);
        }
    }
    free(slots);
}

int client_slots_open(struct client_slots *slots, const struct client_slots_key *key, bool exempt,
                      struct client_slot **out)
{
    size_t bucket = bucket_of(key);
    struct client_slot *slot = slots->buckets[bucket];

    while (slot != NULL && memcmp(&slot->key, key, sizeof(*key)) != 0)
        slot = slot->next;
    if (slots->connections >= slots->connection_caps.total)
        return CLIENT_SLOTS_ERROR_FULL;
    if (!exempt && slot != NULL && slot->connections >= slots->connection_caps.per_client)
        return CLIENT_SLOTS_ERROR_CLIENT_FULL;
    if (slot == NULL) {
        slot = calloc(1, sizeof(*slot));
        if (slot == NULL)
            return CLIENT_SLOTS_ERROR_NO_MEMORY;
        slot->key = *key;
        slot->exempt = exempt;
        slot->next = slots->buckets[bucket];
        slots->buckets[bucket] = slot;
    }
    slot->connections++;
    slots->connections++;
    *out = slot;
    return 0;
}

void client_slots_close(struct client_slots *slots, struct client_slot *slot)
{
    struct client_slot **link;

    slots->connections--;
    if (--slot->connections > 0)
        return;
    for (link = &slots->buckets[bucket_of(&slot->key)]; *link != slot; link = &(*link)->next)
        ;
    *link = slot->next;
    free(slot);
}

int client_slots_claim_stream(struct client_slots *slots, struct client_slot *slot)
{
    if (slots->streams >= slots->stream_caps.total)
        return CLIENT_SLOTS_ERROR_FULL;
    if (!slot->exempt && slot->streams >= slots->stream_caps.per_client)
        return CLIENT_SLOTS_ERROR_CLIENT_FULL;
    slot->streams++;
    slots->streams++;
    return 0;
}

void client_slots_release_stream(struct client_slots *slots, struct client_slot *slot)
{
    slot->streams--;
    slots->streams--;
}

size_t client_slots_connections(const struct client_slots *slots)
{
    return slots->connections;
}

size_t client_slots_streams(const struct client_slots *slots)
{
    return slots->streams;
}

size_t client_slots_client_connections(const struct client_slot *slot)
{
    return slot->connections;
}

size_t client_slots_client_streams(const struct client_slot *slot)
{
    return slot->streams;
}
