/* test-sha256.c: SHA-256 against the NIST vectors, one-shot and incremental. */
#include "check.h"
#include "sha256.h"

static void hex(const uint8_t digest[32], char out[65])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = digits[digest[i] >> 4];
        out[2 * i + 1] = digits[digest[i] & 15];
    }
    out[64] = '\0';
}

static void check_vector(const char *message, const char *expected)
{
    uint8_t digest[32];
    char text[65];
    sha256(message, strlen(message), digest);
    hex(digest, text);
    CHECK_STR_EQ(text, expected);
}

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
    struct sha256_state state;
    uint8_t digest[32];
    char chunk[1000], text[65];
    memset(chunk, 'a', sizeof(chunk));
    sha256_init(&state);
    for (int i = 0; i < 1000; i++)
        sha256_update(&state, chunk, sizeof(chunk));
    sha256_final(&state, digest);
    hex(digest, text);
    CHECK_STR_EQ(text, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
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

int main(void)
{
    RUN_TEST(test_nist_vectors);
    RUN_TEST(test_million_a);
    RUN_TEST(test_incremental_splits);
    return check_exit_status();
}
