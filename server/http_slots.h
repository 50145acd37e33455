/* http_slots.h: the connection and stream counts (client_slots), shared by every loop's listener.
 */
#ifndef PARKSHARE_HTTP_SLOTS_H
#define PARKSHARE_HTTP_SLOTS_H

#include "client_slots.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * client_slots behind a mutex when several threads accept: the caps hold
 * for a client whose connections SO_REUSEPORT spreads over every loop.
 * The lock is taken at accept, close and a stream's claim and release,
 * never per request. Unshared (one loop), no lock is taken at all.
 */
struct http_slots;

/*
 * Counts with caps for connections and streams; shared: several threads
 * use it. Returns NULL without memory.
 */
struct http_slots *http_slots_new(struct client_slots_caps connections,
                                  struct client_slots_caps streams, bool shared);

/* Free; accepts NULL. Slots still open are freed with it. */
void http_slots_free(struct http_slots *slots);

/* client_slots_open, _close, _claim_stream, _release_stream and _connections, under the lock. */
int http_slots_open(struct http_slots *slots, const struct client_slots_key *key, bool exempt,
                    struct client_slot **slot);
void http_slots_close(struct http_slots *slots, struct client_slot *slot);
int http_slots_claim_stream(struct http_slots *slots, struct client_slot *slot);
void http_slots_release_stream(struct http_slots *slots, struct client_slot *slot);
size_t http_slots_connections(struct http_slots *slots);

#endif
