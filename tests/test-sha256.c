/* test-sha256.c: SHA-256 against the NIST vectors, one-shot and incremental. */
#include "check.h"
#include "sha256.h"

#include <stdlib.h>

static void check_vector(const char *message, const char *expected)
{
    uint8_t digest[32];
    char text[65];
    sha256(message, strlen(message), digest);
    sha256_hex(digest, text);
    CHECK_STR_EQ(text, expected);
}

/* FIPS 180-4 examples (NIST CSRC "SHA256.pdf" and "SHA2_Additional.pdf"). */
static void test_nist_vectors(void)
{
    check_vector("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_vector("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check_vector("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    check_vector("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
                 "klmnopqrlmnopqrsmnopqrstnopqrstu",
                 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_million_a(void)
{
    static const char expected[] =
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    struct sha256_state state;
    uint8_t digest[32];
    char chunk[1000], text[65];
    char *whole = malloc(1000000);

    memset(chunk, 'a', sizeof(chunk));
    sha256_init(&state);
    for (int i = 0; i < 1000; i++)
        sha256_update(&state, chunk, sizeof(chunk));
    sha256_final(&state, digest);
    sha256_hex(digest, text);
    CHECK_STR_EQ(text, expected);

    CHECK(whole != NULL);
    if (whole == NULL)
        return;
    memset(whole, 'a', 1000000);
    sha256(whole, 1000000, digest);
    sha256_hex(digest, text);
    CHECK_STR_EQ(text, expected);
    free(whole);
}

/* Every split of a 200-byte message gives the one-shot digest. */
static void test_incremental_splits(void)
{
    uint8_t message[200], whole[32], split[32];
    int mismatches = 0;
    for (size_t i = 0; i < sizeof(message); i++)
        message[i] = (uint8_t)(i * 7 + 3);
    sha256(message, sizeof(message), whole);
    for (size_t cut = 0; cut <= sizeof(message); cut++) {
        struct sha256_state state;
        sha256_init(&state);
        sha256_update(&state, message, cut);
        sha256_update(&state, message + cut, sizeof(message) - cut);
        sha256_final(&state, split);
        if (memcmp(whole, split, 32) != 0)
            mismatches++;
    }
    CHECK_INT_EQ(mismatches, 0);
}

/*
 * Lengths around the padding edges (55 fits the length in the block, 56
 * needs another) fed one byte at a time and with empty updates between.
 */
static void test_padding_edges_byte_by_byte(void)
{
    static const size_t lengths[] = {0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 199};
    uint8_t message[200], whole[32], bytewise[32];
    int mismatches = 0;
    for (size_t i = 0; i < sizeof(message); i++)
        message[i] = (uint8_t)(255 - i);
    for (size_t n = 0; n < sizeof(lengths) / sizeof(lengths[0]); n++) {
        struct sha256_state state;
        sha256(message, lengths[n], whole);
        sha256_init(&state);
        for (size_t i = 0; i < lengths[n]; i++) {
            sha256_update(&state, message + i, 1);
            sha256_update(&state, NULL, 0);
        }
        sha256_final(&state, bytewise);
        if (memcmp(whole, bytewise, 32) != 0) {
            fprintf(stderr, "length %zu differs byte by byte\n", lengths[n]);
            mismatches++;
        }
    }
    CHECK_INT_EQ(mismatches, 0);
}

static void test_hex_and_wiped_state(void)
{
    uint8_t digest[32];
    struct sha256_state state, zero;
    char text[65];

    for (size_t i = 0; i < 32; i++)
        digest[i] = (uint8_t)(i * 8 + 7);
    sha256_hex(digest, text);
    CHECK_STR_EQ(text, "070f171f272f373f474f575f676f777f878f979fa7afb7bfc7cfd7dfe7eff7ff");

    memset(&zero, 0, sizeof(zero));
    sha256_init(&state);
    sha256_update(&state, "ps_secret-token", 15);
    sha256_final(&state, digest);
    /* The token's bytes must not linger in the caller's stack frame. */
    CHECK(memcmp(&state, &zero, sizeof(state)) == 0);
}

int main(void)
{
    RUN_TEST(test_nist_vectors);
    RUN_TEST(test_million_a);
    RUN_TEST(test_incremental_splits);
    RUN_TEST(test_padding_edges_byte_by_byte);
    RUN_TEST(test_hex_and_wiped_state);
    return check_exit_status();
}
