/* test-gzip.c: gzip bodies inflated back byte for byte, Accept-Encoding, which answers are worth
 * it. */
#include "check.h"
#include "gzip.h"

#include <stdlib.h>
#include <zlib.h>

/* Inflate a gzip member (windowBits 15 + 16: the gzip wrapper only) into out; its length or -1. */
static long inflate_gzip(const char *in, size_t length, char *out, size_t room)
{
    z_stream stream;
    long produced = -1;

    memset(&stream, 0, sizeof(stream));
    if (inflateInit2(&stream, 15 + 16) != Z_OK)
        return -1;
    stream.next_in = (Bytef *)(uintptr_t)in;
    stream.avail_in = (uInt)length;
    stream.next_out = (Bytef *)out;
    stream.avail_out = (uInt)room;
    if (inflate(&stream, Z_FINISH) == Z_STREAM_END && stream.avail_in == 0)
        produced = (long)(room - stream.avail_out);
    inflateEnd(&stream);
    return produced;
}

/* A lot list's shape: repetitive JSON, as the real answers are. */
static char *sample_json(size_t lots, size_t *length)
{
    size_t room = lots * 128 + 16, used = 0;
    char *text = malloc(room);

    used += (size_t)snprintf(text + used, room - used, "{\"lots\":[");
    for (size_t i = 0; i < lots; i++)
        used += (size_t)snprintf(text + used, room - used,
                                 "%s{\"id\":\"lot-%zu\",\"capacity\":%zu,\"free\":%zu,"
                                 "\"state\":\"OPEN\",\"open_now\":true}",
                                 i > 0 ? "," : "", i, 100 + i, i % 17);
    used += (size_t)snprintf(text + used, room - used, "]}");
    *length = used;
    return text;
}

static void test_round_trip(void)
{
    size_t length = 0, packed_length = 0;
    char *body = sample_json(200, &length);
    char *packed = NULL;
    char *unpacked = malloc(length + 16);
    static const unsigned char magic[] = {0x1f, 0x8b, 0x08};

    CHECK_INT_EQ(gzip_compress(body, length, &packed, &packed_length), 0);
    CHECK(packed != NULL);
    /* The gzip wrapper (RFC 1952): magic, deflate. */
    CHECK(packed_length > 18 && memcmp(packed, magic, sizeof(magic)) == 0);
    /* Repetitive JSON shrinks to well under a third. */
    CHECK(packed_length * 3 < length);
    CHECK_INT_EQ(inflate_gzip(packed, packed_length, unpacked, length + 16), (long)length);
    CHECK(memcmp(unpacked, body, length) == 0);
    free(packed);
    /* The empty body is a valid gzip member too. */
    CHECK_INT_EQ(gzip_compress("", 0, &packed, &packed_length), 0);
    CHECK_INT_EQ(inflate_gzip(packed, packed_length, unpacked, 16), 0);
    free(packed);
    free(unpacked);
    free(body);
}

struct accept_case {
    const char *header;
    bool accepted;
};

static void test_accept_encoding(void)
{
    static const struct accept_case cases[] = {
        {NULL, false},
        {"", false},
        {"gzip", true},
        {"GZIP", true},
        {"x-gzip", true},
        {"gzip, deflate, br, zstd", true},
        {"br;q=1.0, gzip;q=0.8, *;q=0.1", true},
        {"deflate, br", false},
        {"identity", false},
        /* q=0 means "not acceptable" (RFC 9110 12.4.2), however it is written. */
        {"gzip;q=0", false},
        {"gzip; q=0.000", false},
        {"gzip;Q=0.", false},
        {"gzip;q=0.001", true},
        {"gzip ; q=1", true},
        {"gzip;q=1.000", true},
        /* A wildcard stands for codings not named; a named gzip wins over it. */
        {"*", true},
        {"*;q=0", false},
        {"gzip;q=0, *", false},
        {"*, gzip;q=0", false},
        {"gzip, *;q=0", true},
        {"br, *;q=0.5", true},
        /* A malformed q refuses (never guess a client can inflate). */
        {"gzip;q=2", false},
        {"gzip;q=1.5", false},
        {"gzip;q=0.1234", false},
        {"gzip;q=abc", false},
        {"gzip;q=", false},
        /* Names that merely contain gzip are other codings. */
        {"gzipx", false},
        {"x-gzip2, agzip", false},
        {" , ,gzip", true},
        {"deflate;level=1, gzip;foo=bar;q=0.5", true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (gzip_accepted(cases[i].header) != cases[i].accepted)
            fprintf(stderr, "case %zu: '%s'\n", i, cases[i].header ? cases[i].header : "(null)");
        CHECK(gzip_accepted(cases[i].header) == cases[i].accepted);
    }
}

static void test_worth(void)
{
    CHECK(gzip_worth("application/json", 1025));
    CHECK(!gzip_worth("application/json", 1024));
    CHECK(!gzip_worth("application/json", 0));
    CHECK(gzip_worth("application/geo+json", 5000));
    CHECK(gzip_worth("application/problem+json", 5000));
    CHECK(gzip_worth("text/calendar; charset=utf-8", 5000));
    CHECK(gzip_worth("text/html; charset=utf-8", 5000));
    CHECK(gzip_worth("text/javascript; charset=utf-8", 5000));
    CHECK(gzip_worth("text/css; charset=utf-8", 5000));
    CHECK(!gzip_worth("image/png", 5000));
    CHECK(gzip_worth("application/manifest+json", 5000));
    CHECK(gzip_worth("Application/JSON;charset=utf-8", 5000));
    CHECK(!gzip_worth("text/plain; charset=utf-8", 5000));
    CHECK(!gzip_worth("text/event-stream", 5000));
    CHECK(!gzip_worth("application/jsonx", 5000));
    CHECK(!gzip_worth("image/png", 5000));
    CHECK(!gzip_worth(NULL, 5000));
}

static void test_copy(void)
{
    struct gzip_copy copy = {NULL, 0, ""};
    size_t length = 0;
    char *body = sample_json(100, &length);
    char *unpacked = malloc(length);

    /* Up to 1 KB nothing is kept. */
    CHECK_INT_EQ(gzip_copy_update(&copy, body, GZIP_MIN_LENGTH, "\"abc\""), 0);
    CHECK(copy.body == NULL);
    CHECK_INT_EQ(copy.length, 0);
    CHECK_STR_EQ(copy.etag, "");
    CHECK_INT_EQ(gzip_copy_update(&copy, body, length, "\"abc\""), 0);
    CHECK(copy.body != NULL);
    CHECK_STR_EQ(copy.etag, "\"abc-gzip\"");
    CHECK_INT_EQ(inflate_gzip(copy.body, copy.length, unpacked, length), (long)length);
    CHECK(memcmp(unpacked, body, length) == 0);
    /* A new body replaces the copy; a small one empties it. */
    CHECK_INT_EQ(gzip_copy_update(&copy, body, GZIP_MIN_LENGTH + 1, "\"def\""), 0);
    CHECK_STR_EQ(copy.etag, "\"def-gzip\"");
    CHECK_INT_EQ(inflate_gzip(copy.body, copy.length, unpacked, length), GZIP_MIN_LENGTH + 1);
    CHECK_INT_EQ(gzip_copy_update(&copy, body, 10, "\"ghi\""), 0);
    CHECK(copy.body == NULL);
    CHECK_STR_EQ(copy.etag, "");
    /* A tag that is no tag cannot name the copy: nothing is kept. */
    CHECK_INT_EQ(gzip_copy_update(&copy, body, length, "abc"), GZIP_ERROR_TOO_LARGE);
    CHECK(copy.body == NULL);
    gzip_copy_clear(&copy);
    gzip_copy_clear(&copy);
    free(unpacked);
    free(body);
}

int main(void)
{
    RUN_TEST(test_round_trip);
    RUN_TEST(test_accept_encoding);
    RUN_TEST(test_worth);
    RUN_TEST(test_copy);
    return check_exit_status();
}
