/* rate_limit.h: token buckets per key (a token, a client address), in a fixed-size table; pure. */
#ifndef PARKSHARE_RATE_LIMIT_H
#define PARKSHARE_RATE_LIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rate_limit;

/*
 * A limiter allowing rate requests per second per key with bursts of up to
 * burst, tracking at most slots keys (rounded up to a power of two). When
 * the table is full, the key idle longest gives way: memory stays fixed
 * whatever the number of clients. NULL when out of memory.
 */
struct rate_limit *rate_limit_new(double rate, double burst, size_t slots);

/* Free; accepts NULL. */
void rate_limit_free(struct rate_limit *limit);

/*
 * Whether a request from key (at most 63 bytes are used) may go ahead at
 * now_ms. When not, *retry_after_seconds says when one token is back.
 */
bool rate_limit_allow(struct rate_limit *limit, const char *key, int64_t now_ms,
                      int *retry_after_seconds);

/*
 * Whether count requests at once (a batch of count updates) from key may go
 * ahead at now_ms; they take count tokens together or none. A count over
 * the burst is taken as the burst, so a batch larger than the burst goes
 * ahead whenever the bucket is full (and empties it) instead of never.
 * When not, *retry_after_seconds says when enough tokens are back.
 */
bool rate_limit_take(struct rate_limit *limit, const char *key, double count, int64_t now_ms,
                     int *retry_after_seconds);

#endif
