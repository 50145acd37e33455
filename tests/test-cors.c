/* test-cors.c: cors_origins lists, every malformed entry named, and which origin is echoed. */
#include "check.h"
#include "cors.h"

#include <stdlib.h>

struct refusal_case {
    const char *list;
    const char *reason;
};

static void test_refusals(void)
{
    static const struct refusal_case cases[] = {
        {"map.example.org", "'map.example.org' is not scheme://host[:port]"},
        {"https://map.example.org/", "'https://map.example.org/' has a path; an origin is "
                                     "scheme://host[:port] alone"},
        {"https://map.example.org/app", "'https://map.example.org/app' has a path; an origin is "
                                        "scheme://host[:port] alone"},
        {"https://a.org:8443/x", "'https://a.org:8443/x' has a path; an origin is "
                                 "scheme://host[:port] alone"},
        {"https://a.org?x=1", "'https://a.org?x=1' has a path; an origin is scheme://host[:port] "
                              "alone"},
        {"https://", "'https://' has no host"},
        {"https://user@a.org", "'https://user@a.org' is not scheme://host[:port]"},
        {"https://a.org:0", "'https://a.org:0' has a port that is not 1 to 65535"},
        {"https://a.org:65536", "'https://a.org:65536' has a port that is not 1 to 65535"},
        {"https://a.org:", "'https://a.org:' is not scheme://host[:port]"},
        {"https://a.org:443", "'https://a.org:443' names the scheme's default port, which "
                              "browsers leave out of Origin: drop it"},
        {"http://a.org:80", "'http://a.org:80' names the scheme's default port, which browsers "
                            "leave out of Origin: drop it"},
        {"1http://a.org", "'1http://a.org' is not scheme://host[:port]"},
        {"* https://a.org", "'*' allows every origin and stands alone, without 'https://a.org'"},
        {"https://a.org, *", "'*' allows every origin and stands alone, without 'https://a.org'"},
        {"https://ok.org https://a.org/", "'https://a.org/' has a path; an origin is "
                                          "scheme://host[:port] alone"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cors_origins *origins = NULL;
        char reason[256] = "";
        CHECK_INT_EQ(cors_origins_parse(cases[i].list, &origins, reason, sizeof(reason)),
                     CORS_ERROR_INVALID);
        CHECK(origins == NULL);
        CHECK_STR_EQ(reason, cases[i].reason);
    }
}

static void test_any(void)
{
    struct cors_origins *origins = NULL;
    char reason[256] = "";
    bool vary = true;

    CHECK_INT_EQ(cors_origins_parse("*", &origins, reason, sizeof(reason)), 0);
    CHECK(!cors_needs_origin(origins));
    CHECK_STR_EQ(cors_allow_origin(origins, "https://anywhere.example", &vary), "*");
    CHECK(!vary);
    CHECK_STR_EQ(cors_allow_origin(origins, NULL, &vary), "*");
    CHECK(!vary);
    cors_origins_free(origins);
}

static void test_list(void)
{
    struct cors_origins *origins = NULL;
    char reason[256] = "";
    bool vary = false;
    const char *origin;

    CHECK_INT_EQ(cors_origins_parse(" https://map.example.org,http://127.0.0.1:8080\t"
                                    "https://[::1]:9000 ",
                                    &origins, reason, sizeof(reason)),
                 0);
    CHECK(cors_needs_origin(origins));
    /* A listed origin is echoed, the request's own text. */
    origin = cors_allow_origin(origins, "https://map.example.org", &vary);
    CHECK_STR_EQ(origin, "https://map.example.org");
    CHECK(vary);
    CHECK_STR_EQ(cors_allow_origin(origins, "HTTPS://MAP.example.org", &vary),
                 "HTTPS://MAP.example.org");
    CHECK_STR_EQ(cors_allow_origin(origins, "http://127.0.0.1:8080", &vary),
                 "http://127.0.0.1:8080");
    CHECK_STR_EQ(cors_allow_origin(origins, "https://[::1]:9000", &vary), "https://[::1]:9000");
    /* Anything else gets no header, but the answer still varies by Origin. */
    vary = false;
    CHECK(cors_allow_origin(origins, "https://evil.example", &vary) == NULL);
    CHECK(vary);
    CHECK(cors_allow_origin(origins, "http://map.example.org", &vary) == NULL);
    CHECK(cors_allow_origin(origins, "https://map.example.org:443", &vary) == NULL);
    CHECK(cors_allow_origin(origins, "https://map.example.org.evil", &vary) == NULL);
    CHECK(cors_allow_origin(origins, "null", &vary) == NULL);
    CHECK(cors_allow_origin(origins, NULL, &vary) == NULL);
    CHECK(vary);
    cors_origins_free(origins);
}

static void test_none(void)
{
    struct cors_origins *origins = NULL;
    char reason[256] = "";
    bool vary = true;

    CHECK_INT_EQ(cors_origins_parse(" , ", &origins, reason, sizeof(reason)), 0);
    CHECK(!cors_needs_origin(origins));
    CHECK(cors_allow_origin(origins, "https://map.example.org", &vary) == NULL);
    CHECK(!vary);
    cors_origins_free(origins);
    CHECK(cors_allow_origin(NULL, "https://map.example.org", &vary) == NULL);
    cors_origins_free(NULL);
}

int main(void)
{
    RUN_TEST(test_refusals);
    RUN_TEST(test_any);
    RUN_TEST(test_list);
    RUN_TEST(test_none);
    return check_exit_status();
}
