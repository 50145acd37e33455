/* test-etag.c: entity tags of bodies and If-None-Match: weak and strong, lists, '*', garbage. */
#include "check.h"
#include "etag.h"

static void test_tag_of_a_body(void)
{
    char tag[24];

    /* 64-bit FNV-1a in hex, quoted: the empty body is the offset basis. */
    etag_of("", 0, tag, sizeof(tag));
    CHECK_STR_EQ(tag, "\"cbf29ce484222325\"");
    etag_of("a", 1, tag, sizeof(tag));
    CHECK_STR_EQ(tag, "\"af63dc4c8601ec8c\"");
    etag_of("foobar", 6, tag, sizeof(tag));
    CHECK_STR_EQ(tag, "\"85944171f73967e8\"");
    etag_of("{\"status\":\"ok\"}", 15, tag, sizeof(tag));
    CHECK_STR_EQ(tag, "\"92ae23487a8ce153\"");
    /* Only length bytes count, NULs included. */
    etag_of("foobarbaz", 6, tag, sizeof(tag));
    CHECK_STR_EQ(tag, "\"85944171f73967e8\"");
    etag_of("a\0b", 3, tag, sizeof(tag));
    CHECK(strcmp(tag, "\"af63dc4c8601ec8c\"") != 0);
    /* 19 bytes hold the tag; fewer truncate it, still terminated. */
    etag_of("a", 1, tag, 19);
    CHECK_STR_EQ(tag, "\"af63dc4c8601ec8c\"");
    etag_of("a", 1, tag, 5);
    CHECK_STR_EQ(tag, "\"af6");
}

/* An If-None-Match value, the current tag, and whether they match. */
struct match_case {
    const char *if_none_match;
    const char *etag;
    bool matches;
};

static void check_cases(const struct match_case *cases, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (etag_matches(cases[i].if_none_match, cases[i].etag) != cases[i].matches) {
            check_failures++;
            fprintf(stderr, "etag_matches(%s, %s) should be %s\n",
                    cases[i].if_none_match ? cases[i].if_none_match : "NULL",
                    cases[i].etag ? cases[i].etag : "NULL", cases[i].matches ? "true" : "false");
        }
        check_count++;
    }
}

#define CHECK_CASES(cases) check_cases(cases, sizeof(cases) / sizeof(cases[0]))

static void test_if_none_match(void)
{
    /* Weak and strong tags, lists, '*', whitespace, malformed values. */
    static const struct match_case cases[] = {
        /* --- strong and weak --- */
        {"\"af63dc4c8601ec8c\"", "\"af63dc4c8601ec8c\"", true},
        /* Weak comparison: a W/ on either side does not matter. */
        {"W/\"af63dc4c8601ec8c\"", "\"af63dc4c8601ec8c\"", true},
        {"\"af63dc4c8601ec8c\"", "W/\"af63dc4c8601ec8c\"", true},
        {"W/\"af63dc4c8601ec8c\"", "W/\"af63dc4c8601ec8c\"", true},
        {"\"af63dc4c8601ec8d\"", "\"af63dc4c8601ec8c\"", false},
        {"\"AF63DC4C8601EC8C\"", "\"af63dc4c8601ec8c\"", false},
        {"\"af63dc4c8601ec8\"", "\"af63dc4c8601ec8c\"", false},
        {"\"af63dc4c8601ec8cc\"", "\"af63dc4c8601ec8c\"", false},
        /* w/ is not the weak prefix, and the prefix has no space after it. */
        {"w/\"af63dc4c8601ec8c\"", "\"af63dc4c8601ec8c\"", false},
        {"W/ \"af63dc4c8601ec8c\"", "\"af63dc4c8601ec8c\"", false},
        {"\"\"", "\"\"", true},
        /* --- lists --- */
        {"\"a\", \"b\"", "\"b\"", true},
        {"\"a\",\"b\",\"c\"", "\"b\"", true},
        {"W/\"a\", W/\"b\"", "\"b\"", true},
        {"\"a\", \"c\"", "\"b\"", false},
        /* Commas and separators may repeat or lead. */
        {",, \"a\" ,,\"b\"", "\"b\"", true},
        /* A comma inside a tag is part of it. */
        {"\"a,b\"", "\"b\"", false},
        {"\"a,b\"", "\"a,b\"", true},
        /* --- star --- */
        {"*", "\"x\"", true},
        {"  *", "W/\"x\"", true},
        {"\"a\", *", "\"x\"", true},
        /* With no tag to compare there is nothing to match, not even '*'. */
        {"*", NULL, false},
        /* --- whitespace --- */
        {" \"x\"", "\"x\"", true},
        {"\t\"x\"\t", "\"x\"", true},
        {"\"y\" \t , \t\"x\"", "\"x\"", true},
        {"", "\"x\"", false},
        {"  ,\t ", "\"x\"", false},
        /* Spaces inside the quotes are part of the tag. */
        {"\" x\"", "\"x\"", false},
        /* --- malformed --- */
        {NULL, "\"x\"", false},
        {"x", "\"x\"", false},
        {"\"x", "\"x\"", false},
        {"W/", "\"x\"", false},
        {"W/x", "\"x\"", false},
        /* Parsing stops at the first malformed member: a later match is not reached. */
        {"garbage, \"x\"", "\"x\"", false},
        {"\"y\"junk, \"x\"", "\"x\"", false},
        {"\"y\", \"x", "\"x\"", false},
        /* But a match before the garbage stands. */
        {"\"x\", garbage", "\"x\"", true},
        {"\"x\"junk", "\"x\"", true},
    };
    CHECK_CASES(cases);
}

/* A representation's tag: the suffix inside the quotes, W/ kept; not a tag or no room: -1. */
static void test_variant(void)
{
    char tag[32];

    CHECK_INT_EQ(etag_variant("\"af63dc4c8601ec8c\"", "gzip", tag, sizeof(tag)), 0);
    CHECK_STR_EQ(tag, "\"af63dc4c8601ec8c-gzip\"");
    CHECK_INT_EQ(etag_variant("W/\"x\"", "gzip", tag, sizeof(tag)), 0);
    CHECK_STR_EQ(tag, "W/\"x-gzip\"");
    /* The two tags are different: neither matches the other's If-None-Match. */
    CHECK(!etag_matches("\"af63dc4c8601ec8c\"", "\"af63dc4c8601ec8c-gzip\""));
    CHECK(!etag_matches("\"af63dc4c8601ec8c-gzip\"", "\"af63dc4c8601ec8c\""));
    CHECK(etag_matches("\"a\", \"af63dc4c8601ec8c-gzip\"", "\"af63dc4c8601ec8c-gzip\""));
    CHECK_INT_EQ(etag_variant("x", "gzip", tag, sizeof(tag)), -1);
    CHECK_INT_EQ(etag_variant("\"", "gzip", tag, sizeof(tag)), -1);
    CHECK_INT_EQ(etag_variant("W/x\"", "gzip", tag, sizeof(tag)), -1);
    CHECK_INT_EQ(etag_variant("\"af63dc4c8601ec8c\"", "gzip", tag, 24), 0);
    CHECK_INT_EQ(etag_variant("\"af63dc4c8601ec8c\"", "gzip", tag, 23), -1);
}

int main(void)
{
    RUN_TEST(test_variant);
    RUN_TEST(test_if_none_match);
    RUN_TEST(test_tag_of_a_body);
    return check_exit_status();
}
