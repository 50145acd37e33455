/* test-router.c: patterns, matching, parameters, percent-decoding, 404 against 405, Allow. */
#include "check.h"
#include "router.h"

#include <stdlib.h>

/* The daemon's shapes: literals, a parameter, a parameter before a literal, the root. */
static struct router *sample(void)
{
    struct router *router = router_new();
    CHECK(router != NULL);
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/healthz", "healthz"), 0);
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/v1/lots", "list"), 0);
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/v1/lots/{id}", "get"), 0);
    CHECK_INT_EQ(router_add(router, ROUTER_PUT, "/v1/lots/{id}", "put"), 0);
    CHECK_INT_EQ(router_add(router, ROUTER_DELETE, "/v1/lots/{id}", "delete"), 0);
    CHECK_INT_EQ(router_add(router, ROUTER_POST, "/v1/lots/{id}/occupancy", "occupancy"), 0);
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/v1/lots/{id}/schedule", "schedule"), 0);
    CHECK_INT_EQ(router_add(router, ROUTER_GET | ROUTER_POST, "/v1/tokens", "tokens"), 0);
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/v1/pairs/{from}/{to}", "pair"), 0);
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/", "root"), 0);
    return router;
}

/* A request, what router_match returns, the target and one parameter it yields. */
struct match_case {
    unsigned method;
    const char *path;
    int result;
    const char *target; /* NULL: no route */
    const char *name;   /* a parameter to look up, or NULL */
    const char *value;
};

static void check_cases(const struct match_case *cases, size_t count)
{
    struct router *router = sample();

    for (size_t i = 0; i < count; i++) {
        struct router_match found;
        const struct match_case *want = &cases[i];
        int result = router_match(router, want->method, want->path, &found);

        int failures = check_failures;

        CHECK_INT_EQ(result, want->result);
        CHECK_STR_EQ(found.target, want->target);
        if (want->name != NULL)
            CHECK_STR_EQ(router_match_parameter(&found, want->name), want->value);
        if (check_failures != failures)
            fprintf(stderr, "  (matching %s)\n", want->path);
        router_match_deinit(&found);
    }
    router_free(router);
}

#define CHECK_CASES(cases) check_cases(cases, sizeof(cases) / sizeof(cases[0]))

/* Match again into out (released first) and return the result. */
static int match(const struct router *router, unsigned method, const char *path,
                 struct router_match *out)
{
    router_match_deinit(out);
    return router_match(router, method, path, out);
}

static void test_matching(void)
{
    /* Literal and parameter segments, percent-decoding, trailing slashes, empty segments. */
    static const struct match_case cases[] = {
        /* --- literal segments --- */
        {ROUTER_GET, "/healthz", 0, "healthz", "id", NULL},
        {ROUTER_GET, "/v1/lots", 0, "list", NULL, NULL},
        {ROUTER_GET, "/", 0, "root", NULL, NULL},
        {ROUTER_GET, "/healthzz", ROUTER_ERROR_NOT_FOUND, NULL, NULL, NULL},
        {ROUTER_GET, "/HEALTHZ", ROUTER_ERROR_NOT_FOUND, NULL, NULL, NULL},
        {ROUTER_GET, "/v1", ROUTER_ERROR_NOT_FOUND, NULL, NULL, NULL},
        {ROUTER_GET, "/v1/lots.geojson", ROUTER_ERROR_NOT_FOUND, NULL, NULL, NULL},
        /* --- parameter segments --- */
        {ROUTER_GET, "/v1/lots/crd-1", 0, "get", "id", "crd-1"},
        /* Names compare whole. */
        {ROUTER_GET, "/v1/lots/crd-1", 0, "get", "i", NULL},
        {ROUTER_GET, "/v1/lots/crd-1", 0, "get", "idx", NULL},
        {ROUTER_GET, "/v1/lots/crd-1/schedule", 0, "schedule", "id", "crd-1"},
        {ROUTER_GET, "/v1/pairs/a/b", 0, "pair", "from", "a"},
        {ROUTER_GET, "/v1/pairs/a/b", 0, "pair", "to", "b"},
        /* A parameter is one segment: a slash never goes into it. */
        {ROUTER_GET, "/v1/lots/a/b", ROUTER_ERROR_NOT_FOUND, NULL, "id", NULL},
        /* --- percent decoding --- */
        /* Segments are decoded after the split: %2F is a slash inside the id. */
        {ROUTER_GET, "/v1/lots/a%2Fb", 0, "get", "id", "a/b"},
        {ROUTER_GET, "/v1/lots/%E6%98%A5", 0, "get", "id", "\xe6\x98\xa5"},
        /* Literals compare decoded, so an encoded letter still matches. */
        {ROUTER_GET, "/v1/%6cots", 0, "list", NULL, NULL},
        /* '+' is not a space in a path; a broken escape is kept as it is. */
        {ROUTER_GET, "/v1/lots/a+b", 0, "get", "id", "a+b"},
        {ROUTER_GET, "/v1/lots/50%", 0, "get", "id", "50%"},
        {ROUTER_GET, "/v1/lots/%4", 0, "get", "id", "%4"},
        {ROUTER_GET, "/v1/lots/%zz", 0, "get", "id", "%zz"},
        {ROUTER_GET, "/v1/lots/%41%", 0, "get", "id", "A%"},
        /* A NUL byte fits no C string: refused, whichever route it would hit. */
        {ROUTER_GET, "/v1/lots/a%00b", ROUTER_ERROR_NUL_BYTE, NULL, "id", NULL},
        {ROUTER_GET, "/nothing/%00", ROUTER_ERROR_NUL_BYTE, NULL, NULL, NULL},
        /* --- trailing slashes and empty segments --- */
        /* A trailing slash is one more, empty, segment: no route has it. */
        {ROUTER_GET, "/healthz/", ROUTER_ERROR_NOT_FOUND, NULL, NULL, NULL},
        {ROUTER_GET, "/v1/lots/", ROUTER_ERROR_NOT_FOUND, NULL, NULL, NULL},
        /* An empty segment never fills a parameter. */
        {ROUTER_GET, "/v1/lots//schedule", ROUTER_ERROR_NOT_FOUND, NULL, NULL, NULL},
        {ROUTER_GET, "//healthz", ROUTER_ERROR_NOT_FOUND, NULL, NULL, NULL},
        {ROUTER_GET, "//", ROUTER_ERROR_NOT_FOUND, NULL, NULL, NULL},
        /* No leading slash, or more segments than a pattern may have. */
        {ROUTER_GET, "healthz", ROUTER_ERROR_UNROUTABLE, NULL, NULL, NULL},
        {ROUTER_GET, "*", ROUTER_ERROR_UNROUTABLE, NULL, NULL, NULL},
        {ROUTER_GET, "", ROUTER_ERROR_UNROUTABLE, NULL, NULL, NULL},
        {ROUTER_GET, "/1/2/3/4/5/6/7/8", ROUTER_ERROR_NOT_FOUND, NULL, NULL, NULL},
        {ROUTER_GET, "/1/2/3/4/5/6/7/8/9", ROUTER_ERROR_UNROUTABLE, NULL, NULL, NULL},
        {ROUTER_GET, "/1/2/3/4/5/6/7/8/", ROUTER_ERROR_UNROUTABLE, NULL, NULL, NULL},
    };
    CHECK_CASES(cases);
}

static void test_not_allowed_sets(void)
{
    struct router *router = sample();
    struct router_match found = {0};
    char allow[64];

    CHECK_INT_EQ(match(router, ROUTER_POST, "/v1/lots/x", &found), ROUTER_ERROR_NOT_ALLOWED);
    CHECK_INT_EQ(found.allowed, ROUTER_GET | ROUTER_PUT | ROUTER_DELETE);
    CHECK(found.target == NULL);
    CHECK_INT_EQ(found.parameter_count, 0);
    router_format_allow(found.allowed, allow, sizeof(allow));
    CHECK_STR_EQ(allow, "GET, HEAD, PUT, DELETE");
    CHECK_INT_EQ(match(router, ROUTER_DELETE, "/healthz", &found), ROUTER_ERROR_NOT_ALLOWED);
    router_format_allow(found.allowed, allow, sizeof(allow));
    CHECK_STR_EQ(allow, "GET, HEAD");
    CHECK_INT_EQ(match(router, ROUTER_PUT, "/v1/tokens", &found), ROUTER_ERROR_NOT_ALLOWED);
    router_format_allow(found.allowed, allow, sizeof(allow));
    CHECK_STR_EQ(allow, "GET, HEAD, POST");
    CHECK_INT_EQ(match(router, ROUTER_GET, "/v1/lots/x/occupancy", &found),
                 ROUTER_ERROR_NOT_ALLOWED);
    CHECK_INT_EQ(found.allowed, ROUTER_POST);
    router_format_allow(ROUTER_GET | ROUTER_POST | ROUTER_PUT | ROUTER_DELETE, allow,
                        sizeof(allow));
    CHECK_STR_EQ(allow, "GET, HEAD, POST, PUT, DELETE");
    router_format_allow(0, allow, sizeof(allow));
    CHECK_STR_EQ(allow, "");
    router_format_allow(ROUTER_GET | ROUTER_POST, allow, 8);
    CHECK_STR_EQ(allow, "GET, HE");
    router_match_deinit(&found);
    router_free(router);
}

static void test_head_as_get(void)
{
    static const struct match_case cases[] = {
        {ROUTER_HEAD, "/v1/lots/x", 0, "get", "id", "x"},
        {ROUTER_HEAD, "/v1/lots/x/occupancy", ROUTER_ERROR_NOT_ALLOWED, NULL, NULL, NULL},
    };
    struct router *router = router_new();

    CHECK_CASES(cases);
    /* HEAD is never a route's own method. */
    CHECK_INT_EQ(router_add(router, ROUTER_HEAD, "/head", "head"), ROUTER_ERROR_ROUTE);
    CHECK_INT_EQ(router_add(router, ROUTER_GET | ROUTER_HEAD, "/head", "head"), ROUTER_ERROR_ROUTE);
    router_free(router);
}

/* OPTIONS is no route's: a path with routes reports what a preflight allows, others 404. */
static void test_options_preflight(void)
{
    struct router *router = sample();
    struct router_match found = {0};
    char allow[64];

    CHECK_INT_EQ(match(router, ROUTER_OPTIONS, "/v1/lots/x", &found), ROUTER_ERROR_NOT_ALLOWED);
    CHECK_INT_EQ(found.allowed, ROUTER_GET | ROUTER_PUT | ROUTER_DELETE);
    CHECK(found.target == NULL);
    CHECK_INT_EQ(match(router, ROUTER_OPTIONS, "/v1/tokens", &found), ROUTER_ERROR_NOT_ALLOWED);
    CHECK_INT_EQ(found.allowed, ROUTER_GET | ROUTER_POST);
    CHECK_INT_EQ(match(router, ROUTER_OPTIONS, "/v1/nothing", &found), ROUTER_ERROR_NOT_FOUND);
    CHECK_INT_EQ(found.allowed, 0);
    router_format_allow(ROUTER_GET | ROUTER_PUT | ROUTER_DELETE | ROUTER_OPTIONS, allow,
                        sizeof(allow));
    CHECK_STR_EQ(allow, "GET, HEAD, PUT, DELETE, OPTIONS");
    router_format_allow(ROUTER_GET | ROUTER_POST | ROUTER_PUT | ROUTER_DELETE | ROUTER_OPTIONS,
                        allow, 42);
    CHECK_STR_EQ(allow, "GET, HEAD, POST, PUT, DELETE, OPTIONS");
    /* A route never has OPTIONS of its own. */
    CHECK_INT_EQ(router_add(router, ROUTER_OPTIONS, "/options", "x"), ROUTER_ERROR_ROUTE);
    CHECK_INT_EQ(router_add(router, ROUTER_GET | ROUTER_OPTIONS, "/options", "x"),
                 ROUTER_ERROR_ROUTE);
    router_match_deinit(&found);
    router_free(router);
}

static void test_first_route_wins(void)
{
    struct router *router = router_new();
    struct router_match found = {0};

    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/v1/lots/{id}", "parameter"), 0);
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/v1/lots/nearby", "literal"), 0);
    CHECK_INT_EQ(router_add(router, ROUTER_POST, "/v1/lots/nearby", "post"), 0);
    CHECK_INT_EQ(match(router, ROUTER_GET, "/v1/lots/nearby", &found), 0);
    CHECK_STR_EQ(found.target, "parameter");
    CHECK_INT_EQ(match(router, ROUTER_POST, "/v1/lots/nearby", &found), 0);
    CHECK_STR_EQ(found.target, "post");
    CHECK_INT_EQ(found.parameter_count, 0);
    CHECK_INT_EQ(match(router, ROUTER_DELETE, "/v1/lots/nearby", &found), ROUTER_ERROR_NOT_ALLOWED);
    CHECK_INT_EQ(found.allowed, ROUTER_GET | ROUTER_POST);
    router_match_deinit(&found);
    router_free(router);
}

static void test_malformed_patterns(void)
{
    struct router *router = router_new();

    CHECK_INT_EQ(router_add(router, ROUTER_GET, "v1/lots", "x"), ROUTER_ERROR_ROUTE);
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "", "x"), ROUTER_ERROR_ROUTE);
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/v1/{}", "x"), ROUTER_ERROR_ROUTE);
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/v1/{id", "x"), ROUTER_ERROR_ROUTE);
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/v1/{", "x"), ROUTER_ERROR_ROUTE);
    CHECK_INT_EQ(router_add(router, 0, "/v1", "x"), ROUTER_ERROR_ROUTE);
    CHECK_INT_EQ(router_add(router, 1u << 7, "/v1", "x"), ROUTER_ERROR_ROUTE);
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/1/2/3/4/5/6/7/8/9", "x"), ROUTER_ERROR_ROUTE);
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/1/2/3/4/5/6/7/8", "eight"), 0);
    /* A literal that merely ends in a brace is a literal. */
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/v1/x}", "brace"), 0);
    router_free(router);
}

static void test_too_many_parameters(void)
{
    struct router *router = router_new();
    struct router_match found = {0};

    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/{a}/{b}/{c}/{d}/{e}", "five"),
                 ROUTER_ERROR_ROUTE);
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/{a}/{b}/{c}/{d}/x", "four"), 0);
    CHECK_INT_EQ(match(router, ROUTER_GET, "/1/2/3/4/x", &found), 0);
    CHECK_INT_EQ(found.parameter_count, ROUTER_MAX_PARAMETERS);
    CHECK_STR_EQ(router_match_parameter(&found, "a"), "1");
    CHECK_STR_EQ(router_match_parameter(&found, "d"), "4");
    router_match_deinit(&found);
    router_free(router);
}

static void test_too_many_routes(void)
{
    struct router *router = router_new();
    struct router_match found = {0};

    for (size_t i = 0; i < ROUTER_MAX_ROUTES; i++)
        CHECK_INT_EQ(router_add(router, ROUTER_GET, "/full", "full"), 0);
    CHECK_INT_EQ(router_add(router, ROUTER_GET, "/more", "more"), ROUTER_ERROR_ROUTE);
    CHECK_INT_EQ(match(router, ROUTER_GET, "/more", &found), ROUTER_ERROR_NOT_FOUND);
    CHECK_INT_EQ(match(router, ROUTER_GET, "/full", &found), 0);
    router_match_deinit(&found);
    router_free(router);
    router_free(NULL);
}

int main(void)
{
    RUN_TEST(test_matching);
    RUN_TEST(test_not_allowed_sets);
    RUN_TEST(test_head_as_get);
    RUN_TEST(test_options_preflight);
    RUN_TEST(test_first_route_wins);
    RUN_TEST(test_malformed_patterns);
    RUN_TEST(test_too_many_parameters);
    RUN_TEST(test_too_many_routes);
    return check_exit_status();
}
