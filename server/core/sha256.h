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

/* Start a hash; cannot fail. */
void sha256_init(struct sha256_state *state);

/* Hash length more bytes at data (borrowed); data may be NULL when length is 0. */
void sha256_update(struct sha256_state *state, const void *data, size_t length);

/*
 * Write the digest and wipe the state, which held the hashed bytes (a
 * token, a secret); sha256_init it again before reuse.
 */
void sha256_final(struct sha256_state *state, uint8_t digest[32]);

/* One-shot: the digest of length bytes at data. */
void sha256(const void *data, size_t length, uint8_t digest[32]);

/* Write a digest as 64 lower-case hex digits and a NUL into out. */
void sha256_hex(const uint8_t digest[32], char out[65]);

#endif
