/* client_slots.h: connections and streams open at once, in all and per client address. */
#ifndef PARKSHARE_CLIENT_SLOTS_H
#define PARKSHARE_CLIENT_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

enum client_slots_error {
    CLIENT_SLOTS_ERROR_NO_MEMORY = -1,
    CLIENT_SLOTS_ERROR_FULL = -2,        /* the cap for all clients together is reached */
    CLIENT_SLOTS_ERROR_CLIENT_FULL = -3, /* this client address has its cap */
};

/* What one client address is known by: IPv4 whole, IPv6 by its /64 (one site or household). */
struct client_slots_key {
    unsigned char bytes[16];
};

/* Caps: total for all clients together, per_client for one key. */
struct client_slots_caps {
    size_t total;
    size_t per_client;
};

struct client_slots;
/* One client address with at least one connection open; owned by the table. */
struct client_slot;

/*
 * The key of address (AF_INET, AF_INET6; an IPv4-mapped IPv6 address is its
 * IPv4 address). Any other family gets one shared key.
 */
void client_slots_key_of(const struct sockaddr *address, struct client_slots_key *key);

/*
 * A table with caps for connections and for streams (a stream is held by
 * an open connection). Returns NULL without memory.
 */
struct client_slots *client_slots_new(struct client_slots_caps connections,
                                      struct client_slots_caps streams);

/* Free; accepts NULL. Slots still open are freed with it. */
void client_slots_free(struct client_slots *slots);

/*
 * Count a new connection from key: returns 0 with *slot (to pass back to
 * the functions below), or CLIENT_SLOTS_ERROR_FULL / _CLIENT_FULL when a
 * cap is reached, or _NO_MEMORY; then nothing is counted. exempt: key is
 * not held to the per-client caps, for connections or streams (a trusted
 * proxy, which carries many clients); the totals still hold.
 */
int client_slots_open(struct client_slots *slots, const struct client_slots_key *key, bool exempt,
                      struct client_slot **slot);

/* The connection closed: uncount it (slot may be freed). */
void client_slots_close(struct client_slots *slots, struct client_slot *slot);

/*
 * Count a stream of slot's client: 0, or CLIENT_SLOTS_ERROR_FULL /
 * _CLIENT_FULL when a cap is reached (nothing counted).
 */
int client_slots_claim_stream(struct client_slots *slots, struct client_slot *slot);

/* A stream claimed with client_slots_claim_stream ended. */
void client_slots_release_stream(struct client_slots *slots, struct client_slot *slot);

/* Connections and streams counted now, in all. */
size_t client_slots_connections(const struct client_slots *slots);
size_t client_slots_streams(const struct client_slots *slots);

/* Connections and streams counted for slot's client. */
size_t client_slots_client_connections(const struct client_slot *slot);
size_t client_slots_client_streams(const struct client_slot *slot);

#endif
