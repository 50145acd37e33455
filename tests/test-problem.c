/* test-problem.c: RFC 9457 problem documents. */
#include "check.h"
#include "problem.h"

#include <stdlib.h>

static void test_every_type_is_complete(void)
{
    for (int type = 0; type < PROBLEM_TYPE_COUNT; type++) {
        CHECK(problem_status(type) >= 400 && problem_status(type) <= 599);
        CHECK(problem_slug(type) != NULL && problem_slug(type)[0] != '\0');
        CHECK(problem_title(type) != NULL && problem_title(type)[0] != '\0');
    }
    CHECK_INT_EQ(problem_status(PROBLEM_NOT_FOUND), 404);
    CHECK_INT_EQ(problem_status(PROBLEM_VALIDATION), 422);
    CHECK_INT_EQ(problem_status(PROBLEM_STORE_UNAVAILABLE), 503);
    CHECK_INT_EQ(problem_status(PROBLEM_TYPE_COUNT + 7), 500);
}

static void test_render_exact_document(void)
{
    size_t length = 0;
    char *text = problem_render(PROBLEM_NOT_FOUND, "no lot 'gov-9'", NULL, &length);
    CHECK_STR_EQ(text, "{\"type\":\"/problems/not-found\",\"title\":\"Not found\",\"status\":404,"
                       "\"detail\":\"no lot 'gov-9'\"}");
    CHECK_INT_EQ(length, strlen(text));
    free(text);
}

static void test_extensions_cannot_override_standard_members(void)
{
    json_t *extensions = json_pack("{s:s, s:i, s:[{s:s, s:s}]}", "type", "evil", "status", 200,
                                   "errors", "field", "capacity", "rule", "1..100000");
    char *text = problem_render(PROBLEM_VALIDATION, "capacity out of range", extensions, NULL);
    CHECK_STR_EQ(text, "{\"type\":\"/problems/validation\",\"title\":\"Invalid request\","
                       "\"status\":422,\"detail\":\"capacity out of range\",\"errors\":[{\"field\":"
                       "\"capacity\",\"rule\":\"1..100000\"}]}");
    free(text);
    json_decref(extensions);
}

static void test_missing_or_invalid_detail(void)
{
    char *text = problem_render(PROBLEM_METHOD_NOT_ALLOWED, NULL, NULL, NULL);
    CHECK_STR_EQ(text, "{\"type\":\"/problems/method-not-allowed\",\"title\":\"Method not "
                       "allowed\",\"status\":405,\"detail\":\"Method not allowed\"}");
    free(text);
    text = problem_render(PROBLEM_BAD_REQUEST, "bad \xff byte", NULL, NULL);
    CHECK_STR_EQ(text, "{\"type\":\"/problems/bad-request\",\"title\":\"Malformed request\","
                       "\"status\":400,\"detail\":\"(detail was not valid UTF-8)\"}");
    free(text);
}

int main(void)
{
    RUN_TEST(test_every_type_is_complete);
    RUN_TEST(test_render_exact_document);
    RUN_TEST(test_extensions_cannot_override_standard_members);
    RUN_TEST(test_missing_or_invalid_detail);
    return check_exit_status();
}
