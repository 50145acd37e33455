/* test-closure.c: closure requests' rules with exact fields, the stored list, what is in force. */
#include "check.h"
#include "closure.h"

#include <stdlib.h>

#define HOUR (3600LL * 1000LL)
/* 2026-12-01T00:00:00Z */
static const int64_t now = 1796083200000LL;

static int parse(const char *text, json_t **record, struct field_error *error)
{
    json_t *body = json_loads(text, 0, NULL);
    int result;
    memset(error, 0, sizeof(*error));
    result = closure_parse_request(body, now, 24 * HOUR, record, error);
    json_decref(body);
    return result;
}

static void test_valid_request(void)
{
    json_t *record = NULL;
    struct field_error error;

    CHECK_INT_EQ(
        parse("{\"from\":\"2026-12-05T08:00:00+08:00\",\"to\":\"2026-12-05T18:00:00+08:00\","
              "\"reason\":\"市级应急值守\",\"names\":{\"en\":\"Emergency duty\"}}",
              &record, &error),
        0);
    CHECK_INT_EQ(json_integer_value(json_object_get(record, "from")), now + 4 * 24 * HOUR);
    CHECK_INT_EQ(json_integer_value(json_object_get(record, "to")),
                 now + 4 * 24 * HOUR + 10 * HOUR);
    CHECK_STR_EQ(json_string_value(json_object_get(record, "reason")), "市级应急值守");
    CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(record, "names"), "en")),
                 "Emergency duty");
    CHECK(json_is_false(json_object_get(record, "open_ended")));
    json_decref(record);

    /* No "to": until withdrawn, expiring closure_max_open after from. */
    CHECK_INT_EQ(parse("{\"from\":\"2026-12-01T00:00:00Z\",\"reason\":\"Flood\"}", &record, &error),
                 0);
    CHECK_INT_EQ(json_integer_value(json_object_get(record, "to")), now + 24 * HOUR);
    CHECK(json_is_true(json_object_get(record, "open_ended")));
    CHECK(json_object_get(record, "names") == NULL);
    json_decref(record);
}

/* Each broken rule names its field, and gives no record. */
static void test_refusals(void)
{
    static const struct {
        const char *body;
        const char *field;
    } cases[] = {
        {"[]", "body"},
        {"{\"reason\":\"x\"}", "from"},
        {"{\"from\":\"2026-12-05 08:00\",\"reason\":\"x\"}", "from"},
        /* No offset: which zone's 08:00 is never guessed. */
        {"{\"from\":\"2026-12-05T08:00:00\",\"reason\":\"x\"}", "from"},
        {"{\"from\":\"2026-02-30T08:00:00Z\",\"reason\":\"x\"}", "from"},
        {"{\"from\":\"2026-12-05T08:00:00Z\",\"to\":\"2026-12-05T07:00:00Z\",\"reason\":\"x\"}",
         "to"},
        {"{\"from\":\"2026-12-05T08:00:00Z\",\"to\":\"2026-12-05T08:00:00Z\",\"reason\":\"x\"}",
         "to"},
        {"{\"from\":\"2026-11-05T08:00:00Z\",\"to\":\"2026-11-30T08:00:00Z\",\"reason\":\"x\"}",
         "to"},
        {"{\"from\":\"2026-12-05T08:00:00Z\",\"to\":5,\"reason\":\"x\"}", "to"},
        {"{\"from\":\"2028-12-05T08:00:00Z\",\"reason\":\"x\"}", "from"},
        /* Open-ended, but its closure_max_open is over already. */
        {"{\"from\":\"2026-11-29T00:00:00Z\",\"reason\":\"x\"}", "from"},
        {"{\"from\":\"2026-12-05T08:00:00Z\"}", "reason"},
        {"{\"from\":\"2026-12-05T08:00:00Z\",\"reason\":\"\"}", "reason"},
        {"{\"from\":\"2026-12-05T08:00:00Z\",\"reason\":\"a\\nb\"}", "reason"},
        {"{\"from\":\"2026-12-05T08:00:00Z\",\"reason\":7}", "reason"},
        {"{\"from\":\"2026-12-05T08:00:00Z\",\"reason\":\"x\",\"names\":[]}", "names"},
        {"{\"from\":\"2026-12-05T08:00:00Z\",\"reason\":\"x\",\"names\":{\"en\":\"\"}}",
         "names.en"},
        {"{\"from\":\"2026-12-05T08:00:00Z\",\"reason\":\"x\",\"names\":{\"1x\":\"y\"}}",
         "names.1x"},
        {"{\"from\":\"2026-12-05T08:00:00Z\",\"reason\":\"x\",\"until\":\"y\"}", "until"},
    };
    struct field_error error;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *record = (json_t *)1;
        CHECK_INT_EQ(parse(cases[i].body, &record, &error), CLOSURE_ERROR_INVALID);
        CHECK(record == NULL);
        CHECK_STR_EQ(error.field, cases[i].field);
        CHECK(error.rule[0] != '\0');
    }
    {
        /* 201 characters of reason are one too many; 200 pass. */
        char body[1024], reason[256];
        json_t *record = NULL;
        memset(reason, 'r', 201);
        reason[201] = '\0';
        snprintf(body, sizeof(body), "{\"from\":\"2026-12-05T08:00:00Z\",\"reason\":\"%s\"}",
                 reason);
        CHECK_INT_EQ(parse(body, &record, &error), CLOSURE_ERROR_INVALID);
        CHECK_STR_EQ(error.field, "reason");
        reason[200] = '\0';
        snprintf(body, sizeof(body), "{\"from\":\"2026-12-05T08:00:00Z\",\"reason\":\"%s\"}",
                 reason);
        CHECK_INT_EQ(parse(body, &record, &error), 0);
        json_decref(record);
    }
}

/* Records as the scripts store them: out of order, one malformed, cjson's {} for none. */
static void test_list_parse(void)
{
    json_t *list = closure_list_parse(
        "[{\"id\":\"9\",\"from\":3000,\"to\":4000,\"reason\":\"b\",\"open_ended\":false},"
        "{\"id\":\"x\",\"from\":1,\"to\":2,\"reason\":\"bad id\"},"
        "{\"id\":\"4\",\"from\":1000,\"to\":2000,\"reason\":\"a\",\"open_ended\":true}]");
    CHECK_INT_EQ(json_array_size(list), 2);
    CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(list, 0), "id")), "4");
    CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(list, 1), "id")), "9");
    json_decref(list);
    list = closure_list_parse("{}");
    CHECK(list != NULL && json_array_size(list) == 0);
    json_decref(list);
    list = closure_list_parse(NULL);
    CHECK(list != NULL && json_array_size(list) == 0);
    json_decref(list);
}

/* In force, until the chain of touching closures ends; boundaries in order. */
static void test_active_and_boundaries(void)
{
    json_t *list = closure_list_parse(
        "[{\"id\":\"1\",\"from\":1000,\"to\":2000,\"reason\":\"works\"},"
        "{\"id\":\"2\",\"from\":2000,\"to\":3000,\"reason\":\"more works\"},"
        "{\"id\":\"3\",\"from\":900000000,\"to\":900001000,\"reason\":\"later\"}]");
    int64_t until = 0;
    const json_t *active;

    CHECK(closure_active(list, 999, &until) == NULL);
    CHECK_INT_EQ(until, -1);
    active = closure_active(list, 1000, &until);
    CHECK_STR_EQ(json_string_value(json_object_get(active, "id")), "1");
    CHECK_INT_EQ(until, 3000);
    active = closure_active(list, 2000, &until);
    CHECK_STR_EQ(json_string_value(json_object_get(active, "id")), "2");
    CHECK_INT_EQ(until, 3000);
    CHECK(closure_active(list, 3000, &until) == NULL);

    CHECK_INT_EQ(closure_next_boundary(list, 0), 1000);
    CHECK_INT_EQ(closure_next_boundary(list, 1000), 2000);
    CHECK_INT_EQ(closure_next_boundary(list, 2000), 3000);
    /* Then the later one entering the upcoming window, starting and ending. */
    CHECK_INT_EQ(closure_next_boundary(list, 3000), 900000000 - CLOSURE_UPCOMING_MS);
    CHECK_INT_EQ(closure_next_boundary(list, 900000000 - CLOSURE_UPCOMING_MS), 900000000);
    CHECK_INT_EQ(closure_next_boundary(list, 900001000), -1);
    json_decref(list);
}

static void test_public_lists(void)
{
    json_t *list = closure_list_parse(
        "[{\"id\":\"1\",\"from\":1796083200000,\"to\":1796086800000,\"reason\":\"now\"},"
        "{\"id\":\"2\",\"from\":1796169600000,\"to\":1796173200000,\"reason\":\"tomorrow\","
        "\"names\":{\"en\":\"Tomorrow\"},\"open_ended\":true},"
        "{\"id\":\"3\",\"from\":1797379200000,\"to\":1797382800000,\"reason\":\"in 15 days\"}]");
    json_t *all = closure_public_list(list, now, -1, NULL);
    json_t *soon = closure_public_list(list, now, CLOSURE_UPCOMING_MS, NULL);
    char *text = json_dumps(json_array_get(soon, 0), JSON_COMPACT | JSON_PRESERVE_ORDER);

    CHECK_INT_EQ(json_array_size(all), 3);
    /* Upcoming: not started yet, and starting within 7 days. */
    CHECK_INT_EQ(json_array_size(soon), 1);
    CHECK_STR_EQ(text, "{\"id\":\"2\",\"from\":\"2026-12-02T00:00:00.000Z\","
                       "\"to\":\"2026-12-02T01:00:00.000Z\",\"reason\":\"tomorrow\","
                       "\"open_ended\":true,\"names\":{\"en\":\"Tomorrow\"}}");
    CHECK(closure_find(list, "3") != NULL);
    CHECK(closure_find(list, "4") == NULL);
    CHECK(closure_id_is_valid("12"));
    CHECK(!closure_id_is_valid("1a"));
    CHECK(!closure_id_is_valid(""));
    free(text);
    json_decref(all);
    json_decref(soon);
    json_decref(list);
}

int main(void)
{
    RUN_TEST(test_valid_request);
    RUN_TEST(test_refusals);
    RUN_TEST(test_list_parse);
    RUN_TEST(test_active_and_boundaries);
    RUN_TEST(test_public_lists);
    return check_exit_status();
}
