/* sha256.h: SHA-256 (FIPS 180-4), for storing tokens only as hashes; pure. */
#ifndef PARKSHARE_SHA256_H
#define PARKSHARE_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* An incremental hash: sha256_init, any number of sha256_update, sha256_final. */
struct sha256_state {
    uint32_t h[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes waiting in block */
};

void sha256_init(struct sha256_state *state);
void sha256_update(struct sha256_state *state, const void *data, size_t length);
/* Write the digest; the state must be initialised again before reuse. */
void sha256_final(struct sha256_state *state, uint8_t digest[32]);

/* One-shot: the digest of length bytes at data. */
void sha256(const void *data, size_t length, uint8_t digest[32]);

#endif
